// Runs the real portcullis binary: admin commands with --json, and `serve` on a free
// loopback port with its own temporary data directory.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.PORTCULLIS_BIN;

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

export class Portcullis {
  constructor() {
    if (!BIN) throw new Error('PORTCULLIS_BIN is not set: run tests/e2e/run.sh');
    this.dir = mkdtempSync(join(tmpdir(), 'portcullis-e2e-'));
    this.env = {
      ...process.env,
      PORTCULLIS_DATA_DIR: join(this.dir, 'data'),
      PORTCULLIS_DATABASE_URL: '',
      PORTCULLIS_ARGON2_MEMORY_KIB: '1024',
      PORTCULLIS_ARGON2_ITERATIONS: '1',
      // The tests' upstream providers listen on loopback.
      PORTCULLIS_UPSTREAM_ALLOW_PRIVATE: 'true',
    };
    delete this.env.PORTCULLIS_DATABASE_URL;
    delete this.env.PORTCULLIS_MASTER_KEY;
  }

  /** Picks the port `start` will use, so URLs can be known before the server runs. */
  async reserve() {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    return this.url;
  }

  cli(...args) {
    const out = execFileSync(BIN, [...args, '--json'], { env: this.env, encoding: 'utf8' });
    return JSON.parse(out);
  }

  /** Starts `serve`; resolves with the first JSON lines it prints (demo, listening). */
  async start(...extra) {
    this.port ??= await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    this.proc = spawn(BIN, ['serve', '--listen', `127.0.0.1:${this.port}`, '--json', ...extra], { env: this.env });
    this.lines = [];
    let buf = '';
    this.proc.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) { this.lines.push(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
    });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    for (let i = 0; i < 300; i++) {
      try { if ((await fetch(`${this.url}/healthz`)).ok) return this.lines; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`portcullis did not start: ${this.stderr}`);
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throwaway pool with one user; returns ids. */
export function seedPool(p, name = 'e2e') {
  const pool = p.cli('pool', 'create', '--name', name).id;
  return { pool };
}

export { execFileSync };
