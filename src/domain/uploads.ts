import { randomUUID } from 'node:crypto';
import { AttacheError } from '../errors.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { isFileId } from '../storage/object-keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { completeUpload, type CompletionSettings } from './completion.js';
import { parseMimeType, typeFromFileName } from './file-types/mime-type.js';
import { fileIdFromUrl, fileUrlFor, signedFileUrl, type FileUrls } from './file-urls.js';
import { noUploadEvents, type UploadEvents } from './events.js';
import type { Logger } from './logger.js';
import { isFeatureType, type Principal, type UploadRecord } from './types.js';

export interface UploadSettings extends CompletionSettings {
  uploadUrlTtlSeconds: number;
  completeGraceSeconds: number;
}

export interface GenerateUploadUrlInput {
  fileName: string;
  fileTypeHint?: string | null;
  featureType: string;
}

/** The metadata a client reads back: the documented fields first, then Attache's extras. */
export interface FileMetadata {
  fileId: string;
  fileUrl: string | null;
  uploadCompleted: boolean;
  fileType: string;
  featureType: string;
  fileName: string;
  sizeBytes: number | null;
  sha256: string | null;
  createdAt: string;
  completedAt: string | null;
  uploadExpiresAt: string;
}

export interface UploadServiceOptions {
  metadata: MetadataStore;
  objects: ObjectStore;
  fileUrls: FileUrls;
  settings: UploadSettings;
  logger: Logger;
  events?: UploadEvents;
  now?: () => number;
}

/**
 * The upload lifecycle: generate an upload URL, complete the upload, read the metadata, delete
 * the file, and expire uploads that were never completed.
 */
export class UploadService {
  readonly #options: UploadServiceOptions;
  readonly #now: () => number;
  readonly #events: UploadEvents;

  constructor(options: UploadServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#events = options.events ?? noUploadEvents;
  }

  async generateUploadUrl(principal: Principal, input: GenerateUploadUrlInput) {
    const { metadata, objects, settings } = this.#options;
    if (!isFeatureType(input.featureType)) throw new AttacheError('unsupported_feature_type');
    const fileType = resolveFileType(input.fileName, input.fileTypeHint);

    const now = this.#now();
    const fileId = randomUUID();
    const expiresAt = now + settings.uploadUrlTtlSeconds * 1000;
    await metadata.insertUpload({
      fileId,
      accountId: principal.accountId,
      fileName: input.fileName,
      fileType,
      featureType: input.featureType,
      createdAt: now,
      expiresAt,
      completeBy: expiresAt + settings.completeGraceSeconds * 1000,
    });
    const uploadFileUrl = await objects.createUploadUrl({
      fileId,
      contentType: fileType,
      expiresAt,
    });
    this.#events.generated(input.featureType);
    return { fileId, uploadFileUrl, fileType, uploadExpiresAt: new Date(expiresAt).toISOString() };
  }

