import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { AccessTokenService } from '../domain/access-tokens.js';
import type { ApiKeyService } from '../domain/api-keys.js';
import type { RateLimitDecision, RateLimiter } from '../rate-limit/rate-limiter.js';
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

export interface RequestAuth {
  apiKeys: ApiKeyService;
  accessTokens: AccessTokenService;
  rateLimiter: RateLimiter;
}

/**
 * Builds the hook that authenticates a request by its `X-API-KEY` header or an OAuth bearer
 * token in `Authorization`, counts it against
 * the account's rate limits and checks that the key has `scope`. It runs before the body is
 * parsed, so an unauthenticated caller learns nothing from validation errors.
 */
export function requireScope(auth: RequestAuth, scope: Scope): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await authenticate(auth, request);
    if (principal === null) throw new AttacheError('unauthorized');
    request.principal = principal;

    if (auth.rateLimiter.enabled) {
      const decision = await auth.rateLimiter.consume(principal.accountId);
      setRateLimitHeaders(reply, decision);
      if (!decision.allowed) throw new AttacheError('rate_limited');
    }
    if (!principal.scopes.includes(scope)) throw new AttacheError('forbidden');
  };
}

async function authenticate(auth: RequestAuth, request: FastifyRequest): Promise<Principal | null> {
  const header = request.headers['x-api-key'];
  const apiKey = Array.isArray(header) ? header[0] : header;
  if (apiKey) return auth.apiKeys.authenticate(apiKey);
  const bearer = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(request.headers.authorization ?? '');
  if (bearer) return auth.accessTokens.authenticate(bearer[1]!);
  return null;
}

function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
  for (const [window, usage] of [
    ['minute', decision.minute],
    ['day', decision.day],
  ] as const) {
    if (usage === null) continue;
    reply.header(`x-ratelimit-${window}-limit`, String(usage.limit));
    reply.header(`x-ratelimit-${window}-remaining`, String(usage.remaining));
    reply.header(`x-ratelimit-${window}-reset`, String(usage.resetSeconds));
  }
  if (!decision.allowed) {
    const exhausted = [decision.minute, decision.day].filter((usage) => usage?.remaining === 0);
    reply.header('retry-after', String(Math.max(...exhausted.map((usage) => usage!.resetSeconds))));
  }
}
