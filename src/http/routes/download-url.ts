import type { ApiRouteContext } from './api-routes.js';
import { DownloadUrlBody, DownloadUrlData, envelope } from '../schemas.js';
import { requireScope } from '../auth.js';

/** Deprecated in the Connecteam API, kept for clients that still call it. */
export function registerDownloadUrl({ app, auth, uploads }: ApiRouteContext): void {
  app.post(
    '/attachments/v1/files/download-url',
    {
      onRequest: requireScope(auth, 'attachments.read'),
      schema: { body: DownloadUrlBody, response: { 200: envelope(DownloadUrlData) } },
    },
    async (request) => {
      const { fileUrl, expirationInSeconds = 3600 } = request.body;
      const data = await uploads.createDownloadUrl(
        request.principal!,
        fileUrl,
        expirationInSeconds,
      );
      return { requestId: request.id, data };
    },
  );
}
