import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate, samples, uploadBytes } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('serving files', () => {
  let server: TestServer;
  let fileUrl: string;
  const bytes = Buffer.from('0123456789abcdefghij');

  before(async () => {
    server = await startTestServer();
    fileUrl = (await uploadBytes(server.baseUrl, server.apiKey, 'digits.txt', bytes)).fileUrl;
  });
  after(() => server.cleanup());

  test('GET sends the bytes with safe headers', async () => {
    const response = await fetch(fileUrl);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), bytes.toString());
    assert.equal(response.headers.get('content-type'), 'text/plain');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('content-security-policy'), 'sandbox');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(response.headers.get('accept-ranges'), 'bytes');
    assert.equal(response.headers.get('content-length'), String(bytes.length));
    assert.match(response.headers.get('etag') ?? '', /^"[0-9a-f]{64}"$/);
    assert.ok(response.headers.get('last-modified'));
    assert.equal(
      response.headers.get('content-disposition'),
      `inline; filename="digits.txt"; filename*=UTF-8''digits.txt`,
    );
  });

  test('HEAD sends headers only', async () => {
    const response = await fetch(fileUrl, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), String(bytes.length));
    assert.equal(await response.text(), '');
  });

  test('Range sends 206 with the slice', async () => {
    const cases: [string, string, string][] = [
      ['bytes=0-3', '0123', 'bytes 0-3/20'],
      ['bytes=10-', 'abcdefghij', 'bytes 10-19/20'],
      ['bytes=-5', 'fghij', 'bytes 15-19/20'],
      ['bytes=18-100', 'ij', 'bytes 18-19/20'],
      ['BYTES=0-1', '01', 'bytes 0-1/20'],
    ];
    for (const [range, body, contentRange] of cases) {
      const response = await fetch(fileUrl, { headers: { range } });
      assert.equal(response.status, 206, range);
      assert.equal(await response.text(), body, range);
      assert.equal(response.headers.get('content-range'), contentRange, range);
    }
  });

  test('unsatisfiable Range is 416', async () => {
    const response = await fetch(fileUrl, { headers: { range: 'bytes=20-' } });
    assert.equal(response.status, 416);
    assert.equal(response.headers.get('content-range'), 'bytes */20');
  });

  test('malformed Range sends the whole file', async () => {
    const response = await fetch(fileUrl, { headers: { range: 'bytes=5-2' } });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), bytes.toString());
  });

  test('If-None-Match with the ETag is 304', async () => {
    const etag = (await fetch(fileUrl, { method: 'HEAD' })).headers.get('etag')!;
    assert.equal((await fetch(fileUrl, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await fetch(fileUrl, { headers: { 'if-none-match': '"other"' } })).status, 200);
  });

  test('If-Modified-Since after completion is 304', async () => {
    const lastModified = (await fetch(fileUrl, { method: 'HEAD' })).headers.get('last-modified')!;
    const response = await fetch(fileUrl, { headers: { 'if-modified-since': lastModified } });
    assert.equal(response.status, 304);
  });

  test('If-Match with another ETag is 412', async () => {
    const response = await fetch(fileUrl, { headers: { 'if-match': '"other"' } });
    assert.equal(response.status, 412);
  });

  test('If-Range with a stale ETag sends the whole file', async () => {
    const response = await fetch(fileUrl, {
      headers: { range: 'bytes=0-3', 'if-range': '"stale"' },
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), bytes.toString());
  });

  test('wrong file name is 404', async () => {
    const response = await fetch(fileUrl.replace('digits.txt', 'other.txt'));
    assert.equal(response.status, 404);
  });

  test('pending upload is 404', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const response = await fetch(`${server.baseUrl}/files/${upload.fileId}/a.pdf`);
    assert.equal(response.status, 404);
  });

  test('HTML and SVG are attachments', async () => {
    const html = await uploadBytes(
      server.baseUrl,
      server.apiKey,
      'page.html',
      Buffer.from('<h1>x</h1>'),
    );
    const htmlResponse = await fetch(html.fileUrl);
    assert.match(htmlResponse.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal(htmlResponse.headers.get('content-type'), 'text/html');
    const svg = await uploadBytes(
      server.baseUrl,
      server.apiKey,
      'logo.svg',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    );
    assert.match(
      (await fetch(svg.fileUrl)).headers.get('content-disposition') ?? '',
      /^attachment;/,
    );
  });

  test('PDF and images are inline', async () => {
    const pdf = await uploadBytes(server.baseUrl, server.apiKey, 'a.pdf', samples.pdf);
    assert.match((await fetch(pdf.fileUrl)).headers.get('content-disposition') ?? '', /^inline;/);
    const png = await uploadBytes(server.baseUrl, server.apiKey, 'a.png', samples.png);
    assert.match((await fetch(png.fileUrl)).headers.get('content-disposition') ?? '', /^inline;/);
  });

  test('Unicode name gets an ASCII fallback and filename*', async () => {
    const name = 'Résumé "final" 报告.pdf';
    const file = await uploadBytes(server.baseUrl, server.apiKey, name, samples.pdf);
    assert.ok(file.fileUrl.endsWith(`/${encodeURIComponent(name)}`));
    const disposition = (await fetch(file.fileUrl)).headers.get('content-disposition') ?? '';
    assert.equal(
      disposition,
      `inline; filename="Resume _final_ __.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%20%E6%8A%A5%E5%91%8A.pdf`,
    );
  });

  test('empty file is served', async () => {
    const file = await uploadBytes(server.baseUrl, server.apiKey, 'empty.txt', Buffer.alloc(0));
    const response = await fetch(file.fileUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), '0');
  });
});

describe('signed file URLs', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ env: { ATTACHE_SIGNED_FILE_URL_TTL_SECONDS: '60' } });
  });
  after(() => server.cleanup());

  test('fileUrl carries a signature and the bare path is refused', async () => {
    const file = await uploadBytes(server.baseUrl, server.apiKey, 'a.pdf', samples.pdf);
    assert.match(file.fileUrl, /\?expires=\d+&keyId=k1&signature=[0-9a-f]{64}$/);
    const signed = await fetch(file.fileUrl);
    assert.equal(signed.status, 200);
    assert.equal(signed.headers.get('cache-control'), 'private, max-age=300');
    const bare = await fetch(file.fileUrl.split('?')[0]!);
    assert.equal(bare.status, 403);
    assert.equal((await bare.json()).code, 'file_url_expired');
  });

  test('expired signature is refused', async () => {
    const file = await uploadBytes(server.baseUrl, server.apiKey, 'a.pdf', samples.pdf);
    const record = (await server.server.services.metadata.findUpload(file.fileId))!;
    const { signedFileUrl } = await import('../../src/domain/file-urls.js');
    const expired = signedFileUrl(server.server.services.fileUrls, record, Date.now() - 1000);
    assert.equal((await fetch(expired)).status, 403);
  });
});
