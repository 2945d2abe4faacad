// lists.mjs: the public lists (/san-pham, /chu-the, /diem-ban, /lang-nghe) used as a person uses
// them: type in the search box and press Enter, choose a filter and press the button, follow the
// page links; the state stays in the URL (a link copied from the address bar shows the same
// list); at phone size and with JavaScript disabled; axe on each list, screenshots at both sizes.
import { join } from 'node:path';
import { DESKTOP, PHONE, assert, plain, shown, text, visit, withPage } from './lib.mjs';

const LISTS = [
  ['products', '/san-pham', 'Sản phẩm OCOP'],
  ['producers', '/chu-the', 'Chủ thể OCOP'],
  ['points', '/diem-ban', 'Điểm giới thiệu và bán sản phẩm OCOP'],
  ['villages', '/lang-nghe', 'Làng nghề'],
];
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Types q into the list's search box and presses Enter.
async function search(page, q) {
  const box = page.locator('input[name="q"]');
  await box.fill(q);
  await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === q), box.press('Enter')]);
}

// The names of the cards shown, and the words highlighted.
async function cards(page) {
  return page.evaluate(() => ({
    names: [...document.querySelectorAll('.cards h2')].map((h) => h.innerText.trim()),
    marks: [...document.querySelectorAll('.cards mark')].map((m) => m.textContent),
    count: document.querySelector('.count')?.innerText.trim(),
  }));
}

