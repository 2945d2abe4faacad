// server.mjs: the real `ocop serve` for the browser tests, as tests/http/harness.c starts it: a
// fresh database in a temp dir (migrate, demo data of the harness's reference day), a random
// free port on 127.0.0.1, stopped with SIGTERM and checked to exit 0 (a leak found by
// LeakSanitizer in the ASan build fails the run). Helpers to run the CLI and call the JSON API.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PASSWORD = 'browser-test-password-1';

export class Server {
  constructor(bin) {
    this.bin = bin;
    this.dir = mkdtempSync(join(tmpdir(), 'ocop-browser-'));
    this.db = join(this.dir, 'ocop.db');
    this.log = join(this.dir, 'serve.log');
    this.proc = null;
    this.base = null;
  }

  // Runs `ocop ARGS... --db DB`; its stdout, or throws with its stderr.
  cli(args, input) {
    const r = spawnSync(this.bin, [...args, '--db', this.db], { input: input ?? '', encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ocop ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  prepare() {
    this.cli(['migrate', '--quiet']);
    // The demo's dates as written (its reference day, data/README.md), as the HTTP tests load it.
    this.cli(['demo', '--quiet', '--date', '2024-12-21']);
  }

  user(name, roles) {
    this.cli(['user', 'add', name, '--password-stdin', '--quiet', ...roles.flatMap((r) => ['--role', r])], PASSWORD + '\n');
  }

  token(user) {
    return this.cli(['token', 'add', 'browser', '--user', user, '--scope', 'write', '--quiet']).split('\n')[0];
  }

  async start() {
    const fd = openSync(this.log, 'a');
    this.proc = spawn(this.bin, ['serve', '--db', this.db, '--listen', '127.0.0.1:0', '--threads', '2', '--insecure-public-url'],
                      { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    let exited = null;
    this.proc.on('exit', (code, sig) => { exited = code ?? sig; });
    for (let i = 0; i < 1500 && exited === null; i++) {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(this.log, 'utf8'));
      if (m) {
        this.base = m[1];
        return;
      }
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error(`ocop serve did not start (${exited === null ? 'no "listening on" line in 30 s' : 'exited ' + exited}):\n` +
                    readFileSync(this.log, 'utf8'));
  }

  // Calls the JSON API; the parsed body, or throws when the status is not want.
  async api(token, method, path, body, want) {
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (want !== undefined && r.status !== want) throw new Error(`${method} ${path}: ${r.status}, not ${want}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  // Stops the server: its exit status, 0 when it stopped cleanly.
  async stop() {
    const p = this.proc;
    if (!p) return 0;
    this.proc = null;
    if (p.exitCode !== null || p.signalCode !== null) return p.exitCode ?? 128;
    const done = new Promise((res) => p.on('exit', (code, sig) => res(code ?? (sig ? 128 : 0))));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 15000);
    const status = await done;
    clearTimeout(timer);
    return status;
  }

  logTail(n = 4000) {
    try {
      const s = readFileSync(this.log, 'utf8');
      return s.slice(-n);
    } catch {
      return '(no log)';
    }
  }

  // Kills a server still running (synchronously: also from a signal handler) and removes the
  // temp dir, unless OCOP_TEST_KEEP is set.
  cleanup() {
    if (this.proc) this.proc.kill('SIGKILL');
    if (process.env.OCOP_TEST_KEEP) {
      console.error(`kept ${this.dir} (OCOP_TEST_KEEP)`);
      return;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
