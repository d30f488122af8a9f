import type { UrlSigner } from '../../lib/url-signer.js';
import type { UploadUrlRequest } from '../object-store.js';

/** Query parameters of a local-store upload URL, named after their SigV4 counterparts. */
export const uploadUrlParams = {
  expires: 'X-Attache-Expires',
  keyId: 'X-Attache-Key-Id',
  signature: 'X-Attache-Signature',
} as const;

/** Path of the local store's PUT endpoint for a fileId. */
export function uploadPath(fileId: string): string {
  return `/storage/v1/uploads/${fileId}`;
}

/** The signed fields: the method, the object, the declared type and the expiry in seconds. */
export function uploadSignatureFields(fileId: string, contentType: string, expiresSeconds: number) {
  return ['PUT', fileId, contentType, String(expiresSeconds)];
}

export function signUploadUrl(signer: UrlSigner, publicBaseUrl: string, request: UploadUrlRequest) {
  const expiresSeconds = Math.floor(request.expiresAt / 1000);
  const { keyId, signature } = signer.sign(
    uploadSignatureFields(request.fileId, request.contentType, expiresSeconds),
  );
  const query = new URLSearchParams({
    [uploadUrlParams.expires]: String(expiresSeconds),
    [uploadUrlParams.keyId]: keyId,
    [uploadUrlParams.signature]: signature,
  });
  return `${publicBaseUrl}${uploadPath(request.fileId)}?${query.toString()}`;
}
