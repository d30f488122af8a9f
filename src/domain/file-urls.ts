import type { ObjectStore } from '../storage/object-store.js';
import type { UrlSigner } from '../lib/url-signer.js';
import type { UploadRecord } from './types.js';

export interface FileUrls {
  publicBaseUrl: string;
  signer: UrlSigner;
  objects: ObjectStore;
  /** When set, every `fileUrl` carries a signature that expires after this many seconds. */
  signedFileUrlTtlSeconds: number | null;
}

/** Query parameters of a signed file URL. */
export const fileUrlParams = {
  expires: 'expires',
  keyId: 'keyId',
  signature: 'signature',
} as const;

/** Builds the `/files` path of a file. The percent-encoded name is there for people only. */
export function filePath(fileId: string, fileName: string): string {
  return `/files/${fileId}/${encodeURIComponent(fileName)}`;
}

export function fileSignatureFields(fileId: string, expiresSeconds: number): string[] {
  return ['GET', fileId, String(expiresSeconds)];
}

/** Returns the `fileUrl` of a completed upload. */
export function fileUrlFor(urls: FileUrls, upload: UploadRecord, now: number): string {
  const cdnUrl = urls.objects.publicFileUrl(upload.fileId, upload.fileName);
  if (cdnUrl !== null) return cdnUrl;
  if (urls.signedFileUrlTtlSeconds !== null) {
    return signedFileUrl(urls, upload, now + urls.signedFileUrlTtlSeconds * 1000);
  }
  return urls.publicBaseUrl + filePath(upload.fileId, upload.fileName);
}

/** Returns a `/files` URL that works until `expiresAt` (epoch milliseconds) only. */
export function signedFileUrl(urls: FileUrls, upload: UploadRecord, expiresAt: number): string {
  const expiresSeconds = Math.floor(expiresAt / 1000);
  const { keyId, signature } = urls.signer.sign(fileSignatureFields(upload.fileId, expiresSeconds));
  const query = new URLSearchParams({
    [fileUrlParams.expires]: String(expiresSeconds),
    [fileUrlParams.keyId]: keyId,
    [fileUrlParams.signature]: signature,
  });
  return `${urls.publicBaseUrl}${filePath(upload.fileId, upload.fileName)}?${query.toString()}`;
}

/**
 * Returns the fileId of a `fileUrl` this service handed out (through `/files` or the store's
 * public base URL), or null for any other URL.
 */
export function fileIdFromUrl(urls: FileUrls, fileUrl: string): string | null {
  const candidates = [`${urls.publicBaseUrl}/files/`];
  for (const base of candidates) {
    if (!fileUrl.startsWith(base)) continue;
    const match = /^([0-9a-f-]{36})(?:[/?]|$)/.exec(fileUrl.slice(base.length));
    if (match) return match[1] ?? null;
  }
  return urls.objects.fileIdFromPublicUrl?.(fileUrl) ?? null;
}
