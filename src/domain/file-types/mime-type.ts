import { extname } from 'node:path';
import mime from 'mime-types';
import { canonicalType } from './equivalence.js';

// RFC 6838 section 4.2: a type or subtype name starts with a letter or digit and continues with
// up to 126 of these characters.
const essencePattern =
  /^([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})\/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})$/;
// RFC 9110 section 5.6.6: `name=value`, the value a token or a quoted string.
const parameterPattern =
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|"(?:[^"\\\r\n]|\\.)*")$/;
/** Longer hints are rejected unread, so a hostile value costs nothing to parse. */
const maxHintLength = 1024;

/**
 * Parses a client's MIME type hint (RFC 6838 `type/subtype` with optional RFC 9110
 * parameters) into its canonical lower-case essence, or null when it is not a MIME type:
 * `Text/Plain; charset=UTF-8` gives `text/plain`; `text`, `image/` and `foo/bar baz` give null.
 * The parse takes time linear in the input: it also parses `Content-Type` headers of requests
 * that carry no credential.
 */
export function parseMimeType(hint: string): string | null {
  if (hint.length > maxHintLength) return null;
  const [first = '', ...parameters] = splitOutsideQuotes(hint, ';');
  const match = essencePattern.exec(trimWhitespace(first));
  if (!match) return null;
  for (const [index, parameter] of parameters.entries()) {
    const trimmed = trimWhitespace(parameter);
    // A single trailing `;` is tolerated, as browsers and HTTP libraries send it.
    if (trimmed === '' && index === parameters.length - 1) continue;
    if (!parameterPattern.test(trimmed)) return null;
  }
  return canonicalType(`${match[1]}/${match[2]}`.toLowerCase());
}

/** Splits at `separator` except inside double-quoted strings (with backslash escapes). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted && char === '\\') index += 1;
    else if (char === '"') quoted = !quoted;
    else if (!quoted && char === separator) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Trims spaces and tabs (RFC 9110 optional whitespace); a line break is never valid. */
function trimWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start += 1;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end -= 1;
  return text.slice(start, end);
}

// Extensions that the mime-types table (1.54) lacks or maps to a non-standard name. A Map, so
// that extensions such as `__proto__` and `constructor` find nothing.
const extensionOverrides = new Map<string, string>(
  Object.entries({
    tgz: 'application/gzip',
    heic: 'image/heic',
    heif: 'image/heif',
    jfif: 'image/jpeg',
    exe: 'application/vnd.microsoft.portable-executable',
    dll: 'application/vnd.microsoft.portable-executable',
    flac: 'audio/flac',
    opus: 'audio/ogg',
  }),
);

/**
 * Returns the canonical MIME type for a file name's last extension, case-insensitive, or null
 * when the name has no real extension (`json`, `Makefile`, `.env`, `notes.`) or the extension
 * is unknown. `invoice.pdf.exe` is an executable: only the last extension counts.
 */
export function typeFromFileName(fileName: string): string | null {
  const extension = extname(fileName).slice(1).toLowerCase();
  if (extension === '') return null;
  const override = extensionOverrides.get(extension);
  if (override) return override;
  // mime-types looks the extension up in a plain object: `constructor` returns a function.
  const looked: unknown = mime.lookup(extension);
  return typeof looked === 'string' ? canonicalType(looked.toLowerCase()) : null;
}
