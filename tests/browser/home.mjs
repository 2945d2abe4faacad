// home.mjs: the home page "/" and its search box, used as a person uses it: type, press Enter.
// The search itself (results, highlights, diacritics) is the catalogue's, /san-pham: the box
// must take what is typed there intact, with and without JavaScript. The home page's figures
// and charts are checked in home_stats.mjs.
import { assert, visit, withPage } from './lib.mjs';

// Types q into the search box of the home page and submits the form; the URL it went to (the
// catalogue may not answer yet: only where the browser went is checked).
async function search(env, page, q) {
  await visit(env, page, '/');
  const box = page.locator('input[name="q"]');
  await box.fill(q);
  const [req] = await Promise.all([page.waitForRequest((r) => r.url().includes('/san-pham')), box.press('Enter')]);
  return new URL(req.url());
}

export default function (check) {
  check('the search box sends "nuoc mam" and "Nước mắm" to the catalogue as typed', async (env) => {
    for (const q of ['nuoc mam', 'Nước mắm']) {
      await withPage(env, {}, async (page) => {
        const u = await search(env, page, q);
        assert(u.pathname === '/san-pham', `search "${q}" went to ${u.pathname}, not /san-pham`);
        assert(u.searchParams.get('q') === q, `search "${q}" sent q=${u.searchParams.get('q')}`);
      });
    }
  });

  check('a query with <script> stays a value and runs nothing', async (env) => {
    const q = '<script>alert("xss")</script> mắm';
    await withPage(env, {}, async (page) => {
      let dialog = null;
      page.on('dialog', (d) => { dialog = d.message(); d.dismiss().catch(() => {}); });
      const u = await search(env, page, q);
      assert(u.searchParams.get('q') === q, 'the query did not reach the catalogue as typed');
      assert(dialog === null, `a dialog opened: ${dialog}`);
    });
  });

  check('an old link "/?q=" reaches the catalogue with its query', async (env) => {
    await withPage(env, {}, async (page) => {
      const [req] = await Promise.all([page.waitForRequest((r) => r.url().includes('/san-pham')),
                                       page.goto(env.base + '/?q=' + encodeURIComponent('Nước mắm')).catch(() => null)]);
      assert(new URL(req.url()).searchParams.get('q') === 'Nước mắm', `/?q= went to ${req.url()}`);
    });
  });

  check('search works with JavaScript disabled', async (env) => {
    await withPage(env, { javaScriptEnabled: false }, async (page) => {
      const u = await search(env, page, 'nuoc mam');
      assert(u.pathname === '/san-pham' && u.searchParams.get('q') === 'nuoc mam', `went to ${u}`);
    });
  });
}
