// The header value is also needed by object stores for presigned download URLs, and storage
// must not import from http, so the logic lives in the domain layer.
export { contentDisposition } from '../domain/content-disposition.js';
