import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { fileSignatureFields, fileUrlParams, type FileUrls } from '../../domain/file-urls.js';
import type { UploadRecord } from '../../domain/types.js';
import type { UploadService } from '../../domain/uploads.js';
import { AttacheError } from '../../errors.js';
import type { ObjectInfo, ObjectStore } from '../../storage/object-store.js';
import { contentDisposition } from '../../lib/content-disposition.js';
import { sendError } from '../error-handler.js';
import { parseRange } from '../ranges.js';

export interface ServeFileRouteOptions {
  uploads: UploadService;
  objects: ObjectStore;
  fileUrls: FileUrls;
  now?: () => number;
}

interface ServeFileRequest {
  Params: { fileId: string; '*': string };
  Querystring: Record<string, string | undefined>;
}

/** How long a redirect to the store's presigned GET URL stays valid. */
const redirectTtlSeconds = 300;

/**
 * Serves completed files at `fileUrl`: `GET`/`HEAD /files/{fileId}/{fileName}` with ranges,
 * validators and headers that keep uploaded content from running in this origin.
 */
export const serveFileRoute: FastifyPluginAsync<ServeFileRouteOptions> = async (scope, options) => {
  const now = options.now ?? Date.now;
  // HEAD is routed here rather than derived from GET: Fastify's derived HEAD route resets
  // Content-Length to 0 when no body is sent.
  scope.route<ServeFileRequest>({
    method: ['GET', 'HEAD'],
    url: '/files/:fileId/*',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const { fileId } = request.params;
      const upload = await options.uploads.findServableFile(fileId);
      if (upload === null || upload.fileName !== request.params['*']) {
        return sendError(request, reply, new AttacheError('not_found'));
      }
      request.fileId = fileId;
      const signed = checkSignature(request, options.fileUrls, now());
      if (signed === 'invalid')
        return sendError(request, reply, new AttacheError('file_url_expired'));

      const redirect = await options.objects.createDownloadUrl({
        fileId,
        fileName: upload.fileName,
        contentType: upload.fileType,
        expiresInSeconds: redirectTtlSeconds,
      });
      if (redirect !== null) {
        return reply.code(302).header('cache-control', 'private, no-store').redirect(redirect);
      }

      const info = await options.objects.headFile(fileId);
      if (info === null) {
        request.log.error({ fileId }, 'completed file has no object in the store');
        return sendError(request, reply, new AttacheError('not_found'));
      }
      return sendObject(request, reply, upload, info, { signed: signed === 'valid', options });
    },
  });
};

/** Returns whether the request carries a valid signature, none, or an invalid one. */
function checkSignature(request: FastifyRequest<ServeFileRequest>, urls: FileUrls, now: number) {
  const expires = request.query[fileUrlParams.expires];
  const keyId = request.query[fileUrlParams.keyId];
  const signature = request.query[fileUrlParams.signature];
  if (expires === undefined && keyId === undefined && signature === undefined) {
    return urls.signedFileUrlTtlSeconds === null ? 'none' : 'invalid';
  }
  if (!expires || !keyId || !signature || !/^\d{1,12}$/.test(expires)) return 'invalid';
  const fields = fileSignatureFields(request.params.fileId, Number(expires));
  if (!urls.signer.verify(fields, keyId, signature)) return 'invalid';
  return Number(expires) * 1000 < now ? 'invalid' : 'valid';
}

async function sendObject(
  request: FastifyRequest<ServeFileRequest>,
  reply: FastifyReply,
  upload: UploadRecord,
  info: ObjectInfo,
  context: { signed: boolean; options: ServeFileRouteOptions },
) {
  const etag = upload.etag ?? info.etag;
  const lastModified = new Date(upload.completedAt ?? info.lastModified.getTime());
  lastModified.setMilliseconds(0);
  reply.headers({
    'content-type': upload.fileType,
    'content-disposition': contentDisposition(upload.fileName, upload.fileType),
    'x-content-type-options': 'nosniff',
    'content-security-policy': 'sandbox',
    // A signed URL expires, so shared caches must not keep serving it; unsigned bytes never change.
    'cache-control': context.signed
      ? 'private, max-age=300'
      : 'public, max-age=31536000, immutable',
    'accept-ranges': 'bytes',
    etag,
    'last-modified': lastModified.toUTCString(),
  });

  const precondition = evaluatePreconditions(request, etag, lastModified);
  if (precondition !== null) return reply.code(precondition).send();

  const ifRange = request.headers['if-range'];
  const rangeHeader = ifRange === undefined || ifRange === etag ? request.headers.range : undefined;
  const range = parseRange(rangeHeader, info.sizeBytes);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${info.sizeBytes}`);
    return reply.code(416).send();
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? info.sizeBytes - 1;
  reply.header('content-length', String(Math.max(0, end - start + 1)));
  if (range !== null) {
    reply.code(206).header('content-range', `bytes ${start}-${end}/${info.sizeBytes}`);
  }
  if (request.method === 'HEAD' || info.sizeBytes === 0) return reply.send();
  return reply.send(await context.options.objects.openFile(upload.fileId, { start, end }));
}

/** Applies conditional request headers (RFC 9110 section 13.2.2); returns 304, 412 or null. */
function evaluatePreconditions(request: FastifyRequest, etag: string, lastModified: Date) {
  const headers = request.headers;
  const matches = (list: string) =>
    list.split(',').some((tag) => {
      const trimmed = tag.trim();
      return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
    });
  if (headers['if-match'] !== undefined && !matches(headers['if-match'])) return 412;
  if (headers['if-match'] === undefined && headers['if-unmodified-since'] !== undefined) {
    const since = Date.parse(headers['if-unmodified-since']);
    if (!Number.isNaN(since) && lastModified.getTime() > since) return 412;
  }
  if (headers['if-none-match'] !== undefined) return matches(headers['if-none-match']) ? 304 : null;
  if (headers['if-modified-since'] !== undefined) {
    const since = Date.parse(headers['if-modified-since']);
    if (!Number.isNaN(since) && lastModified.getTime() <= since) return 304;
  }
  return null;
}
