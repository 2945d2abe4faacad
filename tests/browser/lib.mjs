// lib.mjs: what the browser checks share: a page in a fresh browser context, a visit that checks
// the HTTP status, assertions whose message says what a person would have seen.
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// Runs fn(page) in a new context (viewport, javaScriptEnabled, ...: Playwright's options), which
// is closed afterwards whatever happens.
export async function withPage(env, options, fn) {
  const ctx = await env.browser.newContext({ viewport: DESKTOP, locale: 'vi-VN', ...options });
  try {
    const page = await ctx.newPage();
    page.setDefaultTimeout(10000);
    return await fn(page);
  } finally {
    await ctx.close();
  }
}

// Opens path on the server; fails unless it answers status.
export async function visit(env, page, path, status = 200) {
  const r = await page.goto(env.base + path, { waitUntil: 'load' });
  assert(r, `${path}: no response`);
  assert(r.status() === status, `${path}: HTTP ${r.status()}, not ${status}`);
  return r;
}

// The text a person reads on the page (whitespace folded).
export async function text(page) {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

export function shown(haystack, needle, where) {
  assert(haystack.includes(needle), `${where}: "${needle}" is not on the page; it shows: ${haystack.slice(0, 600)}`);
}

// Lower case, without diacritics, đ as d: how a person types Vietnamese without them.
export function plain(s) {
  return s.normalize('NFD').replace(/\p{Mn}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

// ---- shared by the workspace checks ----

export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const DEMO_PASSWORD = 'demo-ocop-2026';

// axe-core on the page as it is: fails on any WCAG 2.1 AA violation, naming where.
export async function axe(env, page, where) {
  const r = await new env.AxeBuilder({ page }).withTags(WCAG).analyze();
  const v = r.violations.map((x) => `${x.id} (${x.impact}): ${x.help}\n        at ${x.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  assert(v.length === 0, `${where}: ${v.length} axe violation(s) of WCAG 2.1 AA:\n      ${v.join('\n      ')}`);
}

// A full-page screenshot env.shots/NAME.png; with JavaScript on, also axe and no sideways
// scrolling (both run scripts in the page, which a context without JavaScript refuses).
export async function look(env, page, name, where, js = true) {
  await page.screenshot({ path: `${env.shots}/${name}.png`, fullPage: true });
  if (!js) return;
  const vw = page.viewportSize().width;
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= vw, `${where}: the page is ${width} px wide, wider than the ${vw} px screen`);
  await axe(env, page, where);
}

// Click the button named name and wait for the page it leads to.
export async function submit(page, name) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
}

// Sign in through /dang-nhap as a person would (Vietnamese labels); lands on /lam-viec.
export async function signInAs(env, page, username, password = DEMO_PASSWORD) {
  await visit(env, page, '/dang-nhap');
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await submit(page, 'Đăng nhập');
  assert(new URL(page.url()).pathname === '/lam-viec', `signing in as ${username} led to ${page.url()}, not /lam-viec`);
}
