import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { AccessTokenService } from './domain/access-tokens.js';
import { ApiKeyService } from './domain/api-keys.js';
import type { FileUrls } from './domain/file-urls.js';
import { UrlSigner } from './lib/url-signer.js';
import { UploadService } from './domain/uploads.js';
import { createMetadataStore } from './metadata/factory.js';
import type { MetadataStore } from './metadata/metadata-store.js';
import { createObjectStore } from './storage/factory.js';
import type { ObjectStore } from './storage/object-store.js';
import { MemoryWindowCounter, RateLimiter } from './rate-limit/rate-limiter.js';
import { createMetrics, type Metrics } from './metrics.js';

export interface Services {
  metadata: MetadataStore;
  objects: ObjectStore;
  signer: UrlSigner;
  fileUrls: FileUrls;
  apiKeys: ApiKeyService;
  accessTokens: AccessTokenService;
  rateLimiter: RateLimiter;
  uploads: UploadService;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * Builds the stores the configuration names, once, and the domain services on top of them:
 * the composition root of the service.
 */
export async function createServices(
  config: Readonly<Config>,
  logger: Logger,
  now: () => number = Date.now,
): Promise<Services> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const signer = new UrlSigner({
    keyId: config.signingKeyId,
    secret: config.signingSecret ?? (await loadOrCreateSigningSecret(config.dataDir, logger)),
  });
  const metadata = await createMetadataStore(config.metadataStore, { logger });
  await metadata.migrate();
  const objects = await createObjectStore(config.objectStore, {
    publicBaseUrl: config.publicBaseUrl,
    signer,
  });
  const fileUrls: FileUrls = {
    publicBaseUrl: config.publicBaseUrl,
    signer,
    objects,
    signedFileUrlTtlSeconds: config.signedFileUrlTtlSeconds,
  };
  const apiKeys = new ApiKeyService(metadata, now);
  const accessTokens = new AccessTokenService(metadata, signer, now);
  const metrics = createMetrics();
  const uploads = new UploadService({
    metadata,
    objects,
    fileUrls,
    logger,
    events: metrics.uploadEvents,
    now,
    settings: {
      uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
      completeGraceSeconds: config.completeGraceSeconds,
      maxFileBytes: config.maxFileBytes,
    },
  });
  const rateLimiter = new RateLimiter({
    perMinute: config.rateLimit.perMinute,
    perDay: config.rateLimit.perDay,
    counter:
      config.rateLimit.redisUrl === null
        ? new MemoryWindowCounter(now)
        : await openRedisCounter(config.rateLimit.redisUrl, logger),
    logger,
    now,
  });
  return {
    metadata,
    objects,
    signer,
    fileUrls,
    apiKeys,
    accessTokens,
    rateLimiter,
    uploads,
    metrics,
    async close() {
      await rateLimiter.close();
      await objects.close();
      await metadata.close();
    },
  };
}

async function openRedisCounter(url: string, logger: Logger) {
  const { RedisWindowCounter } = await import('./rate-limit/redis-window-counter.js');
  return new RedisWindowCounter(url).open((error) =>
    logger.warn({ err: error }, 'connecting to Redis failed; rate limits apply once it responds'),
  );
}

/** Reads the URL signing secret from the data folder, creating it (owner-only) on first start. */
async function loadOrCreateSigningSecret(dataDir: string, logger: Logger): Promise<string> {
  const path = join(dataDir, 'signing-secret');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  logger.info({ path }, 'created the URL signing secret');
  return secret;
}

/**
 * Creates a development API key on the first start of an empty database and writes it to an
 * owner-only file in the data folder, so a new user can upload at once. Returns its path.
 */
export async function ensureDevelopmentKey(
  services: Services,
  dataDir: string,
  logger: Logger,
): Promise<string | null> {
  if ((await services.metadata.listApiKeys()).length > 0) return null;
  const { apiKey } = await services.apiKeys.create({
    accountName: 'default',
    name: 'development',
  });
  const path = join(dataDir, 'development-api-key');
  await writeFile(path, `${apiKey}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  logger.info(
    { path },
    'created a development API key for account "default"; send it as the X-API-KEY header',
  );
  return path;
}
