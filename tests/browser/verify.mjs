// verify.mjs: the verification pages as a consumer uses them: /xac-minh/{cert_no}, which the QR
// code on a certificate opens, in each state (valid, expiring soon, expired, revoked, superseded,
// unknown) in Vietnamese and English, on a desktop and a 360×740 phone, printed, with axe-core;
// and /xac-minh, the form that looks a number up. Screenshots: verify-STATE-LANG-SIZE.png.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vietnamToday } from './certificate.mjs';
import { DESKTOP, PHONE, assert, shown, text, visit, withPage } from './lib.mjs';

export const UNKNOWN = '86-1999-9999';
const PHONE_CONTEXT = { viewport: PHONE };

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
async function axe(env, page, where) {
  const r = await new env.AxeBuilder({ page }).withTags(WCAG).analyze();
  const v = r.violations.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  assert(v.length === 0, `${where}: ${v.length} axe violation(s) of WCAG 2.1 AA:\n      ${v.join('\n      ')}`);
}

function addDays(iso, n) {
  return new Date(Date.parse(iso + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
}
const dmy = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

// The certificate env.certNo (valid, issued today) and copies of it in the other states,
// written into the database as the lifecycle and the decisions leave them (the pages read the
// state from there; the copies' signatures name the original, which these checks do not use).
// Made once; returns {STATE: cert_no}.
let made = null;
function certificates(env) {
  if (made) return made;
  const no = env.certNo, [issuer, year] = no.split('-'), today = vietnamToday();
  const copy = (serial, set) => {
    const cols = 'issuer_code, year, product_id, dossier_id, decision_id, recognition_id, province_code, commune_code, ' +
      'producer_id, stars, level, product_code, product_name, producer_name, issuer, decision_no, decision_date, key_id, ' +
      'verify_url, signature, issued_on, pdf_sha256, created_at';
    const cert = `${issuer}-${year}-${serial}`;
    return [cert, `INSERT INTO certificates (cert_no, serial, ${cols}, expires_on, state, ended_on, ground, ground_note, ` +
      `ended_decision_no, superseded_by) SELECT '${cert}', ${serial}, ${cols}, ${set} FROM certificates WHERE cert_no = '${no}';`];
  };
  const rows = {
    expiring: copy(9001, `'${addDays(today, 95)}', 'valid', NULL, NULL, NULL, NULL, NULL`),
    expired: copy(9002, `'${addDays(today, -3)}', 'expired', '${addDays(today, -3)}', NULL, NULL, NULL, NULL`),
    revoked: copy(9003, `expires_on, 'revoked', '${today}', 'law_violation', 'Kiểm tra ngày ${dmy(today)}: nhãn ghi sai hạn sử dụng', '15/QĐ-UBND', NULL`),
    superseded: copy(9004, `expires_on, 'superseded', '${today}', NULL, NULL, NULL, '${no}'`),
  };
  const sql = '.timeout 10000\n' + Object.values(rows).map((r) => r[1]).join('\n');
  const r = spawnSync('sqlite3', [env.db], { input: sql, encoding: 'utf8' });
  assert(r.status === 0, `sqlite3 could not write the certificates in other states: ${r.stderr}`);
  made = { valid: no, unknown: UNKNOWN, ...Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v[0]])) };
  return made;
}

// What each state's page must show, and must not, in each language.
const SHOWS = {
  valid: { vi: ['Còn hiệu lực', 'Có giá trị đến hết ngày'], en: ['Valid', 'days from today'] },
  expiring: { vi: ['Còn hiệu lực, sắp hết hạn', 'chỉ còn 95 ngày', 'hồ sơ đánh giá lại'],
              en: ['Valid, expiring soon', 'only 95 days left', 're-evaluation dossier'] },
  expired: { vi: ['Hết hạn', 'Hết hiệu lực từ ngày'], en: ['Expired', 'No longer in force since'] },
  revoked: { vi: ['Đã thu hồi', 'theo Quyết định số 15/QĐ-UBND', 'Lý do: Vi phạm pháp luật về chất lượng, an toàn thực phẩm', 'Điều 8.1.c', 'nhãn ghi sai hạn sử dụng'],
             en: ['Revoked', 'by decision no. 15/QĐ-UBND', 'Ground: violates the law on quality, food safety', 'Điều 8.1.c'] },
  superseded: { vi: ['Đã được thay thế', 'giấy chứng nhận mới'], en: ['Replaced by a newer certificate', 'a newer certificate replaces it'] },
  unknown: { vi: ['Không tìm thấy', 'Hệ thống không cấp giấy chứng nhận nào có số này', UNKNOWN],
             en: ['Not found', 'No certificate with this number was issued through this system', UNKNOWN] },
};
// Words of the other language that must not appear (the page speaks one language).
const FOREIGN = { vi: ['Valid', 'Expired', 'Revoked', 'Certificate', 'Product', 'Download', 'History'],
                  en: ['Còn hiệu lực', 'Hết hạn', 'Thu hồi', 'Giấy chứng nhận', 'Sản phẩm', 'Lịch sử', 'Tải'] };
