// Creates the bucket named in ATTACHE_S3_BUCKET on the gateway in ATTACHE_S3_ENDPOINT with the
// test user's keys. Succeeds when the bucket already belongs to that user, so start.sh also
// uses it as a health check of a running cluster.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const required = [
  'ATTACHE_S3_ENDPOINT',
  'ATTACHE_S3_BUCKET',
  'ATTACHE_S3_ACCESS_KEY_ID',
  'ATTACHE_S3_SECRET_ACCESS_KEY',
];
for (const name of required) {
  if (!process.env[name]) {
    console.error(`create-bucket.mjs: environment variable ${name} is missing`);
    process.exit(1);
  }
}

const client = new S3Client({
  endpoint: process.env.ATTACHE_S3_ENDPOINT,
  region: process.env.ATTACHE_S3_REGION ?? 'us-east-1',
  forcePathStyle: true,
  credentials: {
    accessKeyId: process.env.ATTACHE_S3_ACCESS_KEY_ID,
    secretAccessKey: process.env.ATTACHE_S3_SECRET_ACCESS_KEY,
  },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  maxAttempts: 1,
});

const bucket = process.env.ATTACHE_S3_BUCKET;
try {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  console.log(`create-bucket.mjs: created bucket ${bucket}`);
} catch (error) {
  if (error.name !== 'BucketAlreadyOwnedByYou') {
    console.error(
      `create-bucket.mjs: creating bucket ${bucket} failed: ${error.name}: ${error.message}`,
    );
    process.exit(1);
  }
  console.log(`create-bucket.mjs: bucket ${bucket} already exists`);
}
