import type { ApiRouteContext } from './api-routes.js';
import { envelope, FileIdData, FileIdParams } from '../schemas.js';
import { requireScope } from '../auth.js';

export function registerCompleteUpload({ app, auth, uploads }: ApiRouteContext): void {
  app.put(
    '/attachments/v1/files/complete-upload/:fileId',
    {
      onRequest: requireScope(auth, 'attachments.write'),
      schema: { params: FileIdParams, response: { 200: envelope(FileIdData) } },
    },
    async (request) => {
      request.fileId = request.params.fileId;
      const data = await uploads.completeUpload(request.principal!, request.params.fileId);
      return { requestId: request.id, data };
    },
  );
}
