import { resolve } from 'node:path';

/**
 * The service configuration, parsed once from the environment by `loadConfig` and frozen.
 * Every option is documented in docs/configuration.md with its variable, unit and default.
 */
export interface Config {
  /** Address the HTTP server listens on. */
  host: string;
  port: number;
  /** Base URL clients reach this service at; `fileUrl` and local upload URLs start with it. */
  publicBaseUrl: string;
  /** Folder for the SQLite database, local objects, the signing secret and the first API key. */
  dataDir: string;
  logLevel: string;
  /** How long an upload URL accepts its PUT. */
  uploadUrlTtlSeconds: number;
  /** How long after the upload URL expired complete-upload is still accepted. */
  completeGraceSeconds: number;
  /** Largest file complete-upload accepts; larger stored files are rejected and deleted. */
  maxFileBytes: number;
  /** Largest body the local store's PUT endpoint accepts, as S3 limits a single PUT. */
  maxObjectBytes: number;
  /** Origins allowed to call the API and upload from a browser; `*` allows any. */
  corsOrigins: string[];
  /** How often `serve` expires overdue uploads and deletes their bytes; 0 turns it off. */
  sweepIntervalSeconds: number;
  /** How long a connection may send nothing before it is closed, uploads included. */
  socketIdleTimeoutSeconds: number;
  /** How long shutdown waits for running requests (uploads included) before closing them. */
  shutdownTimeoutSeconds: number;
  /** HMAC secret for upload and download URLs; when unset it is generated into `dataDir`. */
  signingSecret: string | null;
  signingKeyId: string;
  /** When set, `fileUrl` carries an expiring signature instead of being a permanent link. */
  signedFileUrlTtlSeconds: number | null;
  metadataStore: MetadataStoreConfig;
  objectStore: ObjectStoreConfig;
  rateLimit: RateLimitConfig;
}

export type MetadataStoreConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string; poolMax: number };

export type ObjectStoreConfig =
  | { kind: 'local'; rootDir: string }
  | {
      kind: 's3';
      endpoint: string | null;
      region: string;
      bucket: string;
      keyPrefix: string;
      accessKeyId: string | null;
      secretAccessKey: string | null;
      forcePathStyle: boolean;
      /** Base URL of a CDN or public bucket that serves final objects; null: Attache serves. */
      publicFileBaseUrl: string | null;
    };

export interface RateLimitConfig {
  /** Requests per account per minute; 0 turns the limit off. */
  perMinute: number;
  /** Requests per account per day; 0 turns the limit off. */
  perDay: number;
  /** Redis URL for counters shared across processes; null keeps them in memory. */
  redisUrl: string | null;
}

