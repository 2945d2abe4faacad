// home.mjs: the home page "/" and its search box, used as a person uses it: type, press Enter.
import { assert, plain, shown, text, visit, withPage } from './lib.mjs';

// Types q into the search box of the home page and submits the form; the page of results.
async function search(env, page, q) {
  await visit(env, page, '/');
  const box = page.locator('input[name="q"]');
  await box.fill(q);
  await Promise.all([page.waitForURL((u) => u.searchParams.has('q')), box.press('Enter')]);
  return page;
}

// What the results show: the text of each result with a highlight, the highlighted words. Fails
// unless "Nước mắm Làng Xưa" is among them (where: which search, for the message).
async function results(page, where) {
  const r = await page.evaluate(() => ({
    items: [...new Set([...document.querySelectorAll('mark')].map((m) => m.closest('li, tr, article')?.innerText.trim()))],
    marks: [...document.querySelectorAll('mark')].map((m) => m.textContent),
  }));
  assert(r.items.some((i) => i.includes('Nước mắm Làng Xưa')),
         `${where}: "Nước mắm Làng Xưa" is not among the highlighted results; the page shows: ${(await text(page)).slice(0, 600)}`);
  return r;
}

export default function (check) {
  check('"nuoc mam" without diacritics finds what "Nước mắm" finds, highlighted', async (env) => {
    const found = {};
    for (const q of ['nuoc mam', 'Nước mắm']) {
      found[q] = await withPage(env, {}, async (page) => {
        await search(env, page, q);
        const where = `search "${q}"`;
        const r = await results(page, where);
        for (const m of r.marks)
          assert(['nuoc', 'mam'].includes(plain(m)), `${where}: "${m}" is highlighted, not a word searched for`);
        assert(await page.locator('input[name="q"]').inputValue() === q, `${where}: the search box no longer holds the query`);
        return r.items;
      });
    }
    assert(JSON.stringify(found['nuoc mam']) === JSON.stringify(found['Nước mắm']),
           `the results differ:\n  nuoc mam: ${found['nuoc mam'].join(' | ')}\n  Nước mắm: ${found['Nước mắm'].join(' | ')}`);
  });

  check('an empty search shows the catalogue, no results list', async (env) => {
    await withPage(env, {}, async (page) => {
      await search(env, page, '');
      const t = await text(page);
      shown(t, 'Nước mắm Làng Xưa', 'empty search');
      assert(await page.locator('mark').count() === 0, 'empty search: words are highlighted');
      assert(!/lỗi|error/i.test(t), `empty search: an error is shown: ${t.slice(0, 400)}`);
    });
  });

  check('a search that finds nothing says so', async (env) => {
    await withPage(env, {}, async (page) => {
      await search(env, page, 'xyzzyqwv');
      const t = await text(page);
      assert(/\b0 kết quả|không tìm thấy/i.test(t), `search "xyzzyqwv": no "0 kết quả" or "không tìm thấy": ${t.slice(0, 400)}`);
      assert(await page.locator('mark').count() === 0, 'search "xyzzyqwv": words are highlighted');
    });
  });

  check('a query with <script> shows as text and runs nothing', async (env) => {
    const q = '<script>alert("xss")</script> mắm';
    await withPage(env, {}, async (page) => {
      let dialog = null;
      page.on('dialog', (d) => { dialog = d.message(); d.dismiss().catch(() => {}); });
      await search(env, page, q);
      assert(await page.locator('input[name="q"]').inputValue() === q, 'the search box does not show the query as typed');
      const injected = await page.evaluate(() => [...document.querySelectorAll('script')].some((s) => s.textContent.includes('xss')));
      assert(!injected, 'the query became a <script> element');
      assert(dialog === null, `a dialog opened: ${dialog}`);
      const t = await text(page);
      assert(!t.includes('alert("xss")') || t.includes('<script>'), 'the query shows half-parsed as HTML');
    });
  });

  check('search works with JavaScript disabled', async (env) => {
    await withPage(env, { javaScriptEnabled: false }, async (page) => {
      await search(env, page, 'nuoc mam');
      await results(page, 'search without JavaScript');
    });
  });
}
