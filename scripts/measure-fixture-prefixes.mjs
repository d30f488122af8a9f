// Measures how many leading bytes file-type needs to identify each fixture in
// test/fixtures/files/. For every genuine and edge file, it finds the smallest prefix from
// PREFIX_LENGTHS (then the whole file) at which fileTypeFromBuffer returns the same result as on
// the whole file. Prints a Markdown table, then the whole-file result for each disguise.
//
// Usage: node scripts/measure-fixture-prefixes.mjs
import console from 'node:console';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileTypeFromBuffer } from 'file-type';

const KIB = 1024;
const PREFIX_LENGTHS = [4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB];
// The amount of a file that Attache reads to check its type, unless a container needs more.
const READ_LIMIT = 64 * KIB;

const fixturesDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'fixtures',
  'files',
);
const manifest = JSON.parse(readFileSync(join(fixturesDir, 'manifest.json'), 'utf8'));

function describe(result) {
  return result ? `${result.ext} ${result.mime}` : 'undefined';
}

// A prefix at least as long as the file is the whole file, so it always matches.
function formatLength(length, fileSize) {
  if (length > 256 * KIB) return `whole (${fileSize} B)`;
  return `${length / KIB} KiB`;
}

/** Returns the smallest tried prefix length whose result equals the whole-file result. */
async function findNeededPrefix(bytes, wholeResult) {
  for (const length of PREFIX_LENGTHS) {
    if (length >= bytes.length) return length;
    const prefixResult = await fileTypeFromBuffer(bytes.subarray(0, length));
    if (describe(prefixResult) === describe(wholeResult)) return length;
  }
  return bytes.length;
}

console.log('| file | size (B) | file-type result | prefix needed | expectedType | flags |');
console.log('| --- | ---: | --- | --- | --- | --- |');
for (const entry of manifest.filter((item) => item.kind !== 'disguise')) {
  const bytes = readFileSync(join(fixturesDir, entry.file));
  const wholeResult = await fileTypeFromBuffer(bytes);
  const needed = await findNeededPrefix(bytes, wholeResult);

  const flags = [];
  if (!wholeResult) flags.push('not identified');
  else if (wholeResult.mime !== entry.expectedType) flags.push('mime differs');
  if (needed > READ_LIMIT) flags.push('needs > 64 KiB');
  const row = [
    entry.file,
    bytes.length,
    describe(wholeResult),
    formatLength(needed, bytes.length),
    entry.expectedType,
    flags.join(', '),
  ];
  console.log(`| ${row.join(' | ')} |`);
}

console.log('\n| disguise | fileName | declaredType | file-type result (whole file) |');
console.log('| --- | --- | --- | --- |');
for (const entry of manifest.filter((item) => item.kind === 'disguise')) {
  const bytes = readFileSync(join(fixturesDir, entry.file));
  const row = [
    entry.file,
    entry.fileName,
    entry.declaredType,
    describe(await fileTypeFromBuffer(bytes)),
  ];
  console.log(`| ${row.join(' | ')} |`);
}
