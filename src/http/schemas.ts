import { Type, type TSchema } from 'typebox';

/** Control characters (C0, DEL and C1) are rejected in file names; everything else is kept. */
const noControlCharacters = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

export const FileIdParams = Type.Object({ fileId: Type.String() });

export const GenerateUploadUrlBody = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 1024, pattern: noControlCharacters }),
  fileTypeHint: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  featureType: Type.String(),
});

export const DownloadUrlBody = Type.Object({
  fileUrl: Type.String({ minLength: 1, maxLength: 4096 }),
  expirationInSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 86400, default: 3600 })),
});

/** Wraps a response's data in the API envelope `{requestId, data}`. */
export function envelope<T extends TSchema>(data: T) {
  return Type.Object({ requestId: Type.String({ format: 'uuid' }), data });
}

const nullableString = Type.Union([Type.String(), Type.Null()]);

export const GenerateUploadUrlData = Type.Object({
  fileId: Type.String({ format: 'uuid' }),
  uploadFileUrl: Type.String(),
  fileType: Type.String({
    description: 'The normalised declared type; PUT with this Content-Type.',
  }),
  uploadExpiresAt: Type.String({ format: 'date-time' }),
});

export const FileIdData = Type.Object({ fileId: Type.String({ format: 'uuid' }) });

export const FileMetadataData = Type.Object({
  fileId: Type.String({ format: 'uuid' }),
  fileUrl: nullableString,
  uploadCompleted: Type.Boolean(),
  fileType: Type.String(),
  featureType: Type.String(),
  fileName: Type.String(),
  sizeBytes: Type.Union([Type.Integer(), Type.Null()]),
  sha256: nullableString,
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: nullableString,
  uploadExpiresAt: Type.String({ format: 'date-time' }),
});

export const DownloadUrlData = Type.Object({
  url: Type.String(),
  expiresInSeconds: Type.Integer(),
});

/** The error envelope of every failed API call: `detail` is a message or a validation list. */
export const errorResponse = Type.Object({
  requestId: Type.String({ format: 'uuid' }),
  detail: Type.Union([
    Type.String(),
    Type.Array(
      Type.Object({
        loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
        msg: Type.String(),
        type: Type.String(),
      }),
    ),
  ]),
  code: Type.String(),
});
