import pg from 'pg';
import type { Logger } from 'pino';
import { unavailableError } from '../../errors.js';
import type { Account, ApiKeyRecord, RejectReason, UploadRecord } from '../../domain/types.js';
import type {
  CompletedObject,
  CompletionClaim,
  MetadataStore,
  NewUpload,
} from '../metadata-store.js';
import { accountFromRow, apiKeyFromRow, uploadFromRow } from '../rows.js';
import { postgresMigrations } from './migrations.js';

type Row = Record<string, unknown>;

export interface PostgresMetadataStoreOptions {
  /** A `postgres://` URL. pg passes query parameters such as `options` to the server. */
  connectionString: string;
  /** Maximum number of pooled connections. */
  poolMax: number;
  /** How long to wait for a connection, from the server or the pool, before failing. Default 5000. */
  connectionTimeoutMillis?: number;
  /**
   * How long one statement may run before PostgreSQL cancels it. Default 10000. The client
   * stops waiting 5 seconds later, which covers a server that no longer responds at all.
   */
  statementTimeoutMillis?: number;
  /** Receives errors of idle pooled connections, which the pool has already discarded. */
  logger?: Pick<Logger, 'warn'>;
}

/** Longer limits for `migrate`, which may wait for another process's migration to finish. */
const migrationTimeoutMillis = 10 * 60 * 1000;

/**
 * Key of the advisory lock that serialises migrations (the ASCII bytes of "Attache").
 * Advisory locks are per database, so deployments in separate schemas of one database also
 * wait for each other's migrations.
 */
const migrationLockKey = '18423916685125733';

/**
 * The metadata store on PostgreSQL, for several processes sharing one database. Every state
 * change is one conditional UPDATE, so PostgreSQL's row locks decide which concurrent caller
 * wins. Times are BIGINT epoch milliseconds, which pg returns as strings, so `rows.ts` converts
 * them back to numbers.
 */
export class PostgresMetadataStore implements MetadataStore {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #clientConfig: pg.ClientConfig;

