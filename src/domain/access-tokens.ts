import type { UrlSigner } from '../lib/url-signer.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { hashApiKey } from './api-keys.js';
import { scopes as allScopes, type Principal, type Scope } from './types.js';

/** Access tokens last 24 hours, as in the Connecteam API. */
export const accessTokenTtlSeconds = 86_400;

/** OAuth 2.0 token endpoint errors (RFC 6749 section 5.2). */
export type OAuthErrorCode =
  'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

export interface TokenRequest {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Space-separated scopes; when absent the token gets every scope of the client. */
  scope: string | undefined;
}

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
  scopes: Scope[];
}

interface TokenPayload {
  /** The API key (OAuth client) the token was issued to. */
  keyId: string;
  accountId: string;
  scopes: Scope[];
  /** Expiry, epoch seconds. */
  expires: number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4). Every API key is also an OAuth client:
 * its key id is the `client_id` and the key itself the `client_secret`. Access tokens are
 * signed, not stored: a token names its client, and each use checks that the client was not
 * revoked since, so revoking a key also ends its tokens.
 */
export class AccessTokenService {
  readonly #metadata: MetadataStore;
  readonly #signer: UrlSigner;
  readonly #now: () => number;

  constructor(metadata: MetadataStore, signer: UrlSigner, now: () => number = Date.now) {
    this.#metadata = metadata;
    this.#signer = signer;
    this.#now = now;
  }

  async issue(request: TokenRequest): Promise<IssuedToken> {
    if (request.grantType === undefined) {
      throw new OAuthError('invalid_request', 'grant_type is missing');
    }
    if (request.grantType !== 'client_credentials') {
      throw new OAuthError(
        'unsupported_grant_type',
        'only grant_type=client_credentials is supported',
      );
    }
    if (!request.clientId || !request.clientSecret) {
      throw new OAuthError('invalid_client', 'client_id and client_secret are required');
    }
    const key = await this.#metadata.findApiKeyByHash(hashApiKey(request.clientSecret));
    if (key === null || key.keyId !== request.clientId || key.revokedAt !== null) {
      throw new OAuthError('invalid_client', 'unknown client or wrong secret');
    }
    const scopes = requestedScopes(request.scope, key.scopes);
    const expires = Math.floor(this.#now() / 1000) + accessTokenTtlSeconds;
    const payload: TokenPayload = { keyId: key.keyId, accountId: key.accountId, scopes, expires };
    return { accessToken: this.#sign(payload), expiresInSeconds: accessTokenTtlSeconds, scopes };
  }

  /** Returns the caller a bearer token belongs to, or null for an invalid or expired token. */
  async authenticate(token: string): Promise<Principal | null> {
    const payload = this.#verify(token);
    if (payload === null || payload.expires * 1000 <= this.#now()) return null;
    const key = await this.#metadata.findApiKeyById(payload.keyId);
    if (key === null || key.revokedAt !== null || key.accountId !== payload.accountId) return null;
    return {
      accountId: key.accountId,
      keyId: key.keyId,
      scopes: payload.scopes.filter((scope) => key.scopes.includes(scope)),
    };
  }

  #sign(payload: TokenPayload): string {
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const { keyId, signature } = this.#signer.sign(['ACCESS_TOKEN', encoded]);
    return `${encoded}.${keyId}.${signature}`;
  }

  #verify(token: string): TokenPayload | null {
    if (token.length > 2048) return null;
    const [encoded, keyId, signature, extra] = token.split('.');
    if (!encoded || !keyId || !signature || extra !== undefined) return null;
    if (!this.#signer.verify(['ACCESS_TOKEN', encoded], keyId, signature)) return null;
    try {
      return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as TokenPayload;
    } catch {
      return null;
    }
  }
}

function requestedScopes(scope: string | undefined, granted: readonly Scope[]): Scope[] {
  if (scope === undefined || scope.trim() === '') return [...granted];
  const requested = scope.split(' ').filter(Boolean);
  for (const name of requested) {
    if (!(allScopes as readonly string[]).includes(name) || !granted.includes(name as Scope)) {
      throw new OAuthError(
        'invalid_scope',
        `scope ${name} is unknown or not granted to this client`,
      );
    }
  }
  return requested as Scope[];
}