export class ConfigError extends Error {
  constructor(variable: string, expected: string, value: string) {
    super(`invalid ${variable}=${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readString(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

function readOptional(env: Env, name: string): string | null {
  const value = env[name];
  return value === undefined || value === '' ? null : value;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  }
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function readUrl(env: Env, name: string, fallback: string | null): string | null {
  const raw = readOptional(env, name) ?? fallback;
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'an absolute http or https URL', raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, 'an absolute http or https URL', raw);
  }
  return raw.replace(/\/+$/, '');
}

function readChoice<T extends string>(env: Env, name: string, choices: T[], fallback: T): T {
  const raw = readString(env, name, fallback);
  if (!(choices as string[]).includes(raw)) {
    throw new ConfigError(name, `one of ${choices.join(', ')}`, raw);
  }
  return raw as T;
}

const GiB = 1024 ** 3;

function readMetadataStore(env: Env, dataDir: string): MetadataStoreConfig {
  const databaseUrl = readOptional(env, 'ATTACHE_DATABASE_URL');
  if (databaseUrl === null) return { kind: 'sqlite', path: resolve(dataDir, 'attache.db') };
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    return {
      kind: 'postgres',
      connectionString: databaseUrl,
      poolMax: readInteger(env, 'ATTACHE_DATABASE_POOL_MAX', 10, 1, 1000),
    };
  }
  if (databaseUrl.startsWith('sqlite:')) {
    return { kind: 'sqlite', path: resolve(databaseUrl.slice('sqlite:'.length)) };
  }
  throw new ConfigError('ATTACHE_DATABASE_URL', 'a postgres:// URL or sqlite:PATH', databaseUrl);
}

function readObjectStore(env: Env, dataDir: string): ObjectStoreConfig {
  const kind = readChoice(env, 'ATTACHE_OBJECT_STORE', ['local', 's3'], 'local');
  if (kind === 'local') return { kind, rootDir: resolve(dataDir, 'objects') };
  const bucket = readOptional(env, 'ATTACHE_S3_BUCKET');
  if (bucket === null) throw new ConfigError('ATTACHE_S3_BUCKET', 'a bucket name', '');
  const keyPrefix = readString(env, 'ATTACHE_S3_KEY_PREFIX', '');
  if (keyPrefix !== '' && !/^[A-Za-z0-9!_.*'()/-]+\/$/.test(keyPrefix)) {
    throw new ConfigError('ATTACHE_S3_KEY_PREFIX', 'safe key characters ending in /', keyPrefix);
  }
  return {
    kind,
    endpoint: readUrl(env, 'ATTACHE_S3_ENDPOINT', null),
    region: readString(env, 'ATTACHE_S3_REGION', 'us-east-1'),
    bucket,
    keyPrefix,
    accessKeyId: readOptional(env, 'ATTACHE_S3_ACCESS_KEY_ID'),
    secretAccessKey: readOptional(env, 'ATTACHE_S3_SECRET_ACCESS_KEY'),
    forcePathStyle: readBoolean(env, 'ATTACHE_S3_FORCE_PATH_STYLE', false),
    publicFileBaseUrl: readUrl(env, 'ATTACHE_S3_PUBLIC_URL', null),
  };
}

/** Parses the configuration from environment variables; throws `ConfigError` on a bad value. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const host = readString(env, 'ATTACHE_HOST', '127.0.0.1');
  const port = readInteger(env, 'ATTACHE_PORT', 8080, 0, 65535);
  const dataDir = resolve(readString(env, 'ATTACHE_DATA_DIR', './data'));
  const signingSecret = readOptional(env, 'ATTACHE_SIGNING_SECRET');
  if (signingSecret !== null && signingSecret.length < 32) {
    throw new ConfigError('ATTACHE_SIGNING_SECRET', 'at least 32 characters', '<hidden>');
  }
  const signingKeyId = readString(env, 'ATTACHE_SIGNING_KEY_ID', 'k1');
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(signingKeyId)) {
    throw new ConfigError('ATTACHE_SIGNING_KEY_ID', '1-32 letters, digits, _ or -', signingKeyId);
  }
  const signedFileUrlTtlSeconds = readInteger(
    env,
    'ATTACHE_SIGNED_FILE_URL_TTL_SECONDS',
    0,
    0,
    604800,
  );
  const config: Config = {
    host,
    port,
    publicBaseUrl:
      readUrl(env, 'ATTACHE_PUBLIC_URL', null) ??
      `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    dataDir,
    logLevel: readChoice(
      env,
      'ATTACHE_LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      'info',
    ),
    uploadUrlTtlSeconds: readInteger(env, 'ATTACHE_UPLOAD_URL_TTL_SECONDS', 300, 1, 604800),
    completeGraceSeconds: readInteger(env, 'ATTACHE_COMPLETE_GRACE_SECONDS', 300, 0, 604800),
    maxFileBytes: readInteger(env, 'ATTACHE_MAX_FILE_BYTES', GiB, 0, Number.MAX_SAFE_INTEGER),
    maxObjectBytes: readInteger(
      env,
      'ATTACHE_MAX_OBJECT_BYTES',
      5 * GiB,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    corsOrigins: readString(env, 'ATTACHE_CORS_ORIGINS', '*')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    sweepIntervalSeconds: readInteger(env, 'ATTACHE_SWEEP_INTERVAL_SECONDS', 60, 0, 86400),
    shutdownTimeoutSeconds: readInteger(env, 'ATTACHE_SHUTDOWN_TIMEOUT_SECONDS', 30, 0, 3600),
    socketIdleTimeoutSeconds: readInteger(env, 'ATTACHE_SOCKET_IDLE_TIMEOUT_SECONDS', 60, 1, 3600),
    signingSecret,
    signingKeyId,
    signedFileUrlTtlSeconds: signedFileUrlTtlSeconds === 0 ? null : signedFileUrlTtlSeconds,
    metadataStore: readMetadataStore(env, dataDir),
    objectStore: readObjectStore(env, dataDir),
    rateLimit: {
      perMinute: readInteger(env, 'ATTACHE_RATE_LIMIT_PER_MINUTE', 0, 0, 10_000_000),
      perDay: readInteger(env, 'ATTACHE_RATE_LIMIT_PER_DAY', 0, 0, 1_000_000_000),
      redisUrl: readOptional(env, 'ATTACHE_REDIS_URL'),
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}
