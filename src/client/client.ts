/**
 * A typed client for the Attachments API, with no Node-only imports so that the CLI, the SDK
 * and the upload page share it. It works against Attache or the Connecteam API itself: only
 * the base URL differs.
 */

export type FeatureType = 'chat' | 'shiftscheduler' | 'users' | 'quicktasks';

export interface GenerateUploadUrlRequest {
  fileName: string;
  fileTypeHint?: string;
  featureType: FeatureType;
}

export interface GenerateUploadUrlResult {
  fileId: string;
  uploadFileUrl: string;
  /** Attache only: the normalised declared type the PUT must send as Content-Type. */
  fileType?: string;
}

export interface FileMetadata {
  fileId: string;
  fileUrl: string | null;
  uploadCompleted: boolean;
  fileType: string;
  featureType: FeatureType;
  /** Attache only. */
  fileName?: string;
  sizeBytes?: number | null;
  sha256?: string | null;
}

export interface ClientOptions {
  /** API base URL, such as `http://127.0.0.1:8080` or `https://api.connecteam.com`. */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
}

/** An error response of the API, with its status, stable `code` and `detail`. */
export class AttacheApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly detail: unknown;
  readonly requestId: string | null;

  constructor(
    status: number,
    body: { detail?: unknown; code?: string; requestId?: string } | null,
  ) {
    const detail = body?.detail ?? `HTTP ${status}`;
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.name = 'AttacheApiError';
    this.status = status;
    this.code = body?.code ?? null;
    this.detail = detail;
    this.requestId = body?.requestId ?? null;
  }
}

export class AttacheClient {
  readonly #baseUrl: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Step 1: registers an upload and returns its fileId and the URL to PUT the bytes to. */
  generateUploadUrl(request: GenerateUploadUrlRequest): Promise<GenerateUploadUrlResult> {
    return this.#call('POST', '/attachments/v1/files/generate-upload-url', request);
  }

  /** Step 3: checks the stored bytes and makes the file available at its `fileUrl`. */
  completeUpload(fileId: string): Promise<{ fileId: string }> {
    return this.#call('PUT', `/attachments/v1/files/complete-upload/${encodeURIComponent(fileId)}`);
  }

  getFile(fileId: string): Promise<FileMetadata> {
    return this.#call('GET', `/attachments/v1/files/${encodeURIComponent(fileId)}`);
  }

  /** Attache only: deletes a completed file. */
  deleteFile(fileId: string): Promise<{ fileId: string }> {
    return this.#call('DELETE', `/attachments/v1/files/${encodeURIComponent(fileId)}`);
  }

  createDownloadUrl(
    fileUrl: string,
    expirationInSeconds = 3600,
  ): Promise<{ url: string; expiresInSeconds: number }> {
    return this.#call('POST', '/attachments/v1/files/download-url', {
      fileUrl,
      expirationInSeconds,
    });
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'x-api-key': this.#apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#fetch(this.#baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: { data?: T; detail?: unknown; code?: string; requestId?: string } | null = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!response.ok || parsed?.data === undefined)
      throw new AttacheApiError(response.status, parsed);
    return parsed.data;
  }
}
