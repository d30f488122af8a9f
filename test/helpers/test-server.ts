import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import type { Scope } from '../../src/domain/types.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { setUpBackends, type BackendSetup, type Backends } from './backends.js';

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

export interface TestServer {
  baseUrl: string;
  dataDir: string;
  /** A key of account "default" with every scope. */
  apiKey: string;
  server: RunningServer;
  /** JSON log lines the server wrote. */
  logLines: Record<string, unknown>[];
  createKey(accountName: string, scopes?: Scope[]): Promise<string>;
  /** Creates an API key and returns it as OAuth client credentials. */
  createClient(
    accountName: string,
    scopes?: Scope[],
  ): Promise<{ clientId: string; clientSecret: string }>;
  /** Stops the server; the data folder stays until `cleanup`. */
  stop(): Promise<void>;
  /** Starts a new server process on the same data folder and port. */
  restart(): Promise<TestServer>;
  cleanup(): Promise<void>;
}

export interface TestServerOptions {
  /** Where metadata and bytes live; default `local-sqlite`. */
  backends?: Backends;
  /**
   * An existing backend setup to share (another process of the same deployment). Without it
   * the server gets fresh backends, cleaned up with the server.
   */
  shared?: BackendSetup;
  env?: Record<string, string>;
  dataDir?: string;
  port?: number;
  /** Set on restarted servers: they clean up what the first server created. */
  ownsBackends?: boolean;
  ownsDataDir?: boolean;
}

/**
 * Starts a real Attache server on 127.0.0.1 with its own data folder. The extra environment
 * variables override the defaults; the sweeper is off unless a test turns it on.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'attache-test-')));
  const backends = options.shared ?? (await setUpBackends(options.backends ?? 'local-sqlite'));
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ATTACHE_DATA_DIR: dataDir,
    ATTACHE_PORT: String(port),
    ATTACHE_PUBLIC_URL: baseUrl,
    ATTACHE_SWEEP_INTERVAL_SECONDS: '0',
    ATTACHE_SHUTDOWN_TIMEOUT_SECONDS: '5',
    ...backends.env,
    ...options.env,
  });
  const logLines: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const server = await startServer(config, createLogger('info', logStream));
  const { apiKey } = await server.services.apiKeys.create({ accountName: 'default', name: 'test' });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  return {
    baseUrl,
    dataDir,
    apiKey,
    server,
    logLines,
    async createKey(accountName, scopes) {
      const created = await server.services.apiKeys.create({ accountName, name: 'test', scopes });
      return created.apiKey;
    },
    async createClient(accountName, scopes) {
      const created = await server.services.apiKeys.create({ accountName, name: 'test', scopes });
      return { clientId: created.record.keyId, clientSecret: created.apiKey };
    },
    stop,
    async restart() {
      await stop();
      return startTestServer({
        ...options,
        shared: backends,
        dataDir,
        port,
        ownsBackends: !options.shared || options.ownsBackends,
        ownsDataDir: options.dataDir === undefined || options.ownsDataDir,
      });
    },
    async cleanup() {
      await stop();
      if (options.dataDir === undefined || options.ownsDataDir) {
        await rm(dataDir, { recursive: true, force: true });
      }
      if (!options.shared || options.ownsBackends) await backends.cleanup();
    },
  };
}
