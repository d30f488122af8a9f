import type { ByteRange } from '../storage/object-store.js';

/**
 * Parses a `Range` header (RFC 9110 section 14.2) against an object of `size` bytes. Returns
 * the range to send, `'unsatisfiable'` for 416, or null to send the whole object (no header,
 * another unit, a malformed value, or several ranges, which a server may serve in full).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  // Range units are case-insensitive (RFC 9110 section 14.1).
  const match = /^bytes=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i.exec(header);
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // A suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
