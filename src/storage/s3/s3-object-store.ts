import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type HeadObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import type { ObjectStoreConfig } from '../../config.js';
import { contentDisposition } from '../../lib/content-disposition.js';
import { unavailableError } from '../../errors.js';
import { finalObjectKey, isFileId, stagedObjectKey } from '../object-keys.js';
import {
  StagedObjectChangedError,
  type ByteRange,
  type DownloadUrlRequest,
  type ObjectInfo,
  type ObjectStore,
  type UploadUrlRequest,
} from '../object-store.js';

export type S3ObjectStoreConfig = Extract<ObjectStoreConfig, { kind: 's3' }>;

/** Maximum time to open a TCP connection, so an unreachable host fails within 3 s per try. */
const connectionTimeoutMs = 3_000;
/**
 * Maximum wait for the response headers of an ordinary request (HEAD, a ranged GET of at most
 * a few hundred KiB, DELETE). Body streaming has no limit.
 * NOTE: a server that accepts connections but never responds (a paused process) therefore
 * fails a request only after two tries of 10 s each.
 */
const requestTimeoutMs = 10_000;
/**
 * Maximum wait for a CopyObject response. Some servers send the response only when the copy is
 * done, so this wait grows with the object's size.
 */
const copyTimeoutMs = 10 * 60_000;
/** Final objects never change, so any cache may keep them for a year. */
const finalCacheControl = 'public, max-age=31536000, immutable';
/** Network errors that mean the server could not be reached or dropped the connection. */
const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * An object store on an S3-compatible server. Clients upload straight to the server through
 * presigned PUT URLs, and completion promotes a staged object with a conditional server-side
 * copy, so no file bytes pass through Attache.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #keyPrefix: string;
  readonly #publicFileBaseUrl: string | null;

  constructor(config: S3ObjectStoreConfig) {
    this.#client = new S3Client(clientConfig(config));
    this.#bucket = config.bucket;
    this.#keyPrefix = config.keyPrefix;
    this.#publicFileBaseUrl = config.publicFileBaseUrl;
  }

  async ping(): Promise<void> {
    await this.#call((client) => client.send(new HeadBucketCommand({ Bucket: this.#bucket })));
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  async createUploadUrl(request: UploadUrlRequest): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: this.#stagedKey(request.fileId),
      ContentType: request.contentType,
    });
    // The AWS SDK v3 presigner leaves Content-Type unsigned by default, so any type would pass.
    // Signing it makes the server reject a PUT whose Content-Type differs from the declared type.
    return getSignedUrl(this.#client, command, {
      expiresIn: Math.max(1, Math.ceil((request.expiresAt - Date.now()) / 1000)),
      signableHeaders: new Set(['content-type']),
    });
  }

  async headStaged(fileId: string): Promise<ObjectInfo | null> {
    const result = await this.#head(this.#stagedKey(fileId));
    return result?.info ?? null;
  }

  async readStaged(fileId: string, range: ByteRange, etag: string): Promise<Buffer> {
    const key = this.#stagedKey(fileId);
    if (range.end < range.start) return this.#readNothing(fileId, key, etag);
    try {
      const command = new GetObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Range: `bytes=${range.start}-${range.end}`,
        IfMatch: etag,
      });
      const response = await this.#call((client) => client.send(command));
      return Buffer.from(await response.Body!.transformToByteArray());
    } catch (error) {
      if (isStatus(error, 412) || isStatus(error, 404)) throw new StagedObjectChangedError(fileId);
      // A range that starts at or past the end: the local store returns no bytes, so this does too.
      if (isStatus(error, 416)) return this.#readNothing(fileId, key, etag);
      throw error;
    }
  }

  async promote(fileId: string, etag: string): Promise<ObjectInfo> {
    const stagedKey = this.#stagedKey(fileId);
    // The head only supplies the Content-Type: the copy's own precondition checks the etag,
    // because the staged object can still be replaced between the two requests.
    const staged = await this.#head(stagedKey);
    if (staged === null) throw new StagedObjectChangedError(fileId);

    // NOTE: one CopyObject copies at most 5 GiB, and a larger object would need a multipart copy
    // (UploadPartCopy). Completion rejects files over the maximum file size (1 GiB by default)
    // before it promotes, so this only matters if that limit is raised past 5 GiB.
    const command = new CopyObjectCommand({
      Bucket: this.#bucket,
      Key: this.#finalKey(fileId),
      CopySource: `${this.#bucket}/${encodeKeyPath(stagedKey)}`,
      CopySourceIfMatch: etag,
      MetadataDirective: 'REPLACE',
      ContentType: staged.head.ContentType,
      CacheControl: finalCacheControl,
    });
    addLegacyCopyIfMatch(command, etag);
    try {
      await this.#call((client) => client.send(command, { requestTimeout: copyTimeoutMs }));
    } catch (error) {
      // 412 means the staged object was replaced since the caller checked it, 404 that it is gone.
      if (isStatus(error, 412) || isStatus(error, 404)) throw new StagedObjectChangedError(fileId);
      throw error;
    }
    await this.#delete(stagedKey);

    const promoted = await this.#head(this.#finalKey(fileId));
    if (promoted === null) {
      throw new Error(`final object of ${fileId} is missing right after CopyObject succeeded`);
    }
    return promoted.info;
  }

  async deleteStaged(fileId: string): Promise<void> {
    await this.#delete(this.#stagedKey(fileId));
  }

  async headFile(fileId: string): Promise<ObjectInfo | null> {
    const result = await this.#head(this.#finalKey(fileId));
    return result?.info ?? null;
  }

  async openFile(fileId: string, range?: ByteRange): Promise<Readable> {
    try {
      const command = new GetObjectCommand({
        Bucket: this.#bucket,
        Key: this.#finalKey(fileId),
        Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}`,
      });
      const response = await this.#call((client) => client.send(command));
      // In Node.js the SDK's body is an http.IncomingMessage, which is a Readable.
      return response.Body as Readable;
    } catch (error) {
      // A range past the end yields no bytes, as a read stream on the local store does.
      if (isStatus(error, 416)) return Readable.from([]);
      throw error;
    }
  }

  async deleteFile(fileId: string): Promise<void> {
    await this.#delete(this.#finalKey(fileId));
  }

  publicFileUrl(fileId: string, _fileName: string): string | null {
    if (this.#publicFileBaseUrl === null) return null;
    return `${this.#publicFileBaseUrl}/${this.#finalKey(fileId)}`;
  }

  fileIdFromPublicUrl(url: string): string | null {
    if (this.#publicFileBaseUrl === null) return null;
    const base = `${this.#publicFileBaseUrl}/${this.#keyPrefix}files/`;
    if (!url.startsWith(base)) return null;
    const match = /^[0-9a-f]{2}\/([0-9a-f-]{36})(?:[?#].*)?$/.exec(url.slice(base.length));
    const fileId = match?.[1];
    if (fileId === undefined || !isFileId(fileId)) return null;
    // The shard folder must be the one the key layout gives this fileId.
    return url.startsWith(this.publicFileUrl(fileId, '') as string) ? fileId : null;
  }

  async createDownloadUrl(request: DownloadUrlRequest): Promise<string | null> {
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: this.#finalKey(request.fileId),
      ResponseContentDisposition: contentDisposition(request.fileName, request.contentType),
      ResponseContentType: request.contentType,
      // The URL expires, so caches must not keep the response longer than the URL lives.
      ResponseCacheControl: `private, max-age=${Math.max(1, request.expiresInSeconds)}`,
    });
    return getSignedUrl(this.#client, command, {
      expiresIn: Math.max(1, request.expiresInSeconds),
    });
  }

  #stagedKey(fileId: string): string {
    return this.#keyPrefix + stagedObjectKey(fileId);
  }

  #finalKey(fileId: string): string {
    return this.#keyPrefix + finalObjectKey(fileId);
  }

  /** Runs one client call, turning network errors and 5xx responses into `object_store_unavailable`. */
  async #call<Output>(operation: (client: S3Client) => Promise<Output>): Promise<Output> {
    try {
      return await operation(this.#client);
    } catch (error) {
      throw isUnavailable(error) ? unavailableError('object_store_unavailable', error) : error;
    }
  }

  async #head(key: string): Promise<{ info: ObjectInfo; head: HeadObjectCommandOutput } | null> {
    try {
      const command = new HeadObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        ChecksumMode: 'ENABLED',
      });
      const head = await this.#call((client) => client.send(command));
      return { info: toObjectInfo(key, head), head };
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw error;
    }
  }

  async #delete(key: string): Promise<void> {
    // S3 returns 204 for a key that does not exist, so a missing object needs no special case.
    const command = new DeleteObjectCommand({ Bucket: this.#bucket, Key: key });
    await this.#call((client) => client.send(command));
  }

  /** Checks the etag of an empty read, which cannot carry a range to the server. */
  async #readNothing(fileId: string, key: string, etag: string): Promise<Buffer> {
    const current = await this.#head(key);
    if (current === null || current.info.etag !== etag) throw new StagedObjectChangedError(fileId);
    return Buffer.alloc(0);
  }
}

