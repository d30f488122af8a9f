/**
 * Types shown inline in a browser. Everything else, HTML, SVG, XML and scripts included, is
 * served as an attachment so that an uploaded file cannot run in this service's origin.
 */
function isInlineSafe(type: string): boolean {
  if (type === 'image/svg+xml') return false;
  return (
    type.startsWith('image/') ||
    type.startsWith('audio/') ||
    type.startsWith('video/') ||
    type === 'application/pdf' ||
    type === 'text/plain'
  );
}

/**
 * Builds a Content-Disposition header (RFC 6266): an ASCII `filename` for old clients and a
 * UTF-8 `filename*` (RFC 5987 ext-value) that modern clients prefer.
 */
export function contentDisposition(fileName: string, fileType: string): string {
  const disposition = isInlineSafe(fileType) ? 'inline' : 'attachment';
  const fallback = fileName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    // Slashes too: a name is never a path, whatever a client does with it.
    .replace(/[^\x20-\x7e]|["\\%/]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
