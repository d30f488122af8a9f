import type { ApiRouteContext } from './api-routes.js';
import { envelope, FileIdParams, FileMetadataData } from '../schemas.js';
import { requireScope } from '../auth.js';

export function registerGetFile({ app, auth, uploads }: ApiRouteContext): void {
  app.get(
    '/attachments/v1/files/:fileId',
    {
      onRequest: requireScope(auth, 'attachments.read'),
      schema: { params: FileIdParams, response: { 200: envelope(FileMetadataData) } },
    },
    async (request) => {
      request.fileId = request.params.fileId;
      const data = await uploads.getFile(request.principal!, request.params.fileId);
      return { requestId: request.id, data };
    },
  );
}
