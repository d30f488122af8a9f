import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { scopes as allScopes, type ApiKeyRecord, type Principal, type Scope } from './types.js';

/** Every key starts with this, so leaked keys are easy to find with secret scanners. */
const keyPrefixMarker = 'atk_';

export interface CreatedApiKey {
  /** The key itself: shown once, never stored. */
  apiKey: string;
  record: ApiKeyRecord;
}

export interface CreateApiKeyInput {
  /** The account the key belongs to, by name; created when it does not exist. */
  accountName: string;
  name: string;
  scopes?: readonly Scope[];
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/**
 * API keys and the accounts they belong to. Keys are 256-bit random strings, so one SHA-256
 * of the key is a safe stored form: no dictionary can reverse it, and a lookup is one indexed
 * query.
 */
export class ApiKeyService {
  readonly #metadata: MetadataStore;
  readonly #now: () => number;

  constructor(metadata: MetadataStore, now: () => number = Date.now) {
    this.#metadata = metadata;
    this.#now = now;
  }

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const account = await this.#findOrCreateAccount(input.accountName);
    const apiKey = keyPrefixMarker + randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = {
      keyId: randomUUID(),
      accountId: account.accountId,
      name: input.name,
      keyPrefix: apiKey.slice(0, keyPrefixMarker.length + 6),
      keyHash: hashApiKey(apiKey),
      scopes: [...(input.scopes ?? allScopes)],
      createdAt: this.#now(),
      revokedAt: null,
    };
    await this.#metadata.createApiKey(record);
    return { apiKey, record };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.#metadata.listApiKeys();
  }

  async revoke(keyId: string): Promise<boolean> {
    return this.#metadata.revokeApiKey(keyId, this.#now());
  }

  /** Returns the caller a key belongs to, or null for an unknown or revoked key. */
  async authenticate(apiKey: string): Promise<Principal | null> {
    if (!apiKey.startsWith(keyPrefixMarker) || apiKey.length > 128) return null;
    const record = await this.#metadata.findApiKeyByHash(hashApiKey(apiKey));
    if (record === null || record.revokedAt !== null) return null;
    return { accountId: record.accountId, keyId: record.keyId, scopes: record.scopes };
  }

  async #findOrCreateAccount(name: string) {
    const existing = await this.#metadata.findAccountByName(name);
    if (existing) return existing;
    const account = { accountId: randomUUID(), name, createdAt: this.#now() };
    await this.#metadata.createAccount(account);
    return account;
  }
}
