import type { ApiRouteContext } from './api-routes.js';
import { envelope, errorResponse, FileIdData, FileIdParams } from '../schemas.js';
import { requireScope } from '../auth.js';

export function registerDeleteFile({ app, auth, uploads }: ApiRouteContext): void {
  app.delete(
    '/attachments/v1/files/:fileId',
    {
      onRequest: requireScope(auth, 'attachments.delete'),
      schema: {
        tags: ['files'],
        summary: 'Delete a completed file',
        description: 'Attache addition. Scope: attachments.delete.',
        params: FileIdParams,
        response: {
          401: errorResponse,
          403: errorResponse,
          404: errorResponse,
          429: errorResponse,
          200: envelope(FileIdData),
        },
      },
    },
    async (request) => {
      request.fileId = request.params.fileId;
      const data = await uploads.deleteFile(request.principal!, request.params.fileId);
      return { requestId: request.id, data };
    },
  );
}
