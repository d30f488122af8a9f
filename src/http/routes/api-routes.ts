import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { UploadService } from '../../domain/uploads.js';
import { AttacheError, validationError } from '../../errors.js';
import type { RequestAuth } from '../auth.js';
import { sendError } from '../error-handler.js';
import { registerCompleteUpload } from './complete-upload.js';
import { registerDeleteFile } from './delete-file.js';
import { registerDownloadUrl } from './download-url.js';
import { registerGenerateUploadUrl } from './generate-upload-url.js';
import { registerGetFile } from './get-file.js';

export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ApiRouteContext {
  app: TypedApp;
  auth: RequestAuth;
  uploads: UploadService;
}

export interface ApiRoutesOptions {
  auth: RequestAuth;
  uploads: UploadService;
}

/** Largest JSON body the API reads: a request names a file, it never carries one. */
const jsonBodyLimitBytes = 64 * 1024;

/** Every method Fastify routes; a path answers 405 to those it does not serve. */
const allMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

const routeMethods: Record<string, readonly string[]> = {
  '/attachments/v1/files/generate-upload-url': ['POST'],
  '/attachments/v1/files/download-url': ['POST'],
  '/attachments/v1/files/complete-upload/:fileId': ['PUT'],
  '/attachments/v1/files/:fileId': ['GET', 'DELETE'],
};

/** The JSON API under `/attachments/v1`, in its own scope with its own body parser. */
export const apiRoutes: FastifyPluginAsync<ApiRoutesOptions> = async (scope, options) => {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  registerJsonParser(scope);
  const context: ApiRouteContext = { app, ...options };
  registerGenerateUploadUrl(context);
  registerCompleteUpload(context);
  registerGetFile(context);
  registerDeleteFile(context);
  registerDownloadUrl(context);

  for (const [url, methods] of Object.entries(routeMethods)) {
    const others = allMethods.filter((method) => !methods.includes(method));
    scope.route({
      method: others,
      url,
      handler: (request, reply) => {
        reply.header('allow', methods.join(', '));
        return sendError(request, reply, new AttacheError('method_not_allowed'));
      },
    });
  }
};

/**
 * Parses every request body as JSON whatever its Content-Type, as FastAPI does for a JSON
 * body parameter, so `curl -d` without a header still works, and reports malformed JSON the
 * way FastAPI does.
 */
function registerJsonParser(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: jsonBodyLimitBytes },
    (_request, body, done) => {
      const text = body as string;
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch (error) {
        const position = /position (\d+)/.exec((error as Error).message)?.[1];
        done(
          validationError([
            {
              loc: ['body', position === undefined ? 0 : Number(position)],
              msg: 'JSON decode error',
              type: 'json_invalid',
            },
          ]),
          undefined,
        );
      }
    },
  );
}