const STATE_CLASS = { valid: 'valid', expiring: 'expiring', expired: 'expired', revoked: 'revoked', superseded: 'superseded', unknown: 'unknown' };

export default function (check) {
  for (const state of Object.keys(SHOWS)) {
    for (const lang of ['vi', 'en']) {
      for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
        check(`${state} certificate in ${lang} at ${size} size`, async (env) => {
          const no = certificates(env)[state];
          await withPage(env, { viewport, locale: lang === 'vi' ? 'vi-VN' : 'en-GB' }, async (page) => {
            const path = `/xac-minh/${encodeURIComponent(no)}`;
            await visit(env, page, path, state === 'unknown' ? 404 : 200);
            const where = `${path} (${lang}, ${size})`;
            const t = await text(page);
            for (const s of SHOWS[state][lang]) shown(t, s, where);
            // one language: the body without the layout's language switch and the names (product,
            // producer, issuer: Vietnamese proper names on an English page too)
            const own = await page.evaluate(() => {
              const m = document.body.cloneNode(true);
              m.querySelectorAll('nav, footer, td, li, .state p:last-child').forEach((e) => e.remove());
              return m.textContent;
            });
            for (const w of FOREIGN[lang]) assert(!own.includes(w), `${where}: "${w}" on a page in ${lang}: ${own.slice(0, 500)}`);
            assert(await page.locator('html').getAttribute('lang') === lang, `${where}: <html lang> is not ${lang}`);
            assert(await page.locator(`.state.${STATE_CLASS[state]}`).count() === 1, `${where}: no state box .${STATE_CLASS[state]}`);
            if (state !== 'unknown') {
              shown(t, no, where);
              assert((await page.title()).includes(no), `${where}: the title "${await page.title()}" does not name the certificate`);
              shown(t, dmy(vietnamToday()), `${where}: the issue date as dd/mm/yyyy`);
              assert(await page.locator('meta[name="ocop-cert"]').count() === 1, `${where}: no <meta name="ocop-cert">`);
            }
            if (state === 'valid') assert(/\b1[.,]09\d\b/.test(t), `${where}: the days left are not written as a number of the language (1.09x / 1,09x): ${t.slice(0, 300)}`);
            if (state === 'superseded') {
              const link = page.locator(`.state a[href="/xac-minh/${env.certNo}"]`);
              assert(await link.count() === 1, `${where}: no link to the newer certificate`);
              await Promise.all([page.waitForURL(`**/xac-minh/${env.certNo}`), link.click()]);
              shown(await text(page), lang === 'vi' ? 'Còn hiệu lực' : 'Valid', `${where}: the newer certificate`);
              await page.goBack();
            }
            // the lookup form is there to check another number
            assert(await page.locator('form.lookup input[name="so"]').count() === 1, `${where}: no lookup form`);
            const width = await page.evaluate(() => document.documentElement.scrollWidth);
            assert(width <= viewport.width, `${where}: the page is ${width} px wide, wider than the ${viewport.width} px screen`);
            await page.screenshot({ path: join(env.shots, `verify-${state}-${lang}-${size}.png`), fullPage: true });
            await axe(env, page, where);
          });
        });
      }
    }
  }

  check('each state prints on one A4 sheet, with its state box and without the form', async (env) => {
    const certs = certificates(env);
    await withPage(env, {}, async (page) => {
      for (const state of ['valid', 'expiring', 'revoked', 'superseded']) {
        await visit(env, page, `/xac-minh/${certs[state]}`);
        await page.emulateMedia({ media: 'print' });
        assert(await page.locator('form.lookup').evaluate((f) => getComputedStyle(f).display) === 'none', `${state}: the form is printed`);
        assert(await page.locator('.state').evaluate((s) => getComputedStyle(s).display) !== 'none', `${state}: the state is not printed`);
        const path = join(env.shots, `verify-${state}-print.pdf`);
        await page.pdf({ path, format: 'A4', preferCSSPageSize: true });
        const pages = (readFileSync(path, 'latin1').match(/\/Type\s*\/Page\b(?!s)/g) || []).length;
        assert(pages === 1, `${state}: the verification page prints on ${pages} A4 sheets, not 1`);
        await page.emulateMedia({ media: 'screen' });
      }
    });
  });

  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    check(`the lookup page at ${size} size`, async (env) => {
      await withPage(env, { viewport }, async (page) => {
        await visit(env, page, '/xac-minh');
        shown(await text(page), 'Nhập số in trên giấy chứng nhận sản phẩm OCOP', '/xac-minh');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(width <= viewport.width, `/xac-minh: the page is ${width} px wide, wider than the ${viewport.width} px screen`);
        await page.screenshot({ path: join(env.shots, `verify-lookup-vi-${size}.png`), fullPage: true });
        await axe(env, page, `/xac-minh at ${size} size`);
      });
    });
  }

  // (axe-core runs in the page: it cannot run where JavaScript is off)
  check('the lookup form goes to the page of the number typed, tidied, without JavaScript', async (env) => {
    await withPage(env, { javaScriptEnabled: false }, async (page) => {
      await visit(env, page, '/xac-minh');
      await page.locator('input[name="so"]').fill(`  ${env.certNo.toLowerCase()} `);
      await Promise.all([page.waitForURL(`**/xac-minh/${env.certNo}`), page.locator('form.lookup button').click()]);
      shown(await text(page), 'Còn hiệu lực', 'the page the form led to');
    });
  });

  for (const [typed, why] of [['', 'Hãy nhập số in trên giấy chứng nhận.'], ['86 2026 1', 'Số giấy chứng nhận có dạng 86-2026-0001']]) {
    check(`the lookup form with "${typed}" says why next to the field`, async (env) => {
      await withPage(env, { viewport: PHONE }, async (page) => {
        await visit(env, page, '/xac-minh');
        await page.locator('input[name="so"]').fill(typed);
        const [resp] = await Promise.all([page.waitForResponse((r) => r.url().includes('so=')), page.locator('form.lookup button').click()]);
        assert(resp.status() === 422, `"${typed}": HTTP ${resp.status()}, not 422`);
        await page.waitForLoadState('load');
        const input = page.locator('input[name="so"]');
        assert(await input.inputValue() === typed, `"${typed}": the field no longer holds what was typed`);
        assert(await input.getAttribute('aria-invalid') === 'true', `"${typed}": the field is not marked invalid`);
        const problem = page.locator('#so-problem');
        shown(await problem.innerText(), why, `"${typed}"`);
        assert((await input.getAttribute('aria-describedby')).includes('so-problem'), `"${typed}": the message is not tied to the field`);
        const [fb, pb] = [await input.boundingBox(), await problem.boundingBox()];
        assert(pb.y > fb.y && pb.y - (fb.y + fb.height) < 120, `"${typed}": the message is not next to the field (${JSON.stringify({ fb, pb })})`);
        await page.screenshot({ path: join(env.shots, `verify-lookup-problem${typed ? '-malformed' : '-empty'}-vi-phone.png`), fullPage: true });
        await axe(env, page, `/xac-minh?so=${typed}`);
      });
    });
  }

  check('an unknown number with markup in it shows as text', async (env) => {
    await withPage(env, {}, async (page) => {
      const no = '<b>86-2026-0001';
      await visit(env, page, `/xac-minh/${encodeURIComponent(no)}`, 404);
      const t = await text(page);
      shown(t, 'Không tìm thấy', `unknown certificate "${no}"`);
      shown(t, no, `unknown certificate "${no}"`);
      assert(await page.locator('body b').count() === 0, 'the number became a <b> element');
    });
  });

  check('the QR code printed on the certificate opens its verification page', async (env) => {
    // as a consumer's phone does: the code read off the printed PDF (pdftoppm + zbarimg), then
    // opened in the browser, whatever address it holds
    const res = await fetch(`${env.base}/api/v1/certificates/${env.certNo}/pdf`);
    assert(res.ok, `the certificate's PDF: HTTP ${res.status}`);
    const dir = mkdtempSync(join(tmpdir(), 'ocop-qr-'));
    try {
      writeFileSync(join(dir, 'c.pdf'), Buffer.from(await res.arrayBuffer()));
      const png = spawnSync('pdftoppm', ['-r', '150', '-png', '-singlefile', join(dir, 'c.pdf'), join(dir, 'page')]);
      assert(png.status === 0, `pdftoppm: ${png.stderr}`);
      const qr = spawnSync('zbarimg', ['-q', '--raw', join(dir, 'page.png')], { encoding: 'utf8' });
      const url = (qr.stdout || '').trim();
      assert(qr.status === 0 && url, `no QR code read off the certificate: ${qr.stderr}`);
      assert(url === `${env.base}/xac-minh/${env.certNo}`, `the QR code holds ${url}`);
      await withPage(env, PHONE_CONTEXT, async (page) => {
        const r = await page.goto(url);
        assert(r.status() === 200, `${url}: HTTP ${r.status()}`);
        const t = await text(page);
        shown(t, env.certNo, 'the page the QR code opens');
        shown(t, 'Còn hiệu lực', 'the page the QR code opens');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  check('the link with tracking parameters a QR scanner adds still works', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, `/xac-minh/${env.certNo}?utm_source=qr&utm_medium=scan&utm_campaign=x&fbclid=IwAR0abc&gclid=Cj0K`);
      const t = await text(page);
      shown(t, env.certNo, 'verification page with tracking parameters');
      shown(t, 'Còn hiệu lực', 'verification page with tracking parameters');
    });
  });
}
