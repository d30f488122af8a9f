import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import { createLogger } from './logger.js';
import { createServices, ensureDevelopmentKey, type Services } from './services.js';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  /** The address the server listens on, such as `http://127.0.0.1:8080`. */
  address: string;
  /** Stops accepting, lets running requests finish within the configured bound, closes stores. */
  close(): Promise<void>;
}

/** Starts the service: stores, first-start set-up, HTTP listener and the sweeper. */
export async function startServer(
  config: Readonly<Config>,
  logger?: Logger,
): Promise<RunningServer> {
  const log = logger ?? createLogger(config.logLevel);
  const services = await createServices(config, log);
  await ensureDevelopmentKey(services, config.dataDir, log);
  const app = await buildApp({
    logger: log,
    ...services,
    corsOrigins: config.corsOrigins,
    publicBaseUrl: config.publicBaseUrl,
    maxObjectBytes: config.maxObjectBytes,
    socketIdleTimeoutSeconds: config.socketIdleTimeoutSeconds,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  log.info(
    {
      address,
      publicBaseUrl: config.publicBaseUrl,
      metadataStore: services.metadata.kind,
      objectStore: services.objects.kind,
    },
    'attache started',
  );
  const sweeper = startSweeper(services, config.sweepIntervalSeconds, log);

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweeper);
      log.info({ timeoutSeconds: config.shutdownTimeoutSeconds }, 'attache stopping');
      const force = setTimeout(() => {
        log.warn('shutdown timeout passed; closing the remaining connections');
        app.server.closeAllConnections();
      }, config.shutdownTimeoutSeconds * 1000);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
        await services.close();
        log.info('attache stopped');
      }
    })();
    return closing;
  };
  return { app, services, address, close };
}

function startSweeper(services: Services, intervalSeconds: number, log: Logger) {
  if (intervalSeconds === 0) return undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    services.uploads
      .sweep()
      .then((expired) => {
        if (expired > 0) log.info({ expired }, 'expired overdue uploads');
      })
      .catch((error: unknown) => log.error({ err: error }, 'sweep failed; retrying next interval'))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return timer;
}
