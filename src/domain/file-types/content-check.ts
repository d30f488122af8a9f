import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type';
import { canonicalType, isZipBased, satisfies } from './equivalence.js';
import { hasSvgRoot, isMultipartEnvelope, isText, isTextType } from './text.js';
import {
  declaredOfficeOpenXmlFamily,
  officeOpenXmlFamily,
  readZipEntryNames,
  type RangeReader,
} from './zip.js';

/** The prefix read for every file: enough for every signature file-type 21 detects, except inside zips. */
export const prefixBytes = 64 * 1024;
/** A PDF viewer opens a file whose `%PDF-` header follows up to 1 KiB of other bytes. */
const pdfJunkAllowanceBytes = 1024;

export interface ContentCheckResult {
  matches: boolean;
  /** The canonical type the signature identifies, or null when no signature matched. */
  detectedType: string | null;
  /** How many bytes of the object the check read, for the documented bound. */
  bytesRead: number;
}

/** Types with a signature that file-type recognises, so a missing signature is a mismatch. */
const typesWithSignature = new Set(
  [...supportedMimeTypes].map((type) => canonicalType(type)).concat(['application/pdf']),
);

/**
 * Formats that can keep their identifying structure past the prefix (a TIFF written by
 * ImageMagick stores its first IFD after the pixel data), so file-type finds nothing in a
 * prefix of a longer file. For them the leading magic number decides.
 */
const leadingMagic: Record<string, readonly Buffer[]> = {
  'image/tiff': [Buffer.from('II*\0', 'latin1'), Buffer.from('MM\0*', 'latin1')],
};

const zipLocalFileHeader = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Types that accept any bytes: their content is opaque by definition. */
const opaqueTypes = new Set(['application/octet-stream', 'binary/octet-stream']);

/**
 * Checks that a stored object really is the declared type, reading a bounded prefix (and, for
 * zips, the central directory at the end). `declaredType` must already be canonical.
 */
export async function checkContent(
  declaredType: string,
  reader: RangeReader,
): Promise<ContentCheckResult> {
  let bytesRead = 0;
  const counted: RangeReader = {
    sizeBytes: reader.sizeBytes,
    read: async (start, end) => {
      const bytes = await reader.read(start, end);
      bytesRead += bytes.length;
      return bytes;
    },
  };
  const result = (matches: boolean, detectedType: string | null): ContentCheckResult => ({
    matches,
    detectedType,
    bytesRead,
  });

  if (opaqueTypes.has(declaredType)) return result(true, null);

  const prefix = reader.sizeBytes === 0 ? Buffer.alloc(0) : await counted.read(0, prefixBytes);
  const isWholeFile = prefix.length >= reader.sizeBytes;

  if (isTextType(declaredType)) {
    if (!isText(prefix, isWholeFile)) return result(false, await detect(prefix));
    if (declaredType === 'image/svg+xml') {
      return result(hasSvgRoot(decodeText(prefix)), 'image/svg+xml');
    }
    return result(true, null);
  }

  if (isMultipartEnvelope(prefix)) return result(false, 'multipart/form-data');
  const detectedType = await detect(prefix);

  if (declaredType === 'application/pdf') {
    const header = prefix.subarray(0, pdfJunkAllowanceBytes + 5).indexOf('%PDF-');
    return result(header !== -1, header === -1 ? detectedType : 'application/pdf');
  }

  const officeFamily = declaredOfficeOpenXmlFamily(declaredType);
  const confirmed = detectedType !== null && satisfies(detectedType, declaredType);
  if (officeFamily !== null && !confirmed && (detectedType === null || isZipBased(detectedType))) {
    // A streamed zip, or one whose first entry is not `[Content_Types].xml`, hides its kind
    // from a prefix scan: the central directory lists every entry.
    // Every zip writer starts the archive with a local file header; without one, a central
    // directory appended to other bytes must not pass.
    const startsAsZip = prefix.subarray(0, 4).equals(zipLocalFileHeader);
    const names = startsAsZip ? await readZipEntryNames(counted) : null;
    const family = names === null ? null : officeOpenXmlFamily(names);
    return result(family === officeFamily, family === null ? detectedType : declaredType);
  }

  if (detectedType !== null) return result(satisfies(detectedType, declaredType), detectedType);
  const magic = leadingMagic[declaredType];
  if (!isWholeFile && magic?.some((bytes) => prefix.subarray(0, bytes.length).equals(bytes))) {
    return result(true, declaredType);
  }
  return result(!typesWithSignature.has(declaredType), null);
}

async function detect(prefix: Buffer): Promise<string | null> {
  if (prefix.length === 0) return null;
  const detected = await fileTypeFromBuffer(prefix);
  // file-type 21 adds parameters to some results, such as `audio/ogg; codecs=opus`.
  return detected ? canonicalType(detected.mime.split(';')[0]!.trim()) : null;
}

function decodeText(prefix: Buffer): string {
  if (prefix.length >= 2 && prefix.readUInt16BE(0) === 0xfffe) return prefix.toString('utf16le');
  if (prefix.length >= 2 && prefix.readUInt16BE(0) === 0xfeff) {
    const even = prefix.subarray(0, prefix.length - (prefix.length % 2));
    return Buffer.from(even).swap16().toString('utf16le');
  }
  return prefix.toString('utf8');
}
