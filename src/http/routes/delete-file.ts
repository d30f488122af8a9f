import type { ApiRouteContext } from './api-routes.js';
import { envelope, FileIdData, FileIdParams } from '../schemas.js';
import { requireScope } from '../auth.js';

export function registerDeleteFile({ app, auth, uploads }: ApiRouteContext): void {
  app.delete(
    '/attachments/v1/files/:fileId',
    {
      onRequest: requireScope(auth, 'attachments.delete'),
      schema: { params: FileIdParams, response: { 200: envelope(FileIdData) } },
    },
    async (request) => {
      request.fileId = request.params.fileId;
      const data = await uploads.deleteFile(request.principal!, request.params.fileId);
      return { requestId: request.id, data };
    },
  );
}
