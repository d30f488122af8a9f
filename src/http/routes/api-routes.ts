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

/** Every method Fastify routes; a path returns 405 for those it does not serve. */
const allMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

const routeMethods: Record<string, readonly string[]> = {
  '/attachments/v1/files/generate-upload-url': ['POST'],
  '/attachments/v1/files/download-url': ['POST'],
  '/attachments/v1/files/complete-upload/:fileId': ['PUT'],
  '/attachments/v1/files/:fileId': ['GET', 'DELETE'],
};

/** Registers the JSON API under `/attachments/v1`, in its own scope with its own body parser. */
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
      schema: { hide: true },
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
    { parseAs: 'buffer', bodyLimit: jsonBodyLimitBytes },
    (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** A UTF-16 surrogate that is not half of a pair: JSON can spell one (`"\ud800"`), Unicode cannot. */
const loneSurrogate = /\p{Cs}/u;

/**
 * Parses a JSON body that must be valid UTF-8 and hold only well-formed Unicode strings, so a
 * stored file name is always the exact text the client sent. Returns undefined for an empty body.
 */
function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw validationError([{ loc: ['body', 0], msg: 'Invalid UTF-8', type: 'json_invalid' }]);
  }
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw validationError([
      {
        loc: ['body', position === undefined ? 0 : Number(position)],
        msg: 'JSON decode error',
        type: 'json_invalid',
      },
    ]);
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [field, value] of Object.entries(parsed)) {
      if (typeof value === 'string' && loneSurrogate.test(value)) {
        throw validationError([
          { loc: ['body', field], msg: 'String should be valid Unicode', type: 'string_unicode' },
        ]);
      }
    }
  }
  return parsed;
}
