// Prints, for every genuine file of the corpus, what the content check detected and how many
// bytes of the file it read. Run after `npm run build`: node scripts/measure-content-check.mjs
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkContent } from '../dist/src/domain/file-types/content-check.js';

const corpusDir = 'test/fixtures/files';
const corpus = JSON.parse(await readFile(join(corpusDir, 'manifest.json'), 'utf8'));
let largest = { bytesRead: 0 };
console.log('| file | size | declared type | detected | matches | bytes read |');
console.log('|---|--:|---|---|---|--:|');
for (const entry of corpus.filter((item) => item.kind !== 'disguise')) {
  const handle = await open(join(corpusDir, entry.file), 'r');
  const { size } = await handle.stat();
  const reader = {
    sizeBytes: size,
    async read(start, end) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(end, size) - start));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return buffer.subarray(0, bytesRead);
    },
  };
  const result = await checkContent(entry.expectedType, reader);
  await handle.close();
  console.log(
    `| ${entry.file} | ${size} | ${entry.expectedType} | ${result.detectedType ?? '-'} | ${result.matches} | ${result.bytesRead} |`,
  );
  if (result.bytesRead > largest.bytesRead) largest = { ...result, file: entry.file };
}
console.log(`\nlargest read: ${largest.bytesRead} bytes (${largest.file})`);
