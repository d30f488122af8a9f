export const featureTypes = ['chat', 'shiftscheduler', 'users', 'quicktasks'] as const;
export type FeatureType = (typeof featureTypes)[number];

export function isFeatureType(value: string): value is FeatureType {
  return (featureTypes as readonly string[]).includes(value);
}

export const scopes = ['attachments.read', 'attachments.write', 'attachments.delete'] as const;
export type Scope = (typeof scopes)[number];

/**
 * Upload states. `completing` is a short lease held by the one complete-upload call that won
 * the conditional change from `pending`. It returns to `pending` when no bytes were stored and
 * becomes claimable again once `claimExpiresAt` has passed (the holder crashed).
 */
export type UploadState =
  'pending' | 'completing' | 'completed' | 'rejected' | 'expired' | 'deleted';

export type RejectReason = 'file_too_large' | 'file_type_mismatch';

export interface UploadRecord {
  fileId: string;
  accountId: string;
  fileName: string;
  /** The normalised declared MIME type; after completion it is also the validated type. */
  fileType: string;
  featureType: FeatureType;
  state: UploadState;
  createdAt: number;
  /** When the upload URL's signature expires (epoch milliseconds). */
  expiresAt: number;
  /** The last moment complete-upload is accepted: `expiresAt` plus the grace period. */
  completeBy: number;
  claimToken: string | null;
  claimExpiresAt: number | null;
  completedAt: number | null;
  sizeBytes: number | null;
  sha256: string | null;
  etag: string | null;
  rejectReason: RejectReason | null;
  deletedAt: number | null;
}

export interface Account {
  accountId: string;
  name: string;
  createdAt: number;
}

export interface ApiKeyRecord {
  keyId: string;
  accountId: string;
  name: string;
  /** The first characters of the key, shown in listings so a user can tell keys apart. */
  keyPrefix: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  keyHash: string;
  scopes: Scope[];
  createdAt: number;
  revokedAt: number | null;
}

/** The caller of an API request, as established by authentication. */
export interface Principal {
  accountId: string;
  keyId: string;
  scopes: readonly Scope[];
}
