import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig, type ObjectStoreConfig } from '../../src/config.js';

export type S3Config = Extract<ObjectStoreConfig, { kind: 's3' }>;

const startHint =
  'run scripts/s3-server/start.sh, which starts a test server and writes .s3-server/env';

/** The repository root: compiled tests run from dist/test/integration. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Loads the S3 test server's settings from the ATTACHE_S3_* environment variables, or else from
 * `.s3-server/env` in the repository root, with a random key prefix so that concurrent and
 * earlier test runs never see each other's objects. Throws when neither source exists, so the
 * S3 tests fail rather than skip.
 */
export async function loadS3TestConfig(): Promise<S3Config> {
  const settings = process.env.ATTACHE_S3_BUCKET ? process.env : await readEnvFile();
  const config = loadConfig({
    ATTACHE_OBJECT_STORE: 's3',
    ATTACHE_DATA_DIR: repoRoot,
    ATTACHE_S3_ENDPOINT: settings.ATTACHE_S3_ENDPOINT,
    ATTACHE_S3_BUCKET: settings.ATTACHE_S3_BUCKET,
    ATTACHE_S3_ACCESS_KEY_ID: settings.ATTACHE_S3_ACCESS_KEY_ID,
    ATTACHE_S3_SECRET_ACCESS_KEY: settings.ATTACHE_S3_SECRET_ACCESS_KEY,
    ATTACHE_S3_REGION: settings.ATTACHE_S3_REGION,
    ATTACHE_S3_FORCE_PATH_STYLE: settings.ATTACHE_S3_FORCE_PATH_STYLE,
    ATTACHE_S3_KEY_PREFIX: `test-${randomUUID()}/`,
  });
  return config.objectStore as S3Config;
}

async function readEnvFile(): Promise<Record<string, string>> {
  const path = `${repoRoot}.s3-server/env`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `S3 test settings not found (ATTACHE_S3_BUCKET is unset and ${path}: ${reason}): ${startHint}`,
    );
  }
  const settings: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) settings[match[1]!] = match[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return settings;
}

/** Explains a failed ping, since the usual cause is a test server that is not running. */
export function serverDownError(config: S3Config, cause: unknown): Error {
  return new Error(
    `the S3 test server at ${config.endpoint ?? 'the default AWS endpoint'} did not respond: ${startHint}`,
    {
      cause,
    },
  );
}
