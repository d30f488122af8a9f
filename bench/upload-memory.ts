/**
 * Measures the server's resident memory and throughput while one large file is uploaded
 * through the local store's PUT endpoint, against a bare Node server that writes the same
 * body to disk in the same run.
 *
 *   npm run build && node dist/bench/upload-memory.js [sizeMiB=1024] [runs=3]
 *
 * Both servers run as child processes on 127.0.0.1; their RSS is read from /proc every 50 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/helpers/test-server.js';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);
const runs = Number(process.argv[3] ?? 3);
const sizeBytes = sizeMiB * MiB;

function readRssBytes(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((status) => {
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  });
}

/** Creates a body of `size` bytes that repeats one random MiB, so the client reads no disk. */
function body(size: number): Readable {
  const block = randomBytes(MiB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const chunk = block.subarray(0, Math.min(MiB, size - sent));
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

function put(url: string, size: number, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: 'PUT',
      headers: { 'content-type': contentType, 'content-length': String(size) },
    });
    outgoing.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    body(size).pipe(outgoing);
  });
}

async function waitForHttp(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`no response from ${url}`);
}

interface Measurement {
  seconds: number;
  idleRssBytes: number;
  peakRssBytes: number;
}

/** Uploads while sampling the child's RSS; returns the duration and the RSS figures. */
async function measure(child: ChildProcess, upload: () => Promise<void>): Promise<Measurement> {
  await sleep(500);
  const idleRssBytes = await readRssBytes(child.pid!);
  let peakRssBytes = idleRssBytes;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakRssBytes = Math.max(peakRssBytes, await readRssBytes(child.pid!));
      await sleep(50);
    }
  })();
  const started = process.hrtime.bigint();
  await upload();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sampling = false;
  await sampler;
  return { seconds, idleRssBytes, peakRssBytes };
}

async function measureAttache(dataDir: string): Promise<Measurement> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve'], {
    env: {
      ...process.env,
      ATTACHE_DATA_DIR: dataDir,
      ATTACHE_PORT: String(port),
      ATTACHE_LOG_LEVEL: 'warn',
    },
    stdio: 'inherit',
  });
  try {
    await waitForHttp(`${baseUrl}/healthz`);
    const apiKey = (await readFile(join(dataDir, 'development-api-key'), 'utf8')).trim();
    const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };
    const generated = await (
      await fetch(`${baseUrl}/attachments/v1/files/generate-upload-url`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ fileName: 'large.bin', featureType: 'chat' }),
      })
    ).json();
    const { fileId, uploadFileUrl } = generated.data;
    const result = await measure(child, async () => {
      const status = await put(uploadFileUrl, sizeBytes, 'application/octet-stream');
      if (status !== 200) throw new Error(`PUT failed with HTTP ${status}`);
    });
    const completed = await fetch(`${baseUrl}/attachments/v1/files/complete-upload/${fileId}`, {
      method: 'PUT',
      headers: { 'x-api-key': apiKey },
    });
    if (completed.status !== 200)
      throw new Error(`complete-upload failed with HTTP ${completed.status}`);
    return result;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** The baseline: a bare Node server that pipes the body to a file with a 1 MiB buffer and fsyncs. */
const bareServerSource = `
const http = require('node:http');
const fs = require('node:fs');
const { pipeline } = require('node:stream/promises');
const path = process.argv[1];
http.createServer(async (req, res) => {
  if (req.method !== 'PUT') { res.end('ok'); return; }
  const out = fs.createWriteStream(path, { highWaterMark: 1024 * 1024 });
  await pipeline(req, out);
  const fd = fs.openSync(path, 'r+'); fs.fsyncSync(fd); fs.closeSync(fd);
  res.end();
}).listen(Number(process.argv[2]), '127.0.0.1');
`;

async function measureBareNode(dataDir: string): Promise<Measurement> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-e', bareServerSource, join(dataDir, 'bare.bin'), String(port)],
    {
      stdio: 'inherit',
    },
  );
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`);
    return await measure(child, async () => {
      await put(`http://127.0.0.1:${port}/upload`, sizeBytes, 'application/octet-stream');
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const rows: { server: string; measurement: Measurement }[] = [];
for (let index = 0; index < runs; index += 1) {
  // Alternate the servers so both see the disk in the same states.
  for (const [server, measureServer] of [
    ['attache', measureAttache],
    ['bare node', measureBareNode],
  ] as const) {
    const dataDir = await mkdtemp(join(tmpdir(), 'attache-bench-'));
    try {
      rows.push({ server, measurement: await measureServer(dataDir) });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

console.log(`upload of ${sizeMiB} MiB, ${runs} runs each, medians:`);
for (const server of ['attache', 'bare node']) {
  const measured = rows.filter((row) => row.server === server).map((row) => row.measurement);
  const throughput = median(measured.map((m) => sizeBytes / MiB / m.seconds));
  const growth = median(measured.map((m) => (m.peakRssBytes - m.idleRssBytes) / MiB));
  const peak = median(measured.map((m) => m.peakRssBytes / MiB));
  console.log(
    `${server.padEnd(10)} ${throughput.toFixed(0).padStart(5)} MiB/s  RSS growth ${growth.toFixed(1)} MiB  peak RSS ${peak.toFixed(1)} MiB`,
  );
}
