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
 * processing instructions and a DOCTYPE, the root element is `svg`. The scan takes time linear
 * in the text, so a hostile prolog cannot stall the server.
 */
export function hasSvgRoot(text: string): boolean {
  let position = text.startsWith('\uFEFF') ? 1 : 0;
  for (;;) {
    while (position < text.length && isXmlWhitespace(text.charCodeAt(position))) position += 1;
    const rest = text.startsWith('<', position) ? text.slice(position, position + 10) : '';
    let end: number;
    if (rest.startsWith('<?')) end = endOf(text, '?>', position);
    else if (rest.startsWith('<!--')) end = endOf(text, '-->', position);
    else if (/^<!DOCTYPE/i.test(rest)) end = endOfDoctype(text, position);
    else return /^<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]/.test(text.slice(position, position + 300));
    if (end === -1) return false;
    position = end;
  }
}

function isXmlWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Returns the index just past the next `terminator` after `from`, or -1. */
function endOf(text: string, terminator: string, from: number): number {
  const index = text.indexOf(terminator, from);
  return index === -1 ? -1 : index + terminator.length;
}

/** Returns the index just past a DOCTYPE, whose internal subset `[...]` may contain `>`. */
function endOfDoctype(text: string, from: number): number {
  const close = text.indexOf('>', from);
  const subset = text.indexOf('[', from);
  if (subset === -1 || (close !== -1 && close < subset)) return close === -1 ? -1 : close + 1;
  const subsetEnd = text.indexOf(']', subset);
  return subsetEnd === -1 ? -1 : endOf(text, '>', subsetEnd);
}

/**
 * Tells whether bytes start like a multipart/form-data body (RFC 7578): a boundary line and
 * then part headers. That is what a browser sends when code wraps a file in FormData and PUTs
 * the result, so the stored object is an envelope, not the file.
 */
export function isMultipartEnvelope(prefix: Buffer): boolean {
  const head = prefix.subarray(0, 1024).toString('latin1');
  // Leading blank lines are allowed: some clients send a CRLF before the first boundary.
  return /^(?:\r?\n)*--[!-~]{1,70}\r?\n(?:[A-Za-z-]+:[^\r\n]*\r?\n)*content-disposition:[ \t]*form-data/i.test(
    head,
  );
}
