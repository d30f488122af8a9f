import { SingleBar, Presets } from 'cli-progress';
import {
  AttacheApiError,
  AttacheClient,
  type FeatureType,
  type FileMetadata,
} from '../client/client.js';
import { uploadFile } from '../client/node-upload.js';

interface ConnectionOptions {
  url: string;
  apiKey?: string;
  json?: boolean;
}

function clientFor(options: ConnectionOptions): AttacheClient {
  if (!options.apiKey) {
    throw new Error('missing API key: pass --api-key or set ATTACHE_API_KEY');
  }
  return new AttacheClient({ baseUrl: options.url, apiKey: options.apiKey });
}

export async function runUpload(
  path: string,
  options: ConnectionOptions & {
    feature: FeatureType;
    type?: string;
    name?: string;
    retries: string;
  },
) {
  const client = clientFor(options);
  const showProgress = !options.json && process.stderr.isTTY;
  const bar = new SingleBar(
    { format: 'uploading [{bar}] {percentage}% {value}/{total} bytes', stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  try {
    const metadata = await uploadFile(client, path, {
      featureType: options.feature,
      fileType: options.type,
      fileName: options.name,
      retries: Number(options.retries),
      onProgress: (sent, total) => {
        if (!showProgress) return;
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(sent);
      },
    });
    if (started) bar.stop();
    printMetadata(metadata, options.json);
  } catch (error) {
    if (started) bar.stop();
    throw describe(error);
  }
}

export async function runInfo(fileId: string, options: ConnectionOptions) {
  try {
    printMetadata(await clientFor(options).getFile(fileId), options.json);
  } catch (error) {
    throw describe(error);
  }
}

function printMetadata(metadata: FileMetadata, json?: boolean) {
  if (json) {
    console.log(JSON.stringify(metadata));
    return;
  }
  console.log(`fileId:   ${metadata.fileId}`);
  console.log(`fileUrl:  ${metadata.fileUrl ?? '(not completed)'}`);
  console.log(`fileType: ${metadata.fileType}`);
  console.log(`feature:  ${metadata.featureType}`);
  if (metadata.sizeBytes !== undefined && metadata.sizeBytes !== null) {
    console.log(`size:     ${metadata.sizeBytes} bytes`);
  }
  if (metadata.sha256) console.log(`sha256:   ${metadata.sha256}`);
}

/** Adds the API's status and code to an error message, for the user and for scripts. */
function describe(error: unknown): Error {
  if (error instanceof AttacheApiError) {
    return new Error(
      `${error.message} (HTTP ${error.status}${error.code ? `, ${error.code}` : ''})`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
