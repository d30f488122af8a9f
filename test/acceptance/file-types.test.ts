import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { complete, generate, getFile, putBytes } from '../helpers/api.js';
import { testBackends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface CorpusEntry {
  file: string;
  kind: 'genuine' | 'edge' | 'disguise';
  fileName: string;
  declaredType: string;
  expectedType: string | null;
  family: string;
  note: string;
}

const corpusDir = join(process.cwd(), 'test', 'fixtures', 'files');
const corpus = JSON.parse(
  await readFile(join(corpusDir, 'manifest.json'), 'utf8'),
) as CorpusEntry[];
const genuine = corpus.filter((entry) => entry.kind !== 'disguise');
const disguises = corpus.filter((entry) => entry.kind === 'disguise');

/** A declared type from another family, with a signature of its own, for each family. */
const wrongTypeFor: Record<string, string> = {
  document: 'image/png',
  spreadsheet: 'image/gif',
  presentation: 'audio/mpeg',
  pdf: 'image/jpeg',
  image: 'application/pdf',
  audio: 'application/pdf',
  video: 'image/png',
  archive: 'application/pdf',
  text: 'image/png',
  executable: 'application/pdf',
};

function upperCaseExtension(fileName: string): string {
  const extension = extname(fileName);
  return fileName.slice(0, fileName.length - extension.length) + extension.toUpperCase();
}

for (const backends of testBackends()) {
  describe(`file type corpus through the API (${backends})`, () => {
    let server: TestServer;

    /** Uploads bytes with a declaration; returns the complete-upload status and stored type. */
    async function upload(bytes: Buffer, declaration: { fileName: string; fileTypeHint?: string }) {
      const generated = await generate(server.baseUrl, server.apiKey, declaration);
      const put = await putBytes(generated.uploadFileUrl, bytes, generated.fileType);
      assert.equal(put.status, 200, `PUT ${declaration.fileName}: ${put.text}`);
      const completed = await complete(server.baseUrl, server.apiKey, generated.fileId);
      const metadata = await getFile(server.baseUrl, server.apiKey, generated.fileId);
      return {
        fileId: generated.fileId,
        status: completed.status,
        detail: completed.body.detail as string,
        fileType: metadata.body.data?.fileType as string | undefined,
      };
    }

    before(async () => {
      server = await startTestServer({ backends });
    });
    after(() => server.cleanup());

    test('corpus has every family', () => {
      const families = new Set(genuine.map((entry) => entry.family));
      for (const family of Object.keys(wrongTypeFor)) assert.ok(families.has(family), family);
    });

    for (const entry of genuine) {
      test(`${entry.file} accepted by hint and by name`, async () => {
        const bytes = await readFile(join(corpusDir, entry.file));
        const byHint = await upload(bytes, {
          fileName: entry.fileName,
          fileTypeHint: entry.declaredType,
        });
        assert.equal(byHint.status, 200, `by hint: ${byHint.detail}`);
        assert.equal(byHint.fileType, entry.expectedType);

        const byName = await upload(bytes, { fileName: entry.fileName });
        assert.equal(byName.status, 200, `by name: ${byName.detail}`);
        assert.equal(byName.fileType, entry.expectedType);

        const byUpperName = await upload(bytes, { fileName: upperCaseExtension(entry.fileName) });
        assert.equal(byUpperName.status, 200, `by upper-case name: ${byUpperName.detail}`);
        assert.equal(byUpperName.fileType, entry.expectedType);
      });

      test(`${entry.file} rejected as another family`, async () => {
        const bytes = await readFile(join(corpusDir, entry.file));
        const wrongType = wrongTypeFor[entry.family]!;
        const result = await upload(bytes, { fileName: entry.fileName, fileTypeHint: wrongType });
        assert.equal(result.status, 415, `declared ${wrongType}`);
        assert.equal(result.detail, 'File type is not the same as declared, file got deleted');
        assert.equal(await server.server.services.objects.headStaged(result.fileId), null);
        assert.equal(await server.server.services.objects.headFile(result.fileId), null);
      });
    }

    for (const entry of disguises) {
      test(`${entry.file} rejected as ${entry.declaredType}`, async () => {
        const bytes = await readFile(join(corpusDir, entry.file));
        const result = await upload(bytes, {
          fileName: entry.fileName,
          fileTypeHint: entry.declaredType,
        });
        assert.equal(result.status, 415, entry.note);
        assert.equal(result.detail, 'File type is not the same as declared, file got deleted');
        assert.equal(await server.server.services.objects.headStaged(result.fileId), null);
      });
    }

    test('SVG with an unterminated DOCTYPE is checked quickly', async () => {
      const started = Date.now();
      const result = await upload(Buffer.from(`<!DOCTYPE${' '.repeat(65527)}`), {
        fileName: 'logo.svg',
      });
      assert.equal(result.status, 415);
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    });

    test('zip directory appended to other bytes is no DOCX', async () => {
      const docx = await readFile(join(corpusDir, 'documents/report.docx'));
      const forged = Buffer.concat([Buffer.alloc(100, 0x58), docx.subarray(4)]);
      const result = await upload(forged, { fileName: 'forged.docx' });
      assert.equal(result.status, 415);
    });

    test('invoice.pdf.exe by name is an executable', async () => {
      const entry = disguises.find((candidate) => candidate.fileName === 'invoice.pdf.exe')!;
      const bytes = await readFile(join(corpusDir, entry.file));
      const result = await upload(bytes, { fileName: entry.fileName });
      assert.equal(result.status, 200);
      assert.equal(result.fileType, 'application/vnd.microsoft.portable-executable');
    });

    test('content check reads a bounded prefix', () => {
      const checks = server.logLines.filter((line) => typeof line.bytesChecked === 'number');
      assert.ok(checks.length > corpus.length);
      const zips = new Set(['application/zip']);
      for (const line of checks) {
        const bytesChecked = line.bytesChecked as number;
        // Office Open XML files also read the zip's central directory from the end.
        const isOffice = /openxmlformats|macroenabled/.test(line.declaredType as string);
        const bound =
          isOffice || zips.has(line.declaredType as string)
            ? 64 * 1024 * 2 + 1024 * 1024
            : 64 * 1024;
        assert.ok(bytesChecked <= bound, `${String(line.declaredType)} read ${bytesChecked} bytes`);
      }
    });
  });
}
