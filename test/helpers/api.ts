import assert from 'node:assert/strict';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Parsed JSON of any shape: each test reads the fields it checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are untyped JSON
  body: any;
}

/** Sends a request to the JSON API and parses the JSON body, whatever the status. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    apiKey?: string | null;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: keep the text, so an assertion shows what came back.
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Asserts the error envelope: status, exact `detail` and `code`, and a UUID `requestId`. */
export function assertError(response: ApiResponse, status: number, detail: unknown, code: string) {
  assert.equal(response.status, status, `status of ${JSON.stringify(response.body)}`);
  assert.deepEqual(response.body.detail, detail);
  assert.equal(response.body.code, code);
  assert.match(response.body.requestId, /^[0-9a-f-]{36}$/);
}

export interface GeneratedUpload {
  fileId: string;
  uploadFileUrl: string;
  fileType: string;
}

export async function generate(
  baseUrl: string,
  apiKey: string,
  body: { fileName: string; fileTypeHint?: string | null; featureType?: string },
): Promise<GeneratedUpload> {
  const response = await api(baseUrl, 'POST', '/attachments/v1/files/generate-upload-url', {
    apiKey,
    body: { featureType: 'chat', ...body },
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.data as GeneratedUpload;
}

/** PUTs bytes to an upload URL the way the guide's curl example does. */
export async function putBytes(url: string, bytes: Buffer, contentType: string) {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body: new Blob([new Uint8Array(bytes)]),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function complete(baseUrl: string, apiKey: string, fileId: string) {
  return api(baseUrl, 'PUT', `/attachments/v1/files/complete-upload/${fileId}`, { apiKey });
}

export function getFile(baseUrl: string, apiKey: string, fileId: string) {
  return api(baseUrl, 'GET', `/attachments/v1/files/${fileId}`, { apiKey });
}

/** Runs the three steps and returns the completed file's metadata. */
export async function uploadBytes(
  baseUrl: string,
  apiKey: string,
  fileName: string,
  bytes: Buffer,
  fileTypeHint?: string,
) {
  const upload = await generate(baseUrl, apiKey, { fileName, fileTypeHint });
  const put = await putBytes(upload.uploadFileUrl, bytes, upload.fileType);
  assert.equal(put.status, 200, put.text);
  const completed = await complete(baseUrl, apiKey, upload.fileId);
  assert.equal(completed.status, 200, JSON.stringify(completed.body));
  const metadata = await getFile(baseUrl, apiKey, upload.fileId);
  return metadata.body.data as {
    fileId: string;
    fileUrl: string;
    fileType: string;
    sizeBytes: number;
  };
}

/** Minimal valid files of common types, for tests that need genuine bytes. */
export const samples = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'),
  png: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
  text: Buffer.from('hello, attachments\n'),
};
