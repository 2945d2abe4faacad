// home_stats.mjs: the home page's figures and charts, and the statistics page /thong-ke, as a
// person uses them: on a desktop and on a phone (360×740), with JavaScript off, in Vietnamese
// and after the switch to English. axe-core on each page and size; full-page screenshots
// (home-stats-*.png, thong-ke-*.png) go to env.shots to be looked at.
import { join } from 'node:path';
import { DESKTOP, PHONE, assert, shown, text, visit, withPage } from './lib.mjs';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BEN_TRE = '/thong-ke?province=83&date=2024-12-21'; // one of the 63 earlier provinces, the demo's day

async function axe(env, page, where) {
  const r = await new env.AxeBuilder({ page }).withTags(WCAG).analyze();
  const v = r.violations.map((x) => `${x.id} (${x.impact}): ${x.help}\n        at ${x.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  assert(v.length === 0, `${where}: ${v.length} axe violation(s) of WCAG 2.1 AA:\n      ${v.join('\n      ')}`);
}

// The figures of the home page: {label: number} from its list of headline figures.
async function figures(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('ul.headline li')].map((li) => {
    const n = li.querySelector('strong').textContent.replace(/[.,]/g, '');
    return [li.innerText.replace(li.querySelector('strong').textContent, '').replace(/★/g, '').trim(), Number(n)];
  })));
}

const PAGES = [
  ['home-stats', '/'],
  ['thong-ke', '/thong-ke?province=86&date=2025-07-01'],
  ['thong-ke-old', BEN_TRE],
  ['thong-ke-error', '/thong-ke?province=86&date=31/02/2025', 400],
];

export default function (check) {
  for (const [name, path, status] of PAGES) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      check(`${name} at ${size} size: no sideways scrolling, no axe violation`, async (env) => {
        await withPage(env, { viewport, isMobile: size === 'phone', hasTouch: size === 'phone' }, async (page) => {
          await visit(env, page, path, status || 200);
          await page.screenshot({ path: join(env.shots, `${name}-${size}.png`), fullPage: true });
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          assert(width <= viewport.width, `${path}: the page is ${width} px wide, wider than the ${viewport.width} px screen`);
          await axe(env, page, `${path} at ${size} size`);
        });
      });
    }
  }

  check('the home page shows its figures and three charts that add up', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/');
      const f = await figures(page);
      const stars = [3, 4, 5].map((s) => f[`sản phẩm ${s} sao`]);
      assert(stars.every((n) => Number.isInteger(n)), `the figures by stars are missing: ${JSON.stringify(f)}`);
      assert(f['sản phẩm'] === stars[0] + stars[1] + stars[2], `the products (${f['sản phẩm']}) are not the sum of the stars ${stars}`);
      const charts = await page.locator('svg[role="img"]').evaluateAll((svgs) => svgs.map((s) => ({
        name: s.querySelector('title').textContent, box: s.getBoundingClientRect().width, bars: s.querySelectorAll('rect').length })));
      assert(charts.length === 3, `${charts.length} charts, not 3`);
      assert(charts[0].name === 'Sản phẩm theo số sao' && charts[0].bars === 3, `the first chart: ${JSON.stringify(charts[0])}`);
      assert(charts.every((c) => c.box > 200), `a chart is drawn too narrow: ${JSON.stringify(charts)}`);
      // the table under the stars chart says the same numbers, for screen readers
      const rows = await page.locator('figure.chart').first().locator('tbody td').allTextContents();
      assert(JSON.stringify(rows.map(Number)) === JSON.stringify(stars), `the stars table says ${rows}, the figures ${stars}`);
      const newest = await page.locator('ol.newest a').count();
      assert(newest > 0, 'no newest recognition is listed');
    });
  });

  check('the English switch keeps the page and translates the figures', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/');
      await Promise.all([page.waitForURL(/lang=en/), page.getByRole('link', { name: 'English' }).click()]);
      const t = await text(page);
      shown(t, 'Products by stars', 'home in English');
      shown(t, 'Newest recognitions', 'home in English');
      assert(!/Sản phẩm theo số sao|Biểu đồ/.test(t), 'home in English still shows Vietnamese headings');
      // the language is kept on the next page, the statistics of Bến Tre
      await visit(env, page, BEN_TRE);
      const s = await text(page);
      shown(s, 'Products with a valid certificate', '/thong-ke in English');
      shown(s, 'Tỉnh Bến Tre', '/thong-ke in English');
    });
  });

  check('/thong-ke without JavaScript: a province, then its commune, then a download', async (env) => {
    await withPage(env, { javaScriptEnabled: false }, async (page) => {
      await visit(env, page, '/thong-ke');
      await page.fill('input[name="date"]', '01/07/2025');
      await page.selectOption('select[name="province"]', '86');
      await Promise.all([page.waitForURL(/province=86/), page.getByRole('button', { name: 'Xem' }).click()]);
      let t = await text(page);
      shown(t, 'Tỉnh Vĩnh Long (86), 01/07/2025', 'the province chosen');
      await page.selectOption('select[name="commune"]', '28903');
      await Promise.all([page.waitForURL(/commune=28903/), page.getByRole('button', { name: 'Xem' }).click()]);
      t = await text(page);
      shown(t, 'Xã Mỏ Cày (28903), 01/07/2025', 'the commune chosen');
      const csv = await page.getAttribute('a:text-is("CSV")', 'href');
      const r = await page.request.get(env.base + csv);
      assert(r.status() === 200 && (await r.text()).includes('Xã Mỏ Cày') === false && (await r.text()).includes('Mỏ Cày (28903)'),
             `the CSV download: HTTP ${r.status()}: ${(await r.text()).slice(0, 200)}`);
    });
  });

  check('/thong-ke knows the 63 earlier provinces and their districts', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/thong-ke?date=2025-06-30');
      const n = await page.locator('select[name="province"] option[value]:not([value=""])').count();
      assert(n === 63, `${n} provinces on 30/06/2025, not 63`);
      await visit(env, page, BEN_TRE);
      const t = await text(page);
      shown(t, 'Tỉnh Bến Tre (83), 21/12/2024', 'Bến Tre');
      shown(t, 'Địa giới hành chính trước ngày 01/7/2025', 'Bến Tre');
      const districts = await page.locator('select[name="district"] option').count();
      assert(districts > 5, `Bến Tre lists ${districts} districts`);
      await visit(env, page, '/thong-ke');
      const now = await page.locator('select[name="province"] option[value]:not([value=""])').count();
      assert(now === 34, `${now} provinces today, not 34`);
    });
  });

  check('/thong-ke says what to fix in a wrong date', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/thong-ke?province=86&date=31/02/2025', 400);
      const alert = await page.locator('[role="alert"]').innerText();
      assert(alert.includes('ngày/tháng/năm'), `the alert says: ${alert}`);
    });
  });
}
