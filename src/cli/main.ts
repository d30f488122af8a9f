#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError } from '../config.js';
import { featureTypes, scopes } from '../domain/types.js';
import { runInfo, runUpload } from './client-commands.js';
import {
  runKeysCreate,
  runKeysList,
  runKeysRevoke,
  runMigrate,
  runServe,
  runSweep,
} from './server-commands.js';

const program = new Command()
  .name('attache')
  .description(
    'Attache: a self-hosted attachments service implementing the Connecteam Attachments API',
  )
  .showHelpAfterError();

program
  .command('serve')
  .description('start the service with the configuration from ATTACHE_* environment variables')
  .action(runServe);

const connection = (command: Command) =>
  command
    .addOption(
      new Option('--url <url>', 'server base URL')
        .env('ATTACHE_URL')
        .default('http://127.0.0.1:8080'),
    )
    .addOption(new Option('--api-key <key>', 'API key sent as X-API-KEY').env('ATTACHE_API_KEY'))
    .option('--json', 'print the result as JSON for scripts');

connection(
  program
    .command('upload <file>')
    .description(
      'upload a file in three steps (generate URL, PUT bytes, complete) and print its metadata',
    )
    .addOption(
      new Option('--feature <type>', 'feature type').choices(featureTypes).makeOptionMandatory(),
    )
    .option('--type <mime>', 'MIME type to declare (default: from the file extension)')
    .option('--name <fileName>', 'file name to register (default: the file base name)')
    .option(
      '--retries <count>',
      'retries of the PUT and complete steps on network errors and 5xx',
      '3',
    ),
).action(runUpload);

connection(program.command('info <fileId>').description('print the metadata of a file')).action(
  runInfo,
);

const keys = program
  .command('keys')
  .description('manage API keys in the configured metadata store');
keys
  .command('create')
  .description('create an API key and print it once')
  .option('--account <name>', 'account the key belongs to (created if missing)', 'default')
  .option('--name <name>', 'label to tell keys apart', 'cli')
  .addOption(
    new Option('--scopes <scopes...>', 'scopes to grant').choices(scopes).default([...scopes]),
  )
  .option('--json', 'print the result as JSON')
  .action(runKeysCreate);
keys
  .command('list')
  .description('list API keys (never the keys themselves)')
  .option('--json', 'print JSON')
  .action(runKeysList);
keys.command('revoke <keyId>').description('revoke an API key by its id').action(runKeysRevoke);

program
  .command('sweep')
  .description('expire overdue uploads and delete their bytes once, then exit')
  .action(runSweep);
program
  .command('migrate')
  .description('apply metadata store migrations, then exit')
  .action(runMigrate);

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`attache: ${error.message}`);
  else console.error(`attache: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