function clientConfig(config: S3ObjectStoreConfig): S3ClientConfig {
  const credentials =
    config.accessKeyId !== null && config.secretAccessKey !== null
      ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
      : undefined;
  return {
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    // With the defaults, client-s3 (3.1178.0) puts `x-amz-checksum-crc32=AAAAAA==`, the CRC32 of
    // an empty body, into presigned PUT URLs, so a server that checks it rejects every upload.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // One retry only: a stopped server must turn into a prompt 503, not a long wait.
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Without this flag the SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    },
    // Unset fields fall back to the SDK's defaults: the standard endpoint for the region and
    // the default credential chain (environment, shared files, instance role).
    ...(config.endpoint === null ? {} : { endpoint: config.endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
  };
}

function toObjectInfo(key: string, head: HeadObjectCommandOutput): ObjectInfo {
  if (head.ETag === undefined || head.ContentLength === undefined) {
    throw new Error(`HeadObject of ${key} returned no ETag or Content-Length`);
  }
  return {
    sizeBytes: head.ContentLength,
    etag: head.ETag,
    sha256: sha256Hex(head.ChecksumSHA256, head.ChecksumType),
    lastModified: head.LastModified ?? new Date(0),
  };
}

/**
 * Converts the server's base64 SHA-256 checksum to hex. A multipart upload's checksum is a
 * checksum of the part checksums (type COMPOSITE, value ending in `-<parts>`), not of the
 * bytes, so it is not returned.
 */
function sha256Hex(checksum: string | undefined, type: string | undefined): string | null {
  if (checksum === undefined || type === 'COMPOSITE' || checksum.includes('-')) return null;
  const digest = Buffer.from(checksum, 'base64');
  return digest.length === 32 ? digest.toString('hex') : null;
}

/**
 * Adds `x-amz-copy-if-match`, the older name of `x-amz-copy-source-if-match`. Ceph RADOS Gateway
 * 16.2.15 reads only the older name, and given only the standard one it copies unconditionally.
 * NOTE: tested against radosgw 16.2.15 only. AWS S3 and other servers are expected to ignore
 * an `x-amz-` header they do not define, but no test checks that.
 */
function addLegacyCopyIfMatch(command: CopyObjectCommand, etag: string): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      // Added before the signing step, so the header is signed like the others.
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers !== undefined) request.headers['x-amz-copy-if-match'] = etag;
      return next(args);
    },
    { step: 'build', name: 'legacyCopyIfMatch' },
  );
}

/** Percent-encodes each segment of a key for the CopySource header, keeping the slashes. */
function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  errors?: unknown[];
}

function isStatus(error: unknown, status: number): boolean {
  const sdkError = error as SdkError | null;
  return (
    sdkError?.$metadata?.httpStatusCode === status ||
    (status === 404 && sdkError?.name === 'NotFound')
  );
}

/** Returns true when an error means the server is unreachable or failing, so a retry may succeed. */
function isUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const sdkError = error as SdkError;
  const status = sdkError.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (sdkError.code !== undefined && networkErrorCodes.has(sdkError.code)) return true;
  if (sdkError.name === 'TimeoutError' || sdkError.message === 'socket hang up') return true;
  // Node reports a refused connection to each address of a host name as an AggregateError.
  return Array.isArray(sdkError.errors) && sdkError.errors.some(isUnavailable);
}
