import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AttacheApiError, AttacheClient, type FeatureType, type FileMetadata } from './client.js';

export interface UploadFileOptions {
  featureType: FeatureType;
  /** The MIME type to declare; without it the server derives it from the file name. */
  fileType?: string;
  /** The name to register; defaults to the file's base name. */
  fileName?: string;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** How often a failed PUT or complete-upload is tried again (network errors and 5xx). */
  retries?: number;
}

/** A PUT to the upload URL failed; `status` is 0 when no response arrived. */
export class UploadPutError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(status === 0 ? `upload failed: ${body}` : `upload failed with HTTP ${status}: ${body}`);
    this.name = 'UploadPutError';
  }
}

/**
 * Uploads a file in the three steps of the API: generate an upload URL, PUT the bytes
 * (streamed from disk, with progress), complete the upload. Returns the file's metadata.
 */
export async function uploadFile(
  client: AttacheClient,
  path: string,
  options: UploadFileOptions,
): Promise<FileMetadata> {
  const { size } = await stat(path);
  const retries = options.retries ?? 3;
  const generated = await client.generateUploadUrl({
    fileName: options.fileName ?? basename(path),
    featureType: options.featureType,
    ...(options.fileType ? { fileTypeHint: options.fileType } : {}),
  });
  // Attache returns the normalised type to send; the Connecteam API expects the declared one.
  const contentType = generated.fileType ?? options.fileType ?? 'application/octet-stream';

  await withRetries(retries, isRetryablePut, () =>
    putFile(generated.uploadFileUrl, path, size, contentType, options.onProgress),
  );
  await withRetries(retries, isRetryableApiError, async (attempt) => {
    try {
      await client.completeUpload(generated.fileId);
    } catch (error) {
      // An earlier attempt may have completed the upload before its response was lost.
      if (attempt > 1 && error instanceof AttacheApiError && error.status === 409) return;
      throw error;
    }
  });
  return client.getFile(generated.fileId);
}

async function withRetries<T>(
  retries: number,
  isRetryable: (error: unknown) => boolean,
  operation: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt > retries || !isRetryable(error)) throw error;
      await sleep(250 * 2 ** (attempt - 1));
    }
  }
}

function isRetryablePut(error: unknown): boolean {
  return error instanceof UploadPutError && (error.status === 0 || error.status >= 500);
}

function isRetryableApiError(error: unknown): boolean {
  if (error instanceof AttacheApiError) return error.status >= 500;
  return error instanceof TypeError; // fetch reports network failures as TypeError
}

/** PUTs a file to a pre-signed URL with an exact Content-Length, as S3 requires. */
export function putFile(
  url: string,
  path: string,
  size: number,
  contentType: string,
  onProgress?: (sentBytes: number, totalBytes: number) => void,
): Promise<string | null> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(target, {
      method: 'PUT',
      headers: { 'content-type': contentType, 'content-length': String(size) },
    });
    request.on('error', (error) => reject(new UploadPutError(0, error.message)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(response.headers.etag ?? null);
        else reject(new UploadPutError(status, Buffer.concat(chunks).toString('utf8')));
      });
    });
    let sent = 0;
    const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
    file.on('data', (chunk) => {
      sent += chunk.length;
      onProgress?.(sent, size);
    });
    file.on('error', (error) => request.destroy(error));
    file.pipe(request);
  });
}
