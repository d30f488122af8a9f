import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { unavailableError } from '../../errors.js';
import type { Account, ApiKeyRecord, RejectReason, UploadRecord } from '../../domain/types.js';
import type {
  CompletedObject,
  CompletionClaim,
  MetadataStore,
  NewUpload,
} from '../metadata-store.js';
import { accountFromRow, apiKeyFromRow, uploadFromRow } from '../rows.js';
import { sqliteMigrations } from './migrations.js';

type Row = Record<string, unknown>;

/**
 * The metadata store on SQLite, for the embedded single-process mode. WAL with
 * `synchronous = FULL` makes every committed change survive a crash of the process or the
 * machine. better-sqlite3 is synchronous; each call is one short statement, so the event loop
 * is never held for long.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.#db = new Database(path);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = FULL');
      this.#db.pragma('foreign_keys = ON');
      this.#db.pragma('busy_timeout = 5000');
    } catch (error) {
      throw unavailableError('metadata_store_unavailable', error);
    }
  }

  async migrate(): Promise<void> {
    // IMMEDIATE takes the write lock before reading the applied versions, so two processes
    // starting at once apply each migration once. The other waits (busy_timeout) and finds
    // nothing left to do.
    this.#run(() =>
      this.#db
        .transaction(() => {
          this.#db.exec(
            'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)',
          );
          const applied = new Set(
            this.#db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
          );
          for (const migration of sqliteMigrations) {
            if (applied.has(migration.version)) continue;
            this.#db.exec(migration.sql);
            this.#db
              .prepare('INSERT INTO schema_migrations (version) VALUES (?)')
              .run(migration.version);
          }
        })
        .immediate(),
    );
  }

  async ping(): Promise<void> {
    this.#run(() => this.#db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  async createAccount(account: Account): Promise<void> {
    this.#run(() =>
      this.#db
        .prepare('INSERT INTO accounts (account_id, name, created_at) VALUES (?, ?, ?)')
        .run(account.accountId, account.name, account.createdAt),
    );
  }

  async findAccountByName(name: string): Promise<Account | null> {
    const row = this.#run(
      () => this.#db.prepare('SELECT * FROM accounts WHERE name = ?').get(name) as Row | undefined,
    );
    return row ? accountFromRow(row) : null;
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    this.#run(() =>
      this.#db
        .prepare(
          `INSERT INTO api_keys (key_id, account_id, name, key_prefix, key_hash, scopes, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          key.keyId,
          key.accountId,
          key.name,
          key.keyPrefix,
          key.keyHash,
          key.scopes.join(' '),
          key.createdAt,
        ),
    );
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const row = this.#run(
      () =>
        this.#db.prepare('SELECT * FROM api_keys WHERE key_hash = ?').get(keyHash) as
          Row | undefined,
    );
    return row ? apiKeyFromRow(row) : null;
  }

  async findApiKeyById(keyId: string): Promise<ApiKeyRecord | null> {
    const row = this.#run(
      () =>
        this.#db.prepare('SELECT * FROM api_keys WHERE key_id = ?').get(keyId) as Row | undefined,
    );
    return row ? apiKeyFromRow(row) : null;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const rows = this.#run(
      () => this.#db.prepare('SELECT * FROM api_keys ORDER BY created_at, key_id').all() as Row[],
    );
    return rows.map(apiKeyFromRow);
  }

  async revokeApiKey(keyId: string, now: number): Promise<boolean> {
    const result = this.#run(() =>
      this.#db
        .prepare('UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL')
        .run(now, keyId),
    );
    return result.changes === 1;
  }

  async insertUpload(upload: NewUpload): Promise<void> {
    this.#run(() =>
      this.#db
        .prepare(
          `INSERT INTO uploads (file_id, account_id, file_name, file_type, feature_type, state,
             created_at, expires_at, complete_by)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
        )
        .run(
          upload.fileId,
          upload.accountId,
          upload.fileName,
          upload.fileType,
          upload.featureType,
          upload.createdAt,
          upload.expiresAt,
          upload.completeBy,
        ),
    );
  }

  async findUpload(fileId: string): Promise<UploadRecord | null> {
    const row = this.#run(
      () =>
        this.#db.prepare('SELECT * FROM uploads WHERE file_id = ?').get(fileId) as Row | undefined,
    );
    return row ? uploadFromRow(row) : null;
  }

  async claimCompletion(claim: CompletionClaim): Promise<boolean> {
    const result = this.#run(() =>
      this.#db
        .prepare(
          `UPDATE uploads SET state = 'completing', claim_token = ?, claim_expires_at = ?
           WHERE file_id = ? AND complete_by >= ?
             AND (state = 'pending' OR (state = 'completing' AND claim_expires_at < ?))`,
        )
        .run(claim.token, claim.claimExpiresAt, claim.fileId, claim.now, claim.now),
    );
    return result.changes === 1;
  }

  async releaseClaim(fileId: string, token: string): Promise<boolean> {
    return this.#updateOne(
      `UPDATE uploads SET state = 'pending', claim_token = NULL, claim_expires_at = NULL
       WHERE file_id = ? AND state = 'completing' AND claim_token = ?`,
      [fileId, token],
    );
  }

  async markCompleted(fileId: string, token: string, object: CompletedObject): Promise<boolean> {
    return this.#updateOne(
      `UPDATE uploads SET state = 'completed', claim_token = NULL, claim_expires_at = NULL,
         completed_at = ?, size_bytes = ?, sha256 = ?, etag = ?
       WHERE file_id = ? AND state = 'completing' AND claim_token = ?`,
      [object.completedAt, object.sizeBytes, object.sha256, object.etag, fileId, token],
    );
  }

  async markRejected(fileId: string, token: string, reason: RejectReason): Promise<boolean> {
    return this.#updateOne(
      `UPDATE uploads SET state = 'rejected', claim_token = NULL, claim_expires_at = NULL,
         reject_reason = ?
       WHERE file_id = ? AND state = 'completing' AND claim_token = ?`,
      [reason, fileId, token],
    );
  }

  async markDeleted(fileId: string, now: number): Promise<boolean> {
    return this.#updateOne(
      `UPDATE uploads SET state = 'deleted', deleted_at = ? WHERE file_id = ? AND state = 'completed'`,
      [now, fileId],
    );
  }

  async expireOverdue(now: number, limit: number): Promise<UploadRecord[]> {
    // One statement, so no other writer can take a row between choosing and updating it.
    const rows = this.#run(
      () =>
        this.#db
          .prepare(
            `UPDATE uploads SET state = 'expired', claim_token = NULL, claim_expires_at = NULL
             WHERE file_id IN (
               SELECT file_id FROM uploads
               WHERE complete_by < ?
                 AND (state = 'pending' OR (state = 'completing' AND claim_expires_at < ?))
               ORDER BY complete_by LIMIT ?)
             RETURNING *`,
          )
          .all(now, now, limit) as Row[],
    );
    return rows.map(uploadFromRow);
  }

  #updateOne(sql: string, parameters: unknown[]): boolean {
    return this.#run(() => this.#db.prepare(sql).run(...parameters)).changes === 1;
  }

  #run<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (isUnavailable(error)) throw unavailableError('metadata_store_unavailable', error);
      throw error;
    }
  }
}

/** SQLite errors that mean the database cannot be used right now, not a bug in the query. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB)/.test(code);
}
