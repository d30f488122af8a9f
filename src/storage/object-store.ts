import type { Readable } from 'node:stream';

export interface ObjectInfo {
  sizeBytes: number;
  /** An opaque version tag: it changes whenever the object's bytes are replaced. */
  etag: string;
  /** SHA-256 of the bytes, hex, when the store computed it while receiving them. */
  sha256: string | null;
  lastModified: Date;
}

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface UploadUrlRequest {
  fileId: string;
  /** The declared MIME type. The PUT must send exactly this `Content-Type`. */
  contentType: string;
  /** When the URL's signature expires, epoch milliseconds. */
  expiresAt: number;
}

export interface DownloadUrlRequest {
  fileId: string;
  fileName: string;
  contentType: string;
  expiresInSeconds: number;
}

/**
 * Where file bytes live. An upload lands as a staged object that clients may overwrite until
 * completion; completion checks the staged object and promotes exactly that version to the
 * final object, which nothing can change afterwards. Object keys derive from the fileId only
 * (see `object-keys.ts`). Implementations throw `AttacheError('object_store_unavailable')` when
 * the backend cannot be reached, and return null (not an error) for a missing object.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Resolves when the backend responds. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Returns a URL that accepts one `PUT` of the bytes until `expiresAt`, no API key needed. */
  createUploadUrl(request: UploadUrlRequest): Promise<string>;
  headStaged(fileId: string): Promise<ObjectInfo | null>;
  /** Reads a range of the staged object; fails if its etag is no longer `etag`. */
  readStaged(fileId: string, range: ByteRange, etag: string): Promise<Buffer>;
  /**
   * Makes the staged object with this etag the final object and removes the staged one. Throws
   * `StagedObjectChangedError` if the staged object was replaced since it was checked.
   */
  promote(fileId: string, etag: string): Promise<ObjectInfo>;
  deleteStaged(fileId: string): Promise<void>;

  headFile(fileId: string): Promise<ObjectInfo | null>;
  openFile(fileId: string, range?: ByteRange): Promise<Readable>;
  deleteFile(fileId: string): Promise<void>;
  /**
   * Returns the permanent public URL of a final object when a CDN or public bucket serves the
   * store, or null when files are served through Attache's `/files` route.
   */
  publicFileUrl(fileId: string, fileName: string): string | null;
  /** Returns the fileId of a URL made by `publicFileUrl`, or null for any other URL. */
  fileIdFromPublicUrl?(url: string): string | null;
  /**
   * Returns a short-lived URL from which the client fetches the final object directly, or null
   * when the store has none and Attache streams the bytes itself.
   */
  createDownloadUrl(request: DownloadUrlRequest): Promise<string | null>;
}

/** The staged object changed between the content check and the promotion. */
export class StagedObjectChangedError extends Error {
  constructor(fileId: string) {
    super(`staged object of upload ${fileId} changed during completion`);
    this.name = 'StagedObjectChangedError';
  }
}
