import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseMimeType } from '../../domain/file-types/mime-type.js';
import type { UrlSigner } from '../../lib/url-signer.js';
import type { MetadataStore } from '../../metadata/metadata-store.js';
import { isFileId } from '../../storage/object-keys.js';
import {
  IncompleteBodyError,
  type LocalObjectStore,
} from '../../storage/local/local-object-store.js';
import {
  uploadPath,
  uploadSignatureFields,
  uploadUrlParams,
} from '../../storage/local/upload-url.js';
import { sendS3Error } from '../s3-errors.js';
import { AttacheError } from '../../errors.js';

export interface UploadObjectRouteOptions {
  objects: LocalObjectStore;
  metadata: MetadataStore;
  signer: UrlSigner;
  /** Largest body accepted, as S3 limits a single PUT. */
  maxObjectBytes: number;
  now?: () => number;
}

interface UploadQuery {
  [uploadUrlParams.expires]?: string;
  [uploadUrlParams.keyId]?: string;
  [uploadUrlParams.signature]?: string;
}

/**
 * The local store's upload endpoint: the target of its upload URLs. It checks the URL the way
 * S3 checks a presigned URL (signature, Content-Type, expiry when the PUT starts) and responds
 * with S3's error codes, then streams the body to disk.
 */
export const uploadObjectRoute: FastifyPluginAsync<UploadObjectRouteOptions> = async (
  scope,
  options,
) => {
  const now = options.now ?? Date.now;
  // The body stays an unread stream: the handler pipes it to disk.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  scope.setErrorHandler(sendUploadError);

  scope.put<{ Params: { fileId: string }; Querystring: UploadQuery }>(
    `${uploadPath(':fileId')}`,
    async (request, reply) => {
      const { fileId } = request.params;
      request.fileId = isFileId(fileId) ? fileId : null;
      const rejection = checkRequest(request, options, now());
      if (rejection)
        return sendS3Error(request, reply, rejection.code, rejection.message, { bodyUnread: true });

      const upload = await options.metadata.findUpload(fileId);
      if (upload === null || upload.state !== 'pending') {
        return sendS3Error(request, reply, 'AccessDenied', 'Upload is no longer accepting data', {
          bodyUnread: true,
        });
      }
      return receiveBody(request, reply, options);
    },
  );
};

/** Sends any error of the upload endpoint in S3's XML format, never with internals. */
function sendUploadError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const fileId = request.fileId;
  if (error instanceof AttacheError && error.code.endsWith('_unavailable')) {
    request.log.warn({ err: error, fileId }, 'upload failed: a store is unavailable');
    return sendS3Error(
      request,
      reply,
      'ServiceUnavailable',
      'Storage is unavailable, retry later',
      {
        bodyUnread: true,
      },
    );
  }
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  if (status < 500) {
    // Fastify rejected the request before the handler ran: a Content-Type header it cannot
    // parse can never equal the signed type, and other framing errors are the client's.
    request.log.info({ fileId, reason: (error as Error).message }, 'upload request rejected');
    const invalidType = (error as { code?: string }).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
    const [code, message] = invalidType
      ? (['SignatureDoesNotMatch', signatureMismatchMessage] as const)
      : (['InvalidArgument', 'The request is malformed'] as const);
    return sendS3Error(request, reply, code, message, { bodyUnread: true });
  }
  request.log.error({ err: error, fileId }, 'upload failed');
  return sendS3Error(request, reply, 'InternalError', 'Internal error, retry later', {
    bodyUnread: true,
  });
}

const signatureMismatchMessage =
  'The request signature does not match: send the URL unchanged, with the Content-Type declared when it was generated';

type Rejection = {
  code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'MissingContentLength' | 'EntityTooLarge';
  message: string;
};

function checkRequest(
  request: FastifyRequest<{ Params: { fileId: string }; Querystring: UploadQuery }>,
  options: UploadObjectRouteOptions,
  now: number,
): Rejection | null {
  const query = request.query;
  const expires = query[uploadUrlParams.expires];
  const keyId = query[uploadUrlParams.keyId];
  const signature = query[uploadUrlParams.signature];
  if (!expires || !keyId || !signature || !/^\d{1,12}$/.test(expires)) {
    return { code: 'AccessDenied', message: 'Upload URL is missing its signature or expiry' };
  }
  const contentType = parseMimeType(request.headers['content-type'] ?? '');
  const fields = uploadSignatureFields(request.params.fileId, contentType ?? '', Number(expires));
  if (!isFileId(request.params.fileId) || !options.signer.verify(fields, keyId, signature)) {
    return {
      code: 'SignatureDoesNotMatch',
      message: signatureMismatchMessage,
    };
  }
  // As on S3, the expiry is checked when the PUT starts, so a long upload that started in
  // time finishes.
  if (Number(expires) * 1000 < now) return { code: 'AccessDenied', message: 'Request has expired' };

  const lengthHeader = request.headers['content-length'];
  if (lengthHeader === undefined || !/^\d+$/.test(lengthHeader)) {
    return {
      code: 'MissingContentLength',
      message: 'You must provide the Content-Length HTTP header',
    };
  }
  if (Number(lengthHeader) > options.maxObjectBytes) {
    return {
      code: 'EntityTooLarge',
      message: `Your proposed upload exceeds the maximum allowed size of ${options.maxObjectBytes} bytes`,
    };
  }
  return null;
}

async function receiveBody(
  request: FastifyRequest<{ Params: { fileId: string } }>,
  reply: FastifyReply,
  options: UploadObjectRouteOptions,
) {
  const { fileId } = request.params;
  const expectedBytes = Number(request.headers['content-length']);
  const abort = new AbortController();
  const onClose = () => {
    if (!request.raw.complete) abort.abort();
  };
  request.raw.on('close', onClose);
  try {
    const info = await options.objects.writeStaged(fileId, request.raw, {
      expectedBytes,
      signal: abort.signal,
    });
    // A completion may have won while the body streamed: its validated object is already
    // promoted, and these bytes must not linger as a staged object.
    const upload = await options.metadata.findUpload(fileId);
    if (upload === null || upload.state !== 'pending') {
      await options.objects.deleteStaged(fileId);
      return sendS3Error(request, reply, 'AccessDenied', 'Upload is no longer accepting data');
    }
    return reply.code(200).header('etag', info.etag).send();
  } catch (error) {
    if (error instanceof AttacheError) throw error;
    if (error instanceof IncompleteBodyError || abort.signal.aborted) {
      request.log.info({ fileId, err: error }, 'upload body ended early; nothing stored');
      return sendS3Error(
        request,
        reply,
        'IncompleteBody',
        'The request body ended before Content-Length bytes',
      );
    }
    throw error;
  } finally {
    request.raw.off('close', onClose);
  }
}
