import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 signatures for the URLs Attache hands out itself: the local store's upload URLs
 * and signed download URLs. A signature covers every field that gives the URL its power, and
 * names the key that made it so the secret can be rotated: the current key signs, and older
 * keys still verify until they are dropped from the configuration.
 */
export interface SigningKey {
  keyId: string;
  secret: string;
}

export class UrlSigner {
  readonly #current: SigningKey;
  readonly #keys: Map<string, string>;

  constructor(current: SigningKey, previous: SigningKey[] = []) {
    this.#current = current;
    this.#keys = new Map([...previous, current].map((key) => [key.keyId, key.secret]));
  }

  /** Signs the fields with the current key. */
  sign(fields: readonly string[]): { keyId: string; signature: string } {
    return { keyId: this.#current.keyId, signature: hmac(this.#current.secret, fields) };
  }

  /** Tells whether `signature` was made by key `keyId` over exactly these fields. */
  verify(fields: readonly string[], keyId: string, signature: string): boolean {
    const secret = this.#keys.get(keyId);
    if (secret === undefined || !/^[0-9a-f]{64}$/.test(signature)) return false;
    const expected = Buffer.from(hmac(secret, fields), 'hex');
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  }
}

function hmac(secret: string, fields: readonly string[]): string {
  // A newline cannot occur in any signed field (methods, UUIDs, MIME essences, integers), so
  // joining with it keeps different field lists from producing the same input.
  return createHmac('sha256', secret).update(fields.join('\n')).digest('hex');
}
