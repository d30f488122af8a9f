import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { errorDetails, type ErrorCode } from '../../src/errors.js';
import { errorStatus } from '../../src/http/error-handler.js';

test('API reference lists every error code', async () => {
  const reference = await readFile('docs/api.md', 'utf8');
  for (const code of Object.keys(errorDetails) as ErrorCode[]) {
    assert.ok(reference.includes(`\`${code}\``), `docs/api.md does not mention ${code}`);
    if (code === 'validation_error') continue;
    assert.ok(reference.includes(errorDetails[code]), `docs/api.md lacks the detail of ${code}`);
  }
});

test('every error code has a status', () => {
  for (const code of Object.keys(errorDetails) as ErrorCode[]) {
    assert.ok(errorStatus[code] >= 400, `${code} has no HTTP status`);
  }
});
