/**
 * SQLite schema migrations, applied in order and recorded in `schema_migrations`. Times are
 * epoch milliseconds. Append new migrations; never edit an applied one.
 */
export const sqliteMigrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE api_keys (
        key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        name TEXT NOT NULL,
        key_prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE TABLE uploads (
        file_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        file_name TEXT NOT NULL,
        file_type TEXT NOT NULL,
        feature_type TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        complete_by INTEGER NOT NULL,
        claim_token TEXT,
        claim_expires_at INTEGER,
        completed_at INTEGER,
        size_bytes INTEGER,
        sha256 TEXT,
        etag TEXT,
        reject_reason TEXT,
        deleted_at INTEGER
      );
      CREATE INDEX uploads_overdue ON uploads (complete_by) WHERE state IN ('pending', 'completing');
    `,
  },
];
