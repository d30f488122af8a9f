import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './test-server.js';

const cliPath = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

export interface AttacheProcess {
  baseUrl: string;
  pid: number;
  /** Bytes this process has read through system calls so far (`rchar` of /proc/PID/io). */
  bytesRead(): Promise<number>;
  stop(): Promise<void>;
}

/** Runs `attache` with the given environment and returns its stdout (for `keys create --json`). */
export async function runAttache(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`attache ${args.join(' ')} exited with ${code}`);
  return output;
}

/** Starts `attache serve` as a child process on a free port and waits until it responds. */
export async function startAttacheProcess(env: Record<string, string>): Promise<AttacheProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [cliPath, 'serve'], {
    env: {
      ...process.env,
      ATTACHE_PORT: String(port),
      ATTACHE_PUBLIC_URL: baseUrl,
      ATTACHE_LOG_LEVEL: 'warn',
      ATTACHE_SWEEP_INTERVAL_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; ; attempt += 1) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      if (attempt > 200 || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`attache serve on port ${port} did not start`);
      }
      await sleep(50);
    }
  }
  return {
    baseUrl,
    pid: child.pid!,
    async bytesRead() {
      const io = await readFile(`/proc/${child.pid}/io`, 'utf8');
      return Number(/^rchar: (\d+)$/m.exec(io)?.[1] ?? Number.NaN);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
