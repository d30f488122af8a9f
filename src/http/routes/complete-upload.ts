import type { ApiRouteContext } from './api-routes.js';
import { envelope, errorResponse, FileIdData, FileIdParams } from '../schemas.js';
import { requireScope } from '../auth.js';

export function registerCompleteUpload({ app, auth, uploads }: ApiRouteContext): void {
  app.put(
    '/attachments/v1/files/complete-upload/:fileId',
    {
      onRequest: requireScope(auth, 'attachments.write'),
      schema: {
        tags: ['files'],
        summary: 'Complete an upload',
        description:
          'Checks the stored bytes against the declared type and size limit and makes them the file. Scope: attachments.write.',
        params: FileIdParams,
        response: {
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
          404: errorResponse,
          409: errorResponse,
          413: errorResponse,
          415: errorResponse,
          429: errorResponse,
          200: envelope(FileIdData),
        },
      },
    },
    async (request) => {
      request.fileId = request.params.fileId;
      const data = await uploads.completeUpload(request.principal!, request.params.fileId);
      return { requestId: request.id, data };
    },
  );
}
