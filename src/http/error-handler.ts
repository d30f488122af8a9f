import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AttacheError, validationError, type ErrorCode, type ValidationIssue } from '../errors.js';

/** The one mapping from error codes to HTTP status codes. */
export const errorStatus: Record<ErrorCode, number> = {
  validation_error: 422,
  unsupported_feature_type: 400,
  unknown_file_type: 400,
  invalid_file_type_hint: 400,
  file_not_found: 404,
  file_not_in_storage: 400,
  file_too_large: 413,
  upload_already_completed: 409,
  file_type_mismatch: 415,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  file_url_expired: 403,
  request_too_large: 413,
  bad_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  metadata_store_unavailable: 503,
  object_store_unavailable: 503,
  internal_error: 500,
};

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AttacheError) {
  reply.errorCode = error.code;
  if (error.code === 'metadata_store_unavailable' || error.code === 'object_store_unavailable') {
    reply.header('retry-after', '5');
  }
  return reply
    .code(errorStatus[error.code])
    .type('application/json; charset=utf-8')
    .send({ requestId: request.id, detail: error.detail, code: error.code });
}

/** Converts whatever a handler threw into the JSON error envelope. 5xx bodies carry no internals. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const attacheError = toAttacheError(error, request);
    const status = errorStatus[attacheError.code];
    if (status === 503) {
      // The store is down, not a bug: the cause's message is enough to tell which and why.
      const cause = attacheError.cause instanceof Error ? attacheError.cause.message : undefined;
      request.log.warn({ code: attacheError.code, cause }, 'store unavailable');
    } else if (status >= 500) {
      request.log.error({ err: error, code: attacheError.code }, 'request failed');
    }
    return sendError(request, reply, attacheError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AttacheError('not_found')),
  );
}

function toAttacheError(error: FastifyError, request: FastifyRequest): AttacheError {
  if (error instanceof AttacheError) return error;
  if (error.validation) {
    return validationError(toValidationIssues(error, request));
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AttacheError('request_too_large');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AttacheError('bad_request', { cause: error });
  }
  return new AttacheError('internal_error', { cause: error });
}

type AjvError = NonNullable<FastifyError['validation']>[number];

/** Rewrites Ajv errors as FastAPI reports validation problems: `{loc, msg, type}`. */
function toValidationIssues(error: FastifyError, request: FastifyRequest): ValidationIssue[] {
  const context = error.validationContext ?? 'body';
  if (context === 'body' && (request.body === undefined || request.body === null)) {
    return [{ loc: ['body'], msg: 'Field required', type: 'missing' }];
  }
  return (error.validation ?? []).map((issue) => toValidationIssue(context, issue));
}

function toValidationIssue(context: string, issue: AjvError): ValidationIssue {
  const path = issue.instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const loc: (string | number)[] = [context === 'querystring' ? 'query' : context, ...path];
  const params = issue.params as Record<string, unknown>;
  switch (issue.keyword) {
    case 'required':
      return {
        loc: [...loc, String(params.missingProperty)],
        msg: 'Field required',
        type: 'missing',
      };
    case 'type':
      return typeIssue(loc, String(params.type));
    case 'maxLength':
      return {
        loc,
        msg: `String should have at most ${String(params.limit)} characters`,
        type: 'string_too_long',
      };
    case 'minLength':
      return {
        loc,
        msg: `String should have at least ${String(params.limit)} character${params.limit === 1 ? '' : 's'}`,
        type: 'string_too_short',
      };
    case 'minimum':
      return {
        loc,
        msg: `Input should be greater than or equal to ${String(params.limit)}`,
        type: 'greater_than_equal',
      };
    case 'maximum':
      return {
        loc,
        msg: `Input should be less than or equal to ${String(params.limit)}`,
        type: 'less_than_equal',
      };
    case 'pattern':
      return {
        loc,
        msg: 'String should not contain control characters',
        type: 'string_pattern_mismatch',
      };
    default:
      return { loc, msg: issue.message ?? 'Invalid value', type: 'value_error' };
  }
}

function typeIssue(loc: (string | number)[], expected: string): ValidationIssue {
  switch (expected) {
    case 'string':
      return { loc, msg: 'Input should be a valid string', type: 'string_type' };
    case 'integer':
      return { loc, msg: 'Input should be a valid integer', type: 'int_type' };
    case 'object':
      return {
        loc,
        msg: 'Input should be a valid dictionary or object to extract fields from',
        type: 'model_attributes_type',
      };
    default:
      return { loc, msg: `Input should be of type ${expected}`, type: `${expected}_type` };
  }
}
