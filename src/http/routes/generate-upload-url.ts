import type { ApiRouteContext } from './api-routes.js';
import {
  envelope,
  errorResponse,
  GenerateUploadUrlBody,
  GenerateUploadUrlData,
} from '../schemas.js';
import { requireScope } from '../auth.js';

export function registerGenerateUploadUrl({ app, auth, uploads }: ApiRouteContext): void {
  app.post(
    '/attachments/v1/files/generate-upload-url',
    {
      onRequest: requireScope(auth, 'attachments.write'),
      schema: {
        tags: ['files'],
        summary: 'Generate an upload URL',
        description:
          'Registers an upload and returns its fileId and a pre-signed URL that accepts one PUT of the bytes for 300 s (configurable). Scope: attachments.write.',
        body: GenerateUploadUrlBody,
        response: {
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
          422: errorResponse,
          429: errorResponse,
          200: envelope(GenerateUploadUrlData),
        },
      },
    },
    async (request) => {
      const data = await uploads.generateUploadUrl(request.principal!, request.body);
      request.fileId = data.fileId;
      return { requestId: request.id, data };
    },
  );
}