  constructor(options: PostgresMetadataStoreOptions) {
    const statementTimeoutMillis = options.statementTimeoutMillis ?? 10_000;
    this.#clientConfig = {
      connectionString: options.connectionString,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
      statement_timeout: statementTimeoutMillis,
      query_timeout: statementTimeoutMillis + 5_000,
      keepAlive: true,
      fallback_application_name: 'attache',
    };
    this.#pool = new pg.Pool({ ...this.#clientConfig, max: options.poolMax });
    // An idle connection that breaks (the server restarted, say) emits 'error' on the pool,
    // which would crash the process without a listener. The pool has already dropped that
    // connection and opens a new one for the next query, so there is nothing else to do.
    this.#pool.on('error', (error) => {
      // pg attaches the whole client to the error; log only what identifies the failure.
      const { message, code } = error as Error & { code?: string };
      options.logger?.warn(
        { err: { message, code } },
        'idle PostgreSQL connection failed and was discarded',
      );
    });
  }

  /**
   * Applies the pending migrations in one transaction on a connection of its own. The
   * transaction first takes an advisory lock, so when several processes start at once one
   * migrates and the others wait, then find every version recorded and apply nothing.
   */
  async migrate(): Promise<void> {
    const client = new pg.Client({
      ...this.#clientConfig,
      statement_timeout: migrationTimeoutMillis,
      query_timeout: migrationTimeoutMillis + 5_000,
    });
    // Without a listener a connection error would crash the process. The query in flight, or
    // the next one, reports it instead.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)',
      );
      const applied = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations',
      );
      const appliedVersions = new Set(applied.rows.map((row) => row.version));
      for (const migration of postgresMigrations) {
        if (appliedVersions.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [
          migration.version,
        ]);
      }
      await client.query('COMMIT');
    } catch (error) {
      throw toStoreError(error);
    } finally {
      // Ending the connection rolls back a transaction that did not commit.
      await client.end().catch(() => undefined);
    }
  }

  async ping(): Promise<void> {
    await this.#query('SELECT 1');
  }

  /** Ends the pool after its checked-out connections are released. A second call does nothing. */
  async close(): Promise<void> {
    if (this.#pool.ending) return;
    await this.#pool.end();
  }

  async createAccount(account: Account): Promise<void> {
    await this.#query('INSERT INTO accounts (account_id, name, created_at) VALUES ($1, $2, $3)', [
      account.accountId,
      account.name,
      account.createdAt,
    ]);
  }

  async findAccountByName(name: string): Promise<Account | null> {
    const result = await this.#query('SELECT * FROM accounts WHERE name = $1', [name]);
    const row = result.rows[0];
    return row ? accountFromRow(row) : null;
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    await this.#query(
      `INSERT INTO api_keys (key_id, account_id, name, key_prefix, key_hash, scopes, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        key.keyId,
        key.accountId,
        key.name,
        key.keyPrefix,
        key.keyHash,
        key.scopes.join(' '),
        key.createdAt,
      ],
    );
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const result = await this.#query('SELECT * FROM api_keys WHERE key_hash = $1', [keyHash]);
    const row = result.rows[0];
    return row ? apiKeyFromRow(row) : null;
  }

  async findApiKeyById(keyId: string): Promise<ApiKeyRecord | null> {
    const result = await this.#query('SELECT * FROM api_keys WHERE key_id = $1', [keyId]);
    const row = result.rows[0];
    return row ? apiKeyFromRow(row) : null;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    // COLLATE "C" compares bytes, as SQLite does, so both stores list keys in the same order
    // whatever the database's locale.
    const result = await this.#query(
      'SELECT * FROM api_keys ORDER BY created_at, key_id COLLATE "C"',
    );
    return result.rows.map(apiKeyFromRow);
  }

  async revokeApiKey(keyId: string, now: number): Promise<boolean> {
    return this.#update(
      'UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL',
      [now, keyId],
    );
  }

  async insertUpload(upload: NewUpload): Promise<void> {
    await this.#query(
      `INSERT INTO uploads (file_id, account_id, file_name, file_type, feature_type, state,
         created_at, expires_at, complete_by)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)`,
      [
        upload.fileId,
        upload.accountId,
        upload.fileName,
        upload.fileType,
        upload.featureType,
        upload.createdAt,
        upload.expiresAt,
        upload.completeBy,
      ],
    );
  }

  async findUpload(fileId: string): Promise<UploadRecord | null> {
    const result = await this.#query('SELECT * FROM uploads WHERE file_id = $1', [fileId]);
    const row = result.rows[0];
    return row ? uploadFromRow(row) : null;
  }

  async claimCompletion(claim: CompletionClaim): Promise<boolean> {
    // A concurrent caller waits for the winner's row lock, then rechecks this WHERE clause
    // against the updated row and changes nothing.
    return this.#update(
      `UPDATE uploads SET state = 'completing', claim_token = $1, claim_expires_at = $2
       WHERE file_id = $3 AND complete_by >= $4
         AND (state = 'pending' OR (state = 'completing' AND claim_expires_at < $4))`,
      [claim.token, claim.claimExpiresAt, claim.fileId, claim.now],
    );
  }

  async releaseClaim(fileId: string, token: string): Promise<boolean> {
    return this.#update(
      `UPDATE uploads SET state = 'pending', claim_token = NULL, claim_expires_at = NULL
       WHERE file_id = $1 AND state = 'completing' AND claim_token = $2`,
      [fileId, token],
    );
  }

  async markCompleted(fileId: string, token: string, object: CompletedObject): Promise<boolean> {
    return this.#update(
      `UPDATE uploads SET state = 'completed', claim_token = NULL, claim_expires_at = NULL,
         completed_at = $1, size_bytes = $2, sha256 = $3, etag = $4
       WHERE file_id = $5 AND state = 'completing' AND claim_token = $6`,
      [object.completedAt, object.sizeBytes, object.sha256, object.etag, fileId, token],
    );
  }

  async markRejected(fileId: string, token: string, reason: RejectReason): Promise<boolean> {
    return this.#update(
      `UPDATE uploads SET state = 'rejected', claim_token = NULL, claim_expires_at = NULL,
         reject_reason = $1
       WHERE file_id = $2 AND state = 'completing' AND claim_token = $3`,
      [reason, fileId, token],
    );
  }

  async markDeleted(fileId: string, now: number): Promise<boolean> {
    return this.#update(
      `UPDATE uploads SET state = 'deleted', deleted_at = $1 WHERE file_id = $2 AND state = 'completed'`,
      [now, fileId],
    );
  }

  async expireOverdue(now: number, limit: number): Promise<UploadRecord[]> {
    // FOR UPDATE SKIP LOCKED locks the chosen rows and passes over rows that another sweeper
    // or a claimCompletion call has locked, so each row goes to one caller. A row that another
    // transaction changed meanwhile is rechecked against the WHERE clause before it is taken.
    const result = await this.#query(
      `UPDATE uploads SET state = 'expired', claim_token = NULL, claim_expires_at = NULL
       WHERE file_id IN (
         SELECT file_id FROM uploads
         WHERE complete_by < $1
           AND (state = 'pending' OR (state = 'completing' AND claim_expires_at < $1))
         ORDER BY complete_by LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, limit],
    );
    return result.rows.map(uploadFromRow);
  }

  async #update(sql: string, parameters: unknown[]): Promise<boolean> {
    const result = await this.#query(sql, parameters);
    return result.rowCount === 1;
  }

  async #query(sql: string, parameters: unknown[] = []): Promise<pg.QueryResult<Row>> {
    try {
      return await this.#pool.query<Row>(sql, parameters);
    } catch (error) {
      throw toStoreError(error);
    }
  }
}

/**
 * SQLSTATE codes that mean the server cannot serve the request right now: admin shutdown,
 * crash shutdown, server starting up, too many connections, and a statement cancelled by
 * `statement_timeout` (as when a row lock is held for too long). Class 08, connection
 * exceptions, is checked by prefix.
 */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** Node.js socket and DNS error codes raised while connecting or on an open connection. */
const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Messages of errors that pg 8 and pg-pool raise without a code: connect timeouts, a server
 * that closed the connection, a client-side query timeout and a client broken earlier.
 */
const unavailableMessages = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
]);

function toStoreError(error: unknown): unknown {
  return isUnavailable(error) ? unavailableError('metadata_store_unavailable', error) : error;
}

/** Checks whether an error from pg means the database cannot be reached, not a fault in the query. */
function isUnavailable(error: unknown): boolean {
  // The error that explains a connect timeout sits in `cause`, so look a few levels down.
  let current = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code.startsWith('08') || unavailableSqlStates.has(code)) return true;
      if (networkErrorCodes.has(code)) return true;
    }
    if (unavailableMessages.has(current.message)) return true;
    current = current.cause;
  }
  return false;
}
