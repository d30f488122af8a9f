import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiKeyService } from '../domain/api-keys.js';
import type { Principal, Scope } from '../domain/types.js';
import { AttacheError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The fileId the request is about, for the request log line. */
    fileId: string | null;
  }
  interface FastifyReply {
    /** The error code sent, for the request log line. */
    errorCode: string | null;
  }
}

/**
 * Builds the hook that authenticates a request by its `X-API-KEY` header and checks that the
 * key has `scope`. It runs before the body is parsed, so an unauthenticated caller learns
 * nothing from validation errors.
 */
export function requireScope(apiKeys: ApiKeyService, scope: Scope): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers['x-api-key'];
    const apiKey = Array.isArray(header) ? header[0] : header;
    if (!apiKey) throw new AttacheError('unauthorized');
    const principal = await apiKeys.authenticate(apiKey);
    if (principal === null) throw new AttacheError('unauthorized');
    if (!principal.scopes.includes(scope)) throw new AttacheError('forbidden');
    request.principal = principal;
  };
}
