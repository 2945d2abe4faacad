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
