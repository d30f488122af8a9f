/**
 * PostgreSQL schema migrations, applied in order and recorded in `schema_migrations`. The
 * schema matches the SQLite one column for column. Times are BIGINT epoch milliseconds, and
 * `size_bytes` is BIGINT because files pass 2 GiB. Append new migrations and never
 * edit an applied one.
 */
export const postgresMigrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE api_keys (
        key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        name TEXT NOT NULL,
        key_prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      );
      CREATE TABLE uploads (
        file_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        file_name TEXT NOT NULL,
        file_type TEXT NOT NULL,
        feature_type TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        complete_by BIGINT NOT NULL,
        claim_token TEXT,
        claim_expires_at BIGINT,
        completed_at BIGINT,
        size_bytes BIGINT,
        sha256 TEXT,
        etag TEXT,
        reject_reason TEXT,
        deleted_at BIGINT
      );
      CREATE INDEX uploads_overdue ON uploads (complete_by) WHERE state IN ('pending', 'completing');
    `,
  },
];
