import { loadConfig } from '../config.js';
import type { Scope } from '../domain/types.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { createServices, type Services } from '../services.js';

/** Runs `operation` against the configured stores, then closes them. */
async function withServices<T>(operation: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const services = await createServices(config, createLogger('warn'));
  try {
    return await operation(services);
  } finally {
    await services.close();
  }
}

export async function runServe(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

export async function runKeysCreate(options: {
  account: string;
  name: string;
  scopes: Scope[];
  json?: boolean;
}) {
  const created = await withServices((services) =>
    services.apiKeys.create({
      accountName: options.account,
      name: options.name,
      scopes: options.scopes,
    }),
  );
  if (options.json) {
    console.log(JSON.stringify({ apiKey: created.apiKey, ...withoutHash(created.record) }));
    return;
  }
  console.log(`API key: ${created.apiKey}`);
  console.log(`key id:  ${created.record.keyId}`);
  console.log(`account: ${options.account} (${created.record.accountId})`);
  console.log(`scopes:  ${created.record.scopes.join(' ')}`);
  console.log(`OAuth:   client_id ${created.record.keyId}, client_secret = the API key`);
  console.log('Store the key now: it is not shown again.');
}

export async function runKeysList(options: { json?: boolean }) {
  const keys = await withServices((services) => services.apiKeys.list());
  if (options.json) {
    console.log(JSON.stringify(keys.map(withoutHash)));
    return;
  }
  for (const key of keys) {
    const status =
      key.revokedAt === null ? 'active' : `revoked ${new Date(key.revokedAt).toISOString()}`;
    console.log(`${key.keyId}  ${key.keyPrefix}…  ${key.name}  ${key.scopes.join(',')}  ${status}`);
  }
}

export async function runKeysRevoke(keyId: string) {
  const revoked = await withServices((services) => services.apiKeys.revoke(keyId));
  if (!revoked) throw new Error(`no active API key has id ${keyId}; run "attache keys list"`);
  console.log(`revoked ${keyId}`);
}

export async function runSweep() {
  const expired = await withServices((services) => services.uploads.sweep());
  console.log(`expired ${expired} overdue upload${expired === 1 ? '' : 's'}`);
}

export async function runMigrate() {
  const kind = await withServices(async (services) => services.metadata.kind);
  console.log(`${kind} metadata store is up to date`);
}

function withoutHash<T extends { keyHash: string }>(record: T): Omit<T, 'keyHash'> {
  const { keyHash: _keyHash, ...rest } = record;
  return rest;
}
