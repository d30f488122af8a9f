import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UploadEvents } from './domain/events.js';

export interface Metrics {
  registry: Registry;
  uploadEvents: UploadEvents;
  requestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** Creates the Prometheus metrics of one process, served at `/metrics`. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'attache_' });
  const generated = new Counter({
    name: 'attache_uploads_generated_total',
    help: 'Upload URLs generated, by feature type.',
    labelNames: ['feature_type'],
    registers: [registry],
  });
  const completed = new Counter({
    name: 'attache_uploads_completed_total',
    help: 'Uploads completed.',
    registers: [registry],
  });
  const completedBytes = new Counter({
    name: 'attache_uploaded_bytes_total',
    help: 'Bytes of completed uploads.',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'attache_uploads_rejected_total',
    help: 'Uploads rejected at completion, by reason (file_too_large, file_type_mismatch).',
    labelNames: ['reason'],
    registers: [registry],
  });
  const expired = new Counter({
    name: 'attache_uploads_expired_total',
    help: 'Uploads expired by the sweeper without being completed.',
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'attache_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [registry],
  });
  return {
    registry,
    requestDuration,
    uploadEvents: {
      generated: (featureType) => generated.inc({ feature_type: featureType }),
      completed: (sizeBytes) => {
        completed.inc();
        completedBytes.inc(sizeBytes);
      },
      rejected: (reason) => rejected.inc({ reason }),
      expired: (count) => expired.inc(count),
    },
  };
}
