import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Errors of the local store's PUT endpoint, with the codes and statuses S3 uses for the same
 * failures, so a client handles a local upload URL exactly like a presigned S3 URL.
 */
export const s3Errors = {
  AccessDenied: 403,
  SignatureDoesNotMatch: 403,
  MissingContentLength: 411,
  EntityTooLarge: 400,
  IncompleteBody: 400,
  InvalidArgument: 400,
  ServiceUnavailable: 503,
  InternalError: 500,
} as const;

export type S3ErrorCode = keyof typeof s3Errors;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Sends an S3-style XML error. When the request body was not read, the connection is closed
 * after the reply so the client stops sending instead of the server draining the body.
 */
export function sendS3Error(
  request: FastifyRequest,
  reply: FastifyReply,
  code: S3ErrorCode,
  message: string,
  options: { bodyUnread?: boolean } = {},
) {
  reply.errorCode = code;
  if (options.bodyUnread) reply.header('connection', 'close');
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>` +
    `<RequestId>${escapeXml(request.id)}</RequestId></Error>`;
  return reply.code(s3Errors[code]).type('application/xml').send(xml);
}
