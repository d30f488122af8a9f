/**
 * The error catalogue: every failure the API reports, with its stable machine-readable code and
 * the exact `detail` message clients match on. The HTTP status of each code lives in
 * `http/error-handler.ts`; the domain and the stores only ever throw `AttacheError`.
 */
export const errorDetails = {
  validation_error: 'Request validation failed',
  unsupported_feature_type: 'Unsupported attachment feature type',
  unknown_file_type: 'Could not identify file type',
  invalid_file_type_hint: 'Invalid file type hint',
  file_not_found: 'File ID not found',
  file_not_in_storage: 'File not found in storage, upload the file',
  file_too_large: 'File size is too big, file got deleted',
  upload_already_completed: 'File already set as upload completed',
  file_type_mismatch: 'File type is not the same as declared, file got deleted',
  unauthorized: 'Not authenticated',
  forbidden: 'Not enough permissions',
  rate_limited: 'Too many requests',
  file_url_expired: 'File URL has expired or its signature is invalid',
  request_too_large: 'Request body is too large',
  bad_request: 'Bad request',
  not_found: 'Not Found',
  method_not_allowed: 'Method Not Allowed',
  metadata_store_unavailable: 'Metadata store is unavailable, retry later',
  object_store_unavailable: 'Object store is unavailable, retry later',
  internal_error: 'Internal Server Error',
} as const;

export type ErrorCode = keyof typeof errorDetails;

/** One FastAPI-style validation problem: where it is, what is wrong, and its kind. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class AttacheError extends Error {
  readonly code: ErrorCode;
  /** The response's `detail`: the catalogue message, or the list of validation issues. */
  readonly detail: string | ValidationIssue[];

  constructor(code: ErrorCode, options: { cause?: unknown; issues?: ValidationIssue[] } = {}) {
    super(errorDetails[code], { cause: options.cause });
    this.name = 'AttacheError';
    this.code = code;
    this.detail = options.issues ?? errorDetails[code];
  }
}

/** Builds the 422 error for request data that failed validation. */
export function validationError(issues: ValidationIssue[]): AttacheError {
  return new AttacheError('validation_error', { issues });
}

/** Thrown by a metadata store or an object store when its backend cannot be reached. */
export function unavailableError(
  store: 'metadata_store_unavailable' | 'object_store_unavailable',
  cause: unknown,
): AttacheError {
  return new AttacheError(store, { cause });
}
