import type { ApiRouteContext } from './api-routes.js';
import { envelope, GenerateUploadUrlBody, GenerateUploadUrlData } from '../schemas.js';
import { requireScope } from '../auth.js';

export function registerGenerateUploadUrl({ app, auth, uploads }: ApiRouteContext): void {
  app.post(
    '/attachments/v1/files/generate-upload-url',
    {
      onRequest: requireScope(auth, 'attachments.write'),
      schema: { body: GenerateUploadUrlBody, response: { 200: envelope(GenerateUploadUrlData) } },
    },
    async (request) => {
      const data = await uploads.generateUploadUrl(request.principal!, request.body);
      request.fileId = data.fileId;
      return { requestId: request.id, data };
    },
  );
}
