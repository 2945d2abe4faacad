// run.mjs: the browser tests (make check, suite 'browser'). Starts the real `ocop serve`
// ($OCOP_BIN) on the demo data with one issued certificate, drives Debian's Chromium through
// playwright-core as a person would (home.mjs, verify.mjs, layout.mjs: one file per page or
// topic), runs axe-core on every public page, and saves screenshots into $OCOP_SCREENSHOTS.
// Prints each failure with its page and check, then "N passed, N failed"; exits 1 on any
// failure, and stops the server, closes the browser and removes the temp dir whatever happens.
// Never skips: a missing Chromium or npm package is a failure that says how to install it.
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from './server.mjs';
import { issueCertificate } from './certificate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                              '--disable-sync', '--no-first-run'];
const FILES = ['home.mjs', 'verify.mjs', 'layout.mjs', 'styles.mjs',
               'records.mjs',
               'lists.mjs',
               'account.mjs',
               'home_stats.mjs',
               'commune.mjs',
               'portal.mjs',
               'council.mjs',
               'province.mjs',
               'decide.mjs',
               'admin.mjs',
               'filters.mjs',
               'progress.mjs',
               'reports.mjs',
               'journey.mjs',
               'archive.mjs',
];

function fatal(msg) {
  console.error(`browser tests: ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const bin = process.env.OCOP_BIN;
if (!bin || !existsSync(bin)) fatal('OCOP_BIN must name the ocop binary (meson sets it)');
if (!existsSync(CHROMIUM)) fatal(`${CHROMIUM} is missing: install Debian's chromium with scripts/install-deps`);
const require = createRequire(join(here, '../node/package.json'));
let chromium, AxeBuilder;
try {
  ({ chromium } = require('playwright-core'));
  AxeBuilder = require('@axe-core/playwright').default;
} catch (e) {
  fatal(`playwright-core or @axe-core/playwright is not installed in tests/node (${e.message.split('\n')[0]}): ` +
        'run scripts/install-deps');
}
const shots = process.env.OCOP_SCREENSHOTS || join(here, '../../build/screenshots');
mkdirSync(shots, { recursive: true });

// The checks, registered by each file's default export: check(name, fn(env)).
const checks = [];
for (const f of FILES) {
  const mod = await import(join(here, f));
  mod.default((name, fn) => checks.push({ name: `${f.replace('.mjs', '')}: ${name}`, fn }));
}
const only = process.env.OCOP_BROWSER_ONLY; // a substring of the checks' names, while iterating

const srv = new Server(bin);
let browser = null;
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (browser) await browser.close().catch(() => {});
  srv.cleanup();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    console.error(`browser tests: ${sig}: stopping`);
    srv.cleanup();
    process.exit(1);
  });
}

let passed = 0;
const failed = [];
const t0 = Date.now();
try {
  srv.prepare();
  srv.user('root', ['admin']);
  const tokens = { admin: srv.token('root'), province: srv.token('tinh.vinhlong'), chair: srv.token('hd.chutich'),
                   member: srv.token('hd.thanhvien') };
  // The demo made the signing keys of Vĩnh Long (86) and of the Ministry (bo).
  await srv.start();
  const certNo = await issueCertificate(srv, tokens);
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30000 });
  } catch (e) {
    throw new Error(`Chromium (${CHROMIUM}) did not start: ${e.message}`);
  }
  // api(token, method, path, body, status): the server's JSON API (server.mjs), for checks that
  // prepare their own records.
  const env = { base: srv.base, certNo, browser, shots, AxeBuilder, tokens, db: srv.db, api: (...a) => srv.api(...a) };
  for (const c of checks) {
    if (only && !c.name.includes(only)) continue;
    const t = Date.now();
    try {
      await c.fn(env);
      passed++;
      console.log(`ok    ${c.name} (${Date.now() - t} ms)`);
    } catch (e) {
      failed.push(c.name);
      console.log(`FAIL  ${c.name}\n      ${String(e.message || e).replace(/\n/g, '\n      ')}`);
    }
  }
} catch (e) {
  failed.push('setup');
  console.log(`FAIL  setup: ${e.stack || e}\nthe server's log:\n${srv.logTail()}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  browser = null;
  const status = await srv.stop();
  if (status !== 0) {
    failed.push('server exit');
    console.log(`FAIL  ocop serve exited with status ${status}; the end of its log:\n${srv.logTail()}`);
  }
  await cleanup();
}
console.log(`screenshots in ${shots}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
