import type { ApiRouteContext } from './api-routes.js';
import { envelope, errorResponse, FileIdParams, FileMetadataData } from '../schemas.js';
import { requireScope } from '../auth.js';

export function registerGetFile({ app, auth, uploads }: ApiRouteContext): void {
  app.get(
    '/attachments/v1/files/:fileId',
    {
      onRequest: requireScope(auth, 'attachments.read'),
      schema: {
        tags: ['files'],
        summary: "Read a file's metadata",
        description: 'fileUrl is null until the upload is completed. Scope: attachments.read.',
        params: FileIdParams,
        response: {
          401: errorResponse,
          403: errorResponse,
          404: errorResponse,
          429: errorResponse,
          200: envelope(FileMetadataData),
        },
      },
    },
    async (request) => {
      request.fileId = request.params.fileId;
      const data = await uploads.getFile(request.principal!, request.params.fileId);
      return { requestId: request.id, data };
    },
  );
}
