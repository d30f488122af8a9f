/**
 * The one table of MIME type equivalences. It answers two questions:
 *
 * 1. Which name is canonical? Clients and detectors spell some types in several ways
 *    (`image/jpg`, `audio/x-m4a`, `application/x-msdownload`); `canonicalType` maps each alias
 *    to the name Attache stores and compares, preferring the IANA-registered one.
 * 2. Which detected type satisfies which declared type? A signature often identifies a
 *    container, not the exact format inside it: the CFB container of legacy Office files is
 *    the same for Word, Excel and PowerPoint, and MP4, M4A and QuickTime share the ISO base
 *    media file format. `satisfies` accepts a declared type when the detected container is
 *    one the declared format is stored in.
 */

const aliases: Record<string, string> = {
  // JPEG: `image/jpg` is a common misspelling, `pjpeg` is what old Internet Explorer sent for
  // progressive JPEGs, and mime-types maps `.jfif` to `image/pjpeg`.
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/jfif': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/x-ms-bmp': 'image/bmp',
  'image/x-bmp': 'image/bmp',
  'image/x-tiff': 'image/tiff',
  // file-type reports `image/x-icon`; IANA registers `image/vnd.microsoft.icon`.
  'image/x-icon': 'image/vnd.microsoft.icon',
  'image/x-heic': 'image/heic',
  'image/x-heif': 'image/heif',
  'application/x-pdf': 'application/pdf',
  'application/acrobat': 'application/pdf',
  'text/pdf': 'application/pdf',
  // file-type reports `audio/x-m4a` for AAC in an MP4 container; RFC 4337 registers `audio/mp4`.
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/mpeg3': 'audio/mpeg',
  'audio/x-mpeg': 'audio/mpeg',
  'audio/x-flac': 'audio/flac',
  'video/x-quicktime': 'video/quicktime',
  // file-type reports `video/matroska`; mime-types and most clients use the `x-` name.
  'video/matroska': 'video/x-matroska',
  'audio/matroska': 'audio/x-matroska',
  'video/avi': 'video/x-msvideo',
  'video/msvideo': 'video/x-msvideo',
  'video/vnd.avi': 'video/x-msvideo',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'application/x-gzip': 'application/gzip',
  'application/x-gunzip': 'application/gzip',
  'application/gzip-compressed': 'application/gzip',
  'text/x-csv': 'text/csv',
  'text/comma-separated-values': 'text/csv',
  'application/csv': 'text/csv',
  'application/x-csv': 'text/csv',
  'text/json': 'application/json',
  'application/x-json': 'application/json',
  'application/vnd.ms-word': 'application/msword',
  // Windows executables: file-type reports `x-msdownload`, mime-types `x-msdos-program`.
  'application/x-msdownload': 'application/vnd.microsoft.portable-executable',
  'application/x-msdos-program': 'application/vnd.microsoft.portable-executable',
  'application/x-dosexec': 'application/vnd.microsoft.portable-executable',
  'application/x-ms-dos-executable': 'application/vnd.microsoft.portable-executable',
  'application/exe': 'application/vnd.microsoft.portable-executable',
};

/** Returns the canonical spelling of a lower-case MIME essence. */
export function canonicalType(essence: string): string {
  return aliases[essence] ?? essence;
}

/**
 * Families of formats that one signature cannot tell apart. A detected type in a family
 * satisfies any declared type of the same family.
 */
const families: readonly (readonly string[])[] = [
  // ISO base media file format (ISO/IEC 14496-12): the `ftyp` brand varies by the writer, and
  // an iPhone `.MOV` and an `.mp4` differ only in brand lists that players ignore.
  [
    'video/mp4',
    'audio/mp4',
    'video/x-m4v',
    'video/quicktime',
    'video/3gpp',
    'video/3gpp2',
    'audio/3gpp',
  ],
  // HEIF (ISO/IEC 23008-12): HEIC is HEIF with HEVC images; phones mix both names.
  ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
  // Matroska: WebM is a Matroska profile.
  ['video/x-matroska', 'video/webm', 'audio/webm', 'audio/x-matroska'],
  // Ogg carries Vorbis, Opus or Theora; the codec is not part of the signature.
  ['audio/ogg', 'video/ogg', 'application/ogg', 'audio/opus'],
];

/**
 * Containers whose signature is shared by several declared formats. The Compound File Binary
 * format contains every legacy Office file (Word, Excel, PowerPoint, Outlook, Visio, MSI).
 */
const containers: Record<string, readonly string[]> = {
  'application/x-cfb': [
    'application/msword',
    'application/vnd.ms-excel',
    'application/vnd.ms-powerpoint',
    'application/vnd.ms-outlook',
    'application/vnd.visio',
    'application/x-msi',
  ],
};

/** ZIP-based formats: a declared `application/zip` accepts any of them, since each is a zip. */
const zipBasedPrefixes = [
  'application/vnd.openxmlformats-officedocument.',
  'application/vnd.ms-word.',
  'application/vnd.ms-excel.',
  'application/vnd.ms-powerpoint.',
  'application/vnd.oasis.opendocument.',
];
const zipBasedTypes = new Set([
  'application/epub+zip',
  'application/java-archive',
  'application/vnd.android.package-archive',
  'application/x-xpinstall',
]);

export function isZipBased(type: string): boolean {
  return (
    type === 'application/zip' ||
    zipBasedTypes.has(type) ||
    zipBasedPrefixes.some((prefix) => type.startsWith(prefix))
  );
}

/** Tells whether bytes detected as `detected` may be stored as `declared` (both canonical). */
export function satisfies(detected: string, declared: string): boolean {
  if (detected === declared) return true;
  if (containers[detected]?.includes(declared)) return true;
  if (declared === 'application/zip' && isZipBased(detected)) return true;
  return families.some((family) => family.includes(detected) && family.includes(declared));
}
