import type { FastifyPluginAsync } from 'fastify';
import type { MetadataStore } from '../../metadata/metadata-store.js';
import type { ObjectStore } from '../../storage/object-store.js';

export interface HealthRoutesOptions {
  metadata: MetadataStore;
  objects: ObjectStore;
}

/** `/healthz`: the process is up. `/readyz`: the metadata store and object store respond. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (scope, options) => {
  scope.get('/healthz', async () => ({ status: 'ok' }));
  scope.get('/readyz', async (request, reply) => {
    const checks = await Promise.all([
      probe('metadataStore', () => options.metadata.ping()),
      probe('objectStore', () => options.objects.ping()),
    ]);
    const ready = checks.every((check) => check.ok);
    if (!ready) request.log.warn({ checks }, 'not ready');
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      checks: Object.fromEntries(
        checks.map((check) => [check.name, check.ok ? 'ok' : 'unavailable']),
      ),
    });
  });
};

/** A store that takes longer than this to respond to a trivial request counts as unavailable. */
const probeTimeoutMs = 3000;

async function probe(name: string, check: () => Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} check timed out`)), probeTimeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { name, ok: true };
  } catch {
    return { name, ok: false };
  } finally {
    clearTimeout(timer);
  }
}