export default function (check) {
  check('"dac san" without diacritics finds "Đặc sản", highlighted, as "Đặc sản" does', async (env) => {
    const found = {};
    for (const q of ['dac san', 'Đặc sản']) {
      found[q] = await withPage(env, {}, async (page) => {
        await visit(env, page, '/san-pham');
        await search(page, q);
        const c = await cards(page);
        assert(c.names.some((n) => n.includes('Đặc sản mắm tôm chua Làng Xưa')), `search "${q}": not found; shows ${c.names.join(' | ')}`);
        for (const m of c.marks) assert(['dac', 'san'].includes(plain(m)), `search "${q}": "${m}" is highlighted, not a word searched for`);
        assert(c.marks.length >= 2, `search "${q}": nothing highlighted`);
        assert(await page.locator('input[name="q"]').inputValue() === q, `search "${q}": the box no longer holds the query`);
        return c.names;
      });
    }
    assert(JSON.stringify(found['dac san']) === JSON.stringify(found['Đặc sản']), 'the results differ with and without diacritics');
  });

  check('choosing a filter narrows the list to what its count said, and the URL keeps it', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/san-pham');
      const select = page.locator('select[name="province"]');
      const label = await select.locator('option[value="86"]').innerText();
      const said = Number(/\((\d+)\)/.exec(label)[1]);
      await select.selectOption('86');
      await Promise.all([page.waitForURL((u) => u.searchParams.get('province') === '86'), page.getByRole('button', { name: 'Xem kết quả' }).click()]);
      const c = await cards(page);
      assert(c.names.length === said, `Vĩnh Long said (${said}) but the list shows ${c.names.length}`);
      shown(await text(page), 'Tỉnh, thành phố: Vĩnh Long', 'after choosing Vĩnh Long');
      // the link of this page, opened elsewhere, shows the same list
      const url = page.url();
      await withPage(env, {}, async (other) => {
        await other.goto(url);
        const c2 = await cards(other);
        assert(JSON.stringify(c2.names) === JSON.stringify(c.names), `the shared link ${url} shows another list`);
        assert(await other.locator('select[name="province"]').inputValue() === '86', 'the shared link lost the chosen province');
      });
      // removing the filter brings the whole list back
      await Promise.all([page.waitForURL((u) => !u.searchParams.has('province')), page.getByRole('link', { name: /^bỏ/ }).first().click()]);
      assert((await cards(page)).names.length > said, 'removing the filter did not widen the list');
    });
  });

  check('paging: the next page shows the next records and the URL says which page', async (env) => {
    await withPage(env, {}, async (page) => {
      // 30 a page: the demo's producers and products fit on one, so sort the whole catalogue and
      // check the pager is absent, then ask for a page beyond the last
      await visit(env, page, '/san-pham?sort=-stars');
      assert(await page.locator('nav.pager').count() === 0, 'a pager on a list of one page');
      const first = (await cards(page)).names[0];
      await visit(env, page, '/san-pham?sort=-stars&page=2', 404);
      const t = await text(page);
      shown(t, 'Không có trang 2', 'a page beyond the last');
      await Promise.all([page.waitForURL((u) => !u.searchParams.has('page')), page.getByRole('link', { name: 'Trang đầu' }).click()]);
      assert((await cards(page)).names[0] === first, 'the first page link does not lead back to the first page');
    });
  });

  check('a value the list does not know is named, not a crash', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/san-pham?stars=9&province=99', 400);
      const alerts = await page.locator('[role="alert"]').allInnerTexts();
      assert(alerts.some((a) => a.includes('Số sao') && a.includes('9')), `no alert about stars=9: ${alerts.join(' | ')}`);
      assert(alerts.some((a) => a.includes('Tỉnh') && a.includes('99')), `no alert about province=99: ${alerts.join(' | ')}`);
    });
  });

  check('an empty result says so and suggests removing filters', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/san-pham?q=xyzzyqwv&stars=5');
      const t = await text(page);
      shown(t, '0 kết quả', 'a search that finds nothing');
      shown(t, 'Không có kết quả nào', 'a search that finds nothing');
      shown(t, 'Hãy thử bỏ bớt một bộ lọc', 'a search that finds nothing');
    });
  });

  check('search and filters work with JavaScript disabled, at phone size', async (env) => {
    await withPage(env, { javaScriptEnabled: false, viewport: PHONE, isMobile: true, hasTouch: true }, async (page) => {
      await visit(env, page, '/chu-the');
      await search(page, 'hop tac');
      const c = await cards(page);
      assert(c.names.length > 0 && c.names.every((n) => plain(n).includes('hop tac')), `search "hop tac": ${c.names.join(' | ')}`);
      await page.locator('select[name="type"]').selectOption('cooperative');
      await Promise.all([page.waitForURL((u) => u.searchParams.get('type') === 'cooperative'), page.getByRole('button', { name: 'Xem kết quả' }).click()]);
      assert(page.url().includes('q=hop+tac') || page.url().includes('q=hop%20tac'), `the search was lost: ${page.url()}`);
      const t = await text(page);
      shown(t, 'Loại hình chủ thể: Hợp tác xã', 'the producer type chosen');
    });
  });

  check('no personal data of a person on the producers list', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/chu-the');
      const t = await text(page);
      for (const p of ['0275 3843 111', 'htxthanhlong@example.vn', 'Nguyễn Thị Thanh', 'dân tộc', 'khuyết tật'])
        assert(!t.includes(p), `the producers list shows "${p}"`);
    });
  });

  for (const [name, path, title] of LISTS) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      check(`${path} at ${size} size: its title, no sideways scrolling, axe, a screenshot`, async (env) => {
        await withPage(env, { viewport, isMobile: size === 'phone', hasTouch: size === 'phone' }, async (page) => {
          await visit(env, page, path + (name === 'products' ? '?province=86' : ''));
          shown(await text(page), title, path);
          await page.screenshot({ path: join(env.shots, `list-${name}-${size}.png`), fullPage: size === 'desktop' });
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          assert(width <= viewport.width, `${path}: the page is ${width} px wide, wider than the ${viewport.width} px screen`);
          const r = await new env.AxeBuilder({ page }).withTags(WCAG).analyze();
          const v = r.violations.map((x) => `${x.id}: ${x.help} at ${x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
          assert(v.length === 0, `${path} at ${size} size: axe violations:\n      ${v.join('\n      ')}`);
        });
      });
    }
  }
}
