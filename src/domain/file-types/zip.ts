/**
 * Reads entry names of a ZIP archive (PKWARE APPNOTE 6.3) to tell Office Open XML documents
 * from plain zips. Names come from the central directory at the end of the archive, which
 * every writer produces, streamed zips with data descriptors included, and which lists entries
 * whatever their order.
 */

export interface RangeReader {
  sizeBytes: number;
  /** Reads bytes `[start, end)`. */
  read(start: number, end: number): Promise<Buffer>;
}

const endOfCentralDirectory = 0x06054b50;
const centralDirectoryEntry = 0x02014b50;
const endRecordSize = 22;
const maxCommentSize = 0xffff;
/** The largest central directory read: 1 MiB fits about 10,000 entries of Office-like names. */
export const maxCentralDirectoryBytes = 1024 * 1024;

/** Returns the archive's entry names, or null when no valid central directory is found. */
export async function readZipEntryNames(reader: RangeReader): Promise<string[] | null> {
  const found =
    (await findEndRecordIn(reader, 1024)) ??
    (await findEndRecordIn(reader, endRecordSize + maxCommentSize));
  if (found === null) return null;
  const { tail, offset: endOffset } = found;

  const entryCount = tail.readUInt16LE(endOffset + 10);
  const directorySize = tail.readUInt32LE(endOffset + 12);
  const directoryOffset = tail.readUInt32LE(endOffset + 16);
  // ZIP64 archives mark these fields 0xFFFF/0xFFFFFFFF; Office files are never that large.
  if (directorySize > maxCentralDirectoryBytes || directoryOffset === 0xffffffff) return null;
  if (directoryOffset + directorySize > reader.sizeBytes) return null;

  const directory = await reader.read(directoryOffset, directoryOffset + directorySize);
  return parseCentralDirectory(directory, entryCount);
}

/**
 * Looks for the end record in the last `length` bytes. Almost every archive has no comment, so
 * a short tail finds it; the longest possible comment needs a 64 KiB tail.
 */
async function findEndRecordIn(reader: RangeReader, length: number) {
  const tailStart = Math.max(0, reader.sizeBytes - length);
  const tail = await reader.read(tailStart, reader.sizeBytes);
  const offset = findEndRecord(tail);
  return offset === null ? null : { tail, offset };
}

function findEndRecord(tail: Buffer): number | null {
  for (let offset = tail.length - endRecordSize; offset >= 0; offset -= 1) {
    if (tail.readUInt32LE(offset) === endOfCentralDirectory) return offset;
  }
  return null;
}

function parseCentralDirectory(directory: Buffer, entryCount: number): string[] | null {
  const names: string[] = [];
  let offset = 0;
  for (let index = 0; index < entryCount; index += 1) {
    if (offset + 46 > directory.length) return null;
    if (directory.readUInt32LE(offset) !== centralDirectoryEntry) return null;
    const nameLength = directory.readUInt16LE(offset + 28);
    const extraLength = directory.readUInt16LE(offset + 30);
    const commentLength = directory.readUInt16LE(offset + 32);
    names.push(directory.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** Returns the Office Open XML family of a zip from its entry names, or null for any other zip. */
export function officeOpenXmlFamily(names: string[]): 'word' | 'xl' | 'ppt' | null {
  if (!names.includes('[Content_Types].xml')) return null;
  if (names.some((name) => name.startsWith('word/'))) return 'word';
  if (names.some((name) => name.startsWith('xl/'))) return 'xl';
  if (names.some((name) => name.startsWith('ppt/'))) return 'ppt';
  return null;
}

/** Returns the Office Open XML family of a declared type, or null for other types. */
export function declaredOfficeOpenXmlFamily(type: string): 'word' | 'xl' | 'ppt' | null {
  if (/^application\/vnd\.openxmlformats-officedocument\.wordprocessingml\./.test(type))
    return 'word';
  if (/^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\./.test(type)) return 'xl';
  if (/^application\/vnd\.openxmlformats-officedocument\.presentationml\./.test(type)) return 'ppt';
  if (/^application\/vnd\.ms-word\.(document|template)\.macroenabled\.12$/.test(type))
    return 'word';
  if (
    /^application\/vnd\.ms-excel\.(sheet|template|addin|sheet\.binary)\.macroenabled\.12$/.test(
      type,
    )
  ) {
    return 'xl';
  }
  if (/^application\/vnd\.ms-powerpoint\.\w+\.macroenabled\.12$/.test(type)) return 'ppt';
  return null;
}
