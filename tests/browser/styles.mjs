// styles.mjs: the stylesheet (static/ocop.css, docs/web.md "Styles and static assets") reaches
// the browser and applies under the Content-Security-Policy; printed (A4, print media), the
// verification page keeps its content on one sheet without the search form or footer (the
// catalogue's cards and table belong to the catalogue's page, /san-pham, and its tests). The PDF goes to env.shots for a person to see.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { assert, visit, withPage } from './lib.mjs';

const style = (page, sel, prop) => page.$eval(sel, (e, p) => getComputedStyle(e)[p], prop);

export default function (check) {
  check('the stylesheet applies (same origin, no inline style)', async (env) => {
    await withPage(env, {}, async (page) => {
      const refused = [];
      page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });
      await visit(env, page, '/');
      assert(await style(page, 'body > header', 'backgroundColor') === 'rgb(139, 26, 26)', 'the header is not styled: ocop.css did not apply');
      assert(/Noto Sans|Segoe UI|Roboto/.test(await style(page, 'body', 'fontFamily')), 'the body does not use the system font stack');
      assert(refused.length === 0, `the CSP refused something: ${refused.join('; ')}`);
    });
  });

  check('the verification page prints on one A4 sheet, without form or footer', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, `/xac-minh/${env.certNo}`);
      await page.emulateMedia({ media: 'print' });
      assert(await style(page, 'body > header', 'backgroundColor') === 'rgba(0, 0, 0, 0)', 'the header keeps its colour on paper');
      assert(await style(page, '.noprint', 'display') === 'none', 'the download links are printed');
      const path = join(env.shots, 'verify-print.pdf');
      await page.pdf({ path, format: 'A4', preferCSSPageSize: true });
      const pages = (readFileSync(path, 'latin1').match(/\/Type\s*\/Page\b(?!s)/g) || []).length;
      assert(pages === 1, `the verification page prints on ${pages} A4 sheets, not 1`);
      await visit(env, page, '/');
      assert(await style(page, 'form', 'display') === 'none', 'the search form is printed');
      assert(await style(page, 'body > footer', 'display') === 'none', 'the footer is printed');
    });
  });
}
