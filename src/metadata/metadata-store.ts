import type { Account, ApiKeyRecord, RejectReason, UploadRecord } from '../domain/types.js';

export type NewUpload = Pick<
  UploadRecord,
  | 'fileId'
  | 'accountId'
  | 'fileName'
  | 'fileType'
  | 'featureType'
  | 'createdAt'
  | 'expiresAt'
  | 'completeBy'
>;

export interface CompletionClaim {
  fileId: string;
  /** A random token that identifies the claim holder in the follow-up state changes. */
  token: string;
  now: number;
  claimExpiresAt: number;
}

export interface CompletedObject {
  completedAt: number;
  sizeBytes: number;
  sha256: string | null;
  etag: string;
}

/**
 * The store of upload records, accounts and API keys. Every state change is conditional on the
 * current state (a compare-and-set), so concurrent callers in one process or many never both
 * win. Implementations throw `AttacheError('metadata_store_unavailable')` when the database
 * cannot be reached, never a raw driver error.
 */
export interface MetadataStore {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  /** Resolves when the database responds to a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createAccount(account: Account): Promise<void>;
  findAccountByName(name: string): Promise<Account | null>;
  createApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  findApiKeyById(keyId: string): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked. Returns false when no active key has this id. */
  revokeApiKey(keyId: string, now: number): Promise<boolean>;

  insertUpload(upload: NewUpload): Promise<void>;
  findUpload(fileId: string): Promise<UploadRecord | null>;
  /**
   * Moves an upload from `pending` (or from a `completing` claim that has expired) to
   * `completing`, if `completeBy` has not passed. Returns false when another caller has claimed the
   * upload or it has left those states.
   */
  claimCompletion(claim: CompletionClaim): Promise<boolean>;
  /** Returns a claimed upload to `pending`. */
  releaseClaim(fileId: string, token: string): Promise<boolean>;
  markCompleted(fileId: string, token: string, object: CompletedObject): Promise<boolean>;
  markRejected(fileId: string, token: string, reason: RejectReason): Promise<boolean>;
  /** Moves a completed upload to `deleted`. */
  markDeleted(fileId: string, now: number): Promise<boolean>;
  /**
   * Moves up to `limit` uploads whose `completeBy` has passed while `pending` (or held by an
   * expired claim) to `expired` and returns them. Each row is returned to one caller only,
   * even with several processes sweeping at once.
   */
  expireOverdue(now: number, limit: number): Promise<UploadRecord[]>;
}