  async completeUpload(principal: Principal, fileId: string): Promise<{ fileId: string }> {
    const upload = await this.#findOwnUpload(principal, fileId);
    if (upload.state === 'completed') throw new AttacheError('upload_already_completed');
    await completeUpload({ ...this.#options, events: this.#events, now: this.#now }, upload);
    return { fileId };
  }

  async getFile(principal: Principal, fileId: string): Promise<FileMetadata> {
    const upload = await this.#findOwnUpload(principal, fileId);
    return this.#toMetadata(upload);
  }

  /** Deletes a completed file's bytes; its fileId then returns 404 like an unknown one. */
  async deleteFile(principal: Principal, fileId: string): Promise<{ fileId: string }> {
    const upload = await this.#findOwnUpload(principal, fileId);
    if (upload.state !== 'completed') throw new AttacheError('file_not_found');
    if (!(await this.#options.metadata.markDeleted(fileId, this.#now()))) {
      throw new AttacheError('file_not_found');
    }
    await this.#options.objects.deleteFile(fileId);
    return { fileId };
  }

  /**
   * Returns a download URL for a completed file that stops working after `expiresInSeconds`:
   * the store's own presigned URL where it has one, else a signed `/files` URL.
   */
  async createDownloadUrl(principal: Principal, fileUrl: string, expiresInSeconds: number) {
    const fileId = fileIdFromUrl(this.#options.fileUrls, fileUrl);
    if (fileId === null) throw new AttacheError('file_not_found');
    const upload = await this.#findOwnUpload(principal, fileId);
    if (upload.state !== 'completed') throw new AttacheError('file_not_found');
    const storeUrl = await this.#options.objects.createDownloadUrl({
      fileId,
      fileName: upload.fileName,
      contentType: upload.fileType,
      expiresInSeconds,
    });
    const url =
      storeUrl ??
      signedFileUrl(this.#options.fileUrls, upload, this.#now() + expiresInSeconds * 1000);
    return { url, expiresInSeconds };
  }

  /** Returns a completed upload by fileId for serving, whichever account owns it. */
  async findServableFile(fileId: string): Promise<UploadRecord | null> {
    if (!isFileId(fileId)) return null;
    const upload = await this.#options.metadata.findUpload(fileId);
    return upload?.state === 'completed' ? upload : null;
  }

  /**
   * Expires uploads whose completion deadline passed and deletes their staged bytes. Each row
   * is claimed by one sweeper only, so several processes can sweep at once.
   */
  async sweep(batchSize = 100): Promise<number> {
    const { metadata, objects, logger } = this.#options;
    let expired = 0;
    for (;;) {
      const batch = await metadata.expireOverdue(this.#now(), batchSize);
      for (const upload of batch) {
        try {
          await objects.deleteStaged(upload.fileId);
        } catch (error) {
          // NOTE: the row is already `expired`, so a failed delete is not retried by later
          // sweeps; the staged object stays until an operator removes it.
          logger.error(
            { err: error, fileId: upload.fileId },
            'deleting expired upload bytes failed',
          );
        }
      }
      expired += batch.length;
      if (batch.length > 0) this.#events.expired(batch.length);
      if (batch.length < batchSize) return expired;
    }
  }

  async #findOwnUpload(principal: Principal, fileId: string): Promise<UploadRecord> {
    if (!isFileId(fileId)) throw new AttacheError('file_not_found');
    const upload = await this.#options.metadata.findUpload(fileId);
    // Another account's upload gets exactly the response of an unknown one, so fileIds leak nothing.
    if (upload === null || upload.accountId !== principal.accountId) {
      throw new AttacheError('file_not_found');
    }
    const open = upload.state === 'pending' || upload.state === 'completing';
    if (open && upload.completeBy < this.#now()) throw new AttacheError('file_not_found');
    if (!open && upload.state !== 'completed') throw new AttacheError('file_not_found');
    return upload;
  }

  #toMetadata(upload: UploadRecord): FileMetadata {
    const completed = upload.state === 'completed';
    return {
      fileId: upload.fileId,
      fileUrl: completed ? fileUrlFor(this.#options.fileUrls, upload, this.#now()) : null,
      uploadCompleted: completed,
      fileType: upload.fileType,
      featureType: upload.featureType,
      fileName: upload.fileName,
      sizeBytes: upload.sizeBytes,
      sha256: upload.sha256,
      createdAt: new Date(upload.createdAt).toISOString(),
      completedAt: upload.completedAt === null ? null : new Date(upload.completedAt).toISOString(),
      uploadExpiresAt: new Date(upload.expiresAt).toISOString(),
    };
  }
}

/**
 * Resolves the declared type: a non-empty hint wins, else the file name's extension. An empty
 * hint counts as none, since browsers report `File.type` as "" for types they do not know.
 */
function resolveFileType(fileName: string, hint: string | null | undefined): string {
  if (hint !== undefined && hint !== null && hint.trim() !== '') {
    const parsed = parseMimeType(hint);
    if (parsed === null) throw new AttacheError('invalid_file_type_hint');
    return parsed;
  }
  const fromName = typeFromFileName(fileName);
  if (fromName === null) throw new AttacheError('unknown_file_type');
  return fromName;
}
