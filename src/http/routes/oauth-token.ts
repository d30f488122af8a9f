import type { FastifyPluginAsync } from 'fastify';
import { OAuthError, type AccessTokenService } from '../../domain/access-tokens.js';

export interface OAuthTokenRouteOptions {
  accessTokens: AccessTokenService;
}

const statusOf: Record<OAuthError['error'], number> = {
  invalid_request: 400,
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_scope: 400,
};

/**
 * `POST /oauth/v1/token`: the OAuth 2.0 token endpoint for the client credentials grant. The
 * body is form-encoded (RFC 6749) or JSON; the client authenticates with HTTP Basic or with
 * `client_id` and `client_secret` in the body.
 */
export const oauthTokenRoute: FastifyPluginAsync<OAuthTokenRouteOptions> = async (
  scope,
  options,
) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (request, body, done) => {
      const text = body as string;
      if (/json/i.test(request.headers['content-type'] ?? '')) {
        try {
          return done(null, JSON.parse(text));
        } catch {
          return done(null, null);
        }
      }
      done(null, Object.fromEntries(new URLSearchParams(text)));
    },
  );

  const schema = {
    tags: ['oauth'],
    summary: 'Issue an access token (client credentials)',
    description:
      'Form-encoded or JSON body with grant_type=client_credentials, client_id, client_secret ' +
      '(or HTTP Basic) and an optional space-separated scope. Returns a Bearer token valid 24 h.',
    security: [],
  };
  scope.post('/oauth/v1/token', { schema }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const field = (name: string) =>
      typeof body[name] === 'string' ? (body[name] as string) : undefined;
    const basic = parseBasicAuth(request.headers.authorization);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    try {
      const token = await options.accessTokens.issue({
        grantType: field('grant_type'),
        clientId: basic?.clientId ?? field('client_id'),
        clientSecret: basic?.clientSecret ?? field('client_secret'),
        scope: field('scope'),
      });
      return {
        access_token: token.accessToken,
        token_type: 'Bearer',
        expires_in: token.expiresInSeconds,
        scope: token.scopes.join(' '),
      };
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      request.log.info({ error: error.error }, 'token request rejected');
      if (error.error === 'invalid_client' && basic) reply.header('www-authenticate', 'Basic');
      return reply
        .code(statusOf[error.error])
        .send({ error: error.error, error_description: error.description });
    }
  });
};

/** Reads `Authorization: Basic` credentials (RFC 6749 section 2.3.1: form-encoded id and secret). */
function parseBasicAuth(header: string | undefined) {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
  };
}
