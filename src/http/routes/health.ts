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

async function probe(name: string, check: () => Promise<void>) {
  try {
    await check();
    return { name, ok: true };
  } catch {
    return { name, ok: false };
  }
}
