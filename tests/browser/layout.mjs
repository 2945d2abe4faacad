// layout.mjs: every public page at desktop (1280×900) and phone (360×740) size: axe-core finds
// no violation of WCAG 2.1 A and AA, the phone never scrolls sideways, and a full-page
// screenshot goes to env.shots (build-check/screenshots/ under make check) for a person to see.
import { join } from 'node:path';
import { DESKTOP, PHONE, assert, visit, withPage } from './lib.mjs';
import { UNKNOWN } from './verify.mjs';

const PAGES = [
  ['home', () => '/', 200],
  ['verify', (env) => `/xac-minh/${env.certNo}`, 200],
  ['verify-unknown', () => `/xac-minh/${UNKNOWN}`, 404],
];
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export async function axe(env, page, where) {
  const r = await new env.AxeBuilder({ page }).withTags(WCAG).analyze();
  const v = r.violations.map((x) => `${x.id} (${x.impact}): ${x.help}\n        at ${x.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  assert(v.length === 0, `${where}: ${v.length} axe violation(s) of WCAG 2.1 AA:\n      ${v.join('\n      ')}`);
}

export default function (check) {
  for (const [name, path, status] of PAGES) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      check(`${name} at ${size} size (${viewport.width}×${viewport.height})`, async (env) => {
        await withPage(env, { viewport, isMobile: size === 'phone', hasTouch: size === 'phone' }, async (page) => {
          const p = path(env);
          await visit(env, page, p, status);
          await page.screenshot({ path: join(env.shots, `${name}-${size}.png`), fullPage: true });
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          assert(width <= viewport.width, `${p}: the page is ${width} px wide, wider than the ${viewport.width} px screen (it scrolls sideways)`);
          await axe(env, page, `${p} at ${size} size`);
        });
      });
    }
  }
}
