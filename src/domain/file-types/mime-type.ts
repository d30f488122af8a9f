import { extname } from 'node:path';
import mime from 'mime-types';
import { canonicalType } from './equivalence.js';

// RFC 6838 section 4.2: a type or subtype name starts with a letter or digit and continues with
// up to 126 of these characters.
const restrictedName = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const quotedString = '"(?:[^"\\\\\\r\\n]|\\\\.)*"';
// Optional whitespace is spaces and tabs only (RFC 9110 OWS): a line break is never valid.
const parameter = `[ \\t]*;[ \\t]*${token}=(?:${token}|${quotedString})`;
const mimeTypePattern = new RegExp(
  `^[ \\t]*(${restrictedName})/(${restrictedName})((?:${parameter})*)[ \\t]*;?[ \\t]*$`,
);

/**
 * Parses a client's MIME type hint (RFC 6838 `type/subtype` with optional RFC 2045
 * parameters) into its canonical lower-case essence, or null when it is not a MIME type:
 * `Text/Plain; charset=UTF-8` gives `text/plain`; `text`, `image/` and `foo/bar baz` give null.
 */
export function parseMimeType(hint: string): string | null {
  const match = mimeTypePattern.exec(hint);
  if (!match) return null;
  const essence = `${match[1]}/${match[2]}`.toLowerCase();
  return canonicalType(essence);
}

// Extensions that the mime-types table (1.54) lacks or maps to a non-standard name.
const extensionOverrides: Record<string, string> = {
  tgz: 'application/gzip',
  heic: 'image/heic',
  heif: 'image/heif',
  jfif: 'image/jpeg',
  exe: 'application/vnd.microsoft.portable-executable',
  dll: 'application/vnd.microsoft.portable-executable',
  flac: 'audio/flac',
  opus: 'audio/ogg',
};

/**
 * Returns the canonical MIME type for a file name's last extension, case-insensitive, or null
 * when the name has no real extension (`json`, `Makefile`, `.env`, `notes.`) or the extension
 * is unknown. `invoice.pdf.exe` is an executable: only the last extension counts.
 */
export function typeFromFileName(fileName: string): string | null {
  const extension = extname(fileName).slice(1).toLowerCase();
  if (extension === '') return null;
  const override = extensionOverrides[extension];
  if (override) return override;
  const looked = mime.lookup(extension);
  return looked === false ? null : canonicalType(looked.toLowerCase());
}
