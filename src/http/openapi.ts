import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { errorDetails } from '../errors.js';
import { errorStatus } from './error-handler.js';

/** Builds a Markdown table of every error code, its status and `detail`, for the document's description. */
function errorTable(): string {
  const rows = Object.entries(errorDetails).map(
    ([code, detail]) =>
      `| ${errorStatus[code as keyof typeof errorStatus]} | \`${code}\` | ${detail} |`,
  );
  return ['| status | code | detail |', '|---|---|---|', ...rows].join('\n');
}

/**
 * Registers the OpenAPI 3.1 document at `/openapi.json`, built from the routes' TypeBox schemas,
 * and a reference page at `/docs`. Must be registered before the routes it describes.
 */
export async function registerOpenApi(app: FastifyInstance, publicBaseUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Attache Attachments API',
        version: '1.0.0',
        description:
          'Upload a file in three steps: generate an upload URL, PUT the bytes to it, complete ' +
          'the upload. Every error body is `{requestId, detail, code}`:\n\n' +
          errorTable(),
      },
      servers: [{ url: publicBaseUrl }],
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY' } },
      },
      security: [{ apiKey: [] }],
    },
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
