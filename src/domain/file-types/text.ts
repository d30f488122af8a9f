/** Text-family rules: which declared types are text, and whether bytes are text. */

const textApplicationTypes = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/ecmascript',
  'application/x-sh',
  'application/x-yaml',
  'application/yaml',
  'application/sql',
  'application/x-ndjson',
  'application/x-subrip',
  'application/rtf',
  'message/rfc822',
]);

/** Tells whether a declared type is text: `text/*`, JSON, XML, SVG and the like. */
export function isTextType(type: string): boolean {
  return (
    type.startsWith('text/') ||
    textApplicationTypes.has(type) ||
    type.endsWith('+xml') ||
    type.endsWith('+json')
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Tells whether a prefix of a file is text: UTF-16 with a byte order mark, or valid UTF-8 with
 * no NUL byte. When the prefix is cut from a longer file, a multi-byte character split at its
 * end is allowed.
 */
export function isText(prefix: Buffer, isWholeFile: boolean): boolean {
  if (prefix.length >= 2) {
    const bom = prefix.readUInt16BE(0);
    if (bom === 0xfffe) return isUtf16(prefix, 'utf-16le', isWholeFile);
    if (bom === 0xfeff) return isUtf16(prefix, 'utf-16be', isWholeFile);
  }
  if (prefix.includes(0)) return false;
  // A UTF-8 character is at most 4 bytes, so at most 3 of them can be cut off at the end.
  const cuts = isWholeFile ? [0] : [0, 1, 2, 3];
  return cuts.some(
    (cut) => cut <= prefix.length && decodes(prefix.subarray(0, prefix.length - cut)),
  );
}

function decodes(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function isUtf16(prefix: Buffer, encoding: 'utf-16le' | 'utf-16be', isWholeFile: boolean): boolean {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const even = prefix.subarray(0, prefix.length - (prefix.length % 2));
  if (isWholeFile && even.length !== prefix.length) return false;
  // A surrogate pair is 4 bytes; when the prefix is cut, its second half may be missing.
  const cuts = isWholeFile ? [0] : [0, 2];
  return cuts.some((cut) => {
    try {
      const text = decoder.decode(even.subarray(0, even.length - cut));
      return !text.slice(1).includes('\u0000');
    } catch {
      return false;
    }
  });
}

/**
 * Tells whether text is an SVG document: after an optional XML declaration, comments,
 * processing instructions and a DOCTYPE, the root element is `svg`.
 */
export function hasSvgRoot(text: string): boolean {
  const prolog = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*/i;
  const rest = text.replace(/^\uFEFF/, '').replace(prolog, '');
  return /^<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]/.test(rest);
}

/**
 * Tells whether bytes start like a multipart/form-data body (RFC 7578): a boundary line and
 * then part headers. That is what a browser sends when code wraps a file in FormData and PUTs
 * the result, so the stored object is an envelope, not the file.
 */
export function isMultipartEnvelope(prefix: Buffer): boolean {
  const head = prefix.subarray(0, 1024).toString('latin1');
  return /^--[!-~]{1,70}\r?\n(?:[A-Za-z-]+:[^\r\n]*\r?\n)*content-disposition:\s*form-data/i.test(
    head,
  );
}
