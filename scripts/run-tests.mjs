// Runs every compiled test file under dist/test with Node's test runner, streams the spec
// report, and ends with one summary line "N passed, N failed" that CI reads. Tests that need
// the S3-compatible server get one: it is installed and started in .s3-server/ unless one runs
// there already or ATTACHE_S3_BUCKET points elsewhere, and a server started here is stopped at
// the end.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
const s3Folder = '.s3-server';
const needsS3 =
  !process.env.ATTACHE_S3_BUCKET &&
  process.env.ATTACHE_TEST_BACKENDS !== 'local-sqlite' &&
  files.some((file) => /s3|acceptance|scale-out/.test(file));
let startedS3 = false;
if (needsS3) {
  const wasRunning = existsSync(`${s3Folder}/pids`);
  execFileSync('bash', ['scripts/s3-server/install.sh'], { stdio: 'inherit' });
  execFileSync('bash', ['scripts/s3-server/start.sh', s3Folder], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  startedS3 = !wasRunning;
}

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
  if (startedS3)
    execFileSync('bash', ['scripts/s3-server/stop.sh', s3Folder], { stdio: 'inherit' });
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
});
