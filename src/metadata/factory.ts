import type { Logger } from 'pino';
import type { MetadataStoreConfig } from '../config.js';
import type { MetadataStore } from './metadata-store.js';
import { SqliteMetadataStore } from './sqlite/sqlite-metadata-store.js';

/**
 * Creates the metadata store the configuration names. The PostgreSQL store is imported only
 * when configured, so SQLite deployments never load pg. `logger` receives the PostgreSQL
 * pool's errors on idle connections.
 */
export async function createMetadataStore(
  config: MetadataStoreConfig,
  options: { logger?: Pick<Logger, 'warn'> } = {},
): Promise<MetadataStore> {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteMetadataStore(config.path);
    case 'postgres': {
      const { PostgresMetadataStore } = await import('./postgres/postgres-metadata-store.js');
      return new PostgresMetadataStore({
        connectionString: config.connectionString,
        poolMax: config.poolMax,
        logger: options.logger,
      });
    }
  }
}
