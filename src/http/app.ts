import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { AccessTokenService } from '../domain/access-tokens.js';
import type { ApiKeyService } from '../domain/api-keys.js';
import type { FileUrls } from '../domain/file-urls.js';
import type { UrlSigner } from '../lib/url-signer.js';
import type { UploadService } from '../domain/uploads.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { Metrics } from '../metrics.js';
import { LocalObjectStore } from '../storage/local/local-object-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { registerErrorHandler } from './error-handler.js';
import { registerOpenApi } from './openapi.js';
import { requestIdFor } from './request-id.js';
import { apiRoutes } from './routes/api-routes.js';
import { healthRoutes } from './routes/health.js';
import { oauthTokenRoute } from './routes/oauth-token.js';
import { serveFileRoute } from './routes/serve-file.js';
import { uploadObjectRoute } from './routes/upload-object.js';

export interface AppDependencies {
  logger: PinoLogger;
  metadata: MetadataStore;
  objects: ObjectStore;
  apiKeys: ApiKeyService;
  accessTokens: AccessTokenService;
  rateLimiter: RateLimiter;
  uploads: UploadService;
  metrics: Metrics;
  signer: UrlSigner;
  fileUrls: FileUrls;
  corsOrigins: readonly string[];
  /** Base URL clients reach the API at, for the OpenAPI document's server entry. */
  publicBaseUrl: string;
  maxObjectBytes: number;
  /** Idle time after which a connection is closed, so stalled bodies do not hold sockets. */
  socketIdleTimeoutSeconds: number;
  now?: () => number;
}

/** Headers a browser script may read from cross-origin responses. */
const exposedHeaders = [
  'etag',
  'x-request-id',
  'x-ratelimit-minute-limit',
  'x-ratelimit-minute-remaining',
  'x-ratelimit-minute-reset',
  'x-ratelimit-day-limit',
  'x-ratelimit-day-remaining',
  'x-ratelimit-day-reset',
];

/** Builds the HTTP application without listening, so tests can inject requests. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // The onResponse hook below writes the one log line per request.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    genReqId: requestIdFor,
    // Uploads to the local store can take minutes, so a request has no overall deadline. A
    // connection that sends nothing for the idle timeout is closed instead.
    requestTimeout: 0,
    connectionTimeout: deps.socketIdleTimeoutSeconds * 1000,
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false } },
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('fileId', null);
  app.decorateReply('errorCode', null);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    // One line per request. The URL is logged without its query, which may carry a signature.
    const fields = {
      method: request.method,
      path: request.url.split('?')[0],
      statusCode: reply.statusCode,
      fileId: request.fileId ?? undefined,
      accountId: request.principal?.accountId,
      code: reply.errorCode ?? undefined,
      durationMs: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode === 503) request.log.warn(fields, 'request completed');
    else if (reply.statusCode >= 500) request.log.error(fields, 'request failed');
    else request.log.info(fields, 'request completed');
    deps.metrics.requestDuration.observe(
      {
        method: request.method,
        // The route pattern, not the path, so fileIds do not multiply the series.
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(cors, {
    origin: deps.corsOrigins.includes('*') ? '*' : [...deps.corsOrigins],
    methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    allowedHeaders: ['content-type', 'x-api-key', 'authorization', 'x-request-id'],
    exposedHeaders,
    maxAge: 3600,
  });
  registerErrorHandler(app);
  await registerOpenApi(app, deps.publicBaseUrl);
  await app.register(apiRoutes, {
    auth: { apiKeys: deps.apiKeys, accessTokens: deps.accessTokens, rateLimiter: deps.rateLimiter },
    uploads: deps.uploads,
  });
  await app.register(oauthTokenRoute, { accessTokens: deps.accessTokens });
  await app.register(serveFileRoute, {
    uploads: deps.uploads,
    objects: deps.objects,
    fileUrls: deps.fileUrls,
    now: deps.now,
  });
  if (deps.objects instanceof LocalObjectStore) {
    await app.register(uploadObjectRoute, {
      objects: deps.objects,
      metadata: deps.metadata,
      signer: deps.signer,
      maxObjectBytes: deps.maxObjectBytes,
      now: deps.now,
    });
  }
  await app.register(healthRoutes, { metadata: deps.metadata, objects: deps.objects });
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  return app;
}
