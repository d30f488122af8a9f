import type { ApiRouteContext } from './api-routes.js';
import { DownloadUrlBody, DownloadUrlData, envelope, errorResponse } from '../schemas.js';
import { requireScope } from '../auth.js';

/** Deprecated in the Connecteam API, kept for clients that still call it. */
export function registerDownloadUrl({ app, auth, uploads }: ApiRouteContext): void {
  app.post(
    '/attachments/v1/files/download-url',
    {
      onRequest: requireScope(auth, 'attachments.read'),
      schema: {
        tags: ['files'],
        summary: 'Create a time-limited download URL (deprecated)',
        description:
          'Returns a URL that serves the file until it expires. Scope: attachments.read.',
        body: DownloadUrlBody,
        response: {
          401: errorResponse,
          403: errorResponse,
          404: errorResponse,
          422: errorResponse,
          429: errorResponse,
          200: envelope(DownloadUrlData),
        },
      },
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
