import type { Account, ApiKeyRecord, Scope, UploadRecord } from '../domain/types.js';

/** Column values as both SQLite and PostgreSQL return them (BIGINT may come back as a string). */
type Row = Record<string, unknown>;

function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

export function uploadFromRow(row: Row): UploadRecord {
  return {
    fileId: row.file_id as string,
    accountId: row.account_id as string,
    fileName: row.file_name as string,
    fileType: row.file_type as string,
    featureType: row.feature_type as UploadRecord['featureType'],
    state: row.state as UploadRecord['state'],
    createdAt: toNumber(row.created_at),
    expiresAt: toNumber(row.expires_at),
    completeBy: toNumber(row.complete_by),
    claimToken: (row.claim_token as string | null) ?? null,
    claimExpiresAt: toNullableNumber(row.claim_expires_at),
    completedAt: toNullableNumber(row.completed_at),
    sizeBytes: toNullableNumber(row.size_bytes),
    sha256: (row.sha256 as string | null) ?? null,
    etag: (row.etag as string | null) ?? null,
    rejectReason: (row.reject_reason as UploadRecord['rejectReason']) ?? null,
    deletedAt: toNullableNumber(row.deleted_at),
  };
}

export function accountFromRow(row: Row): Account {
  return {
    accountId: row.account_id as string,
    name: row.name as string,
    createdAt: toNumber(row.created_at),
  };
}

export function apiKeyFromRow(row: Row): ApiKeyRecord {
  return {
    keyId: row.key_id as string,
    accountId: row.account_id as string,
    name: row.name as string,
    keyPrefix: row.key_prefix as string,
    keyHash: row.key_hash as string,
    scopes: (row.scopes as string).split(' ').filter(Boolean) as Scope[],
    createdAt: toNumber(row.created_at),
    revokedAt: toNullableNumber(row.revoked_at),
  };
}
