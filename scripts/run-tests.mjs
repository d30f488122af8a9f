// Runs every compiled test file under dist/test with Node's test runner, streams the spec
// report, and ends with one summary line "N passed, N failed" that CI reads.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

function findTestFiles(folder) {
  const files = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) files.push(...findTestFiles(path));
    else if (name.endsWith('.test.js')) files.push(path);
  }
  return files.sort();
}

const filter = process.argv[2];
const files = findTestFiles('dist/test').filter((file) => !filter || file.includes(filter));
let passed = 0;
let failed = 0;
let skipped = 0;

const stream = run({ files, concurrency: 1, timeout: 15 * 60 * 1000 });
stream.on('test:pass', (event) => {
  if (event.details.type === 'suite') return;
  if (event.skip || event.todo) skipped += 1;
  else passed += 1;
});
stream.on('test:fail', (event) => {
  if (event.details.type === 'suite' && event.details.error?.failureType !== 'hookFailure') return;
  failed += 1;
});
const report = stream.compose(spec);
report.pipe(process.stdout, { end: false });
// The summary goes out after the spec report's own totals, so it is the run's last line.
report.on('end', () => {
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
});
