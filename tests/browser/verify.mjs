// verify.mjs: the verification page /xac-minh/{cert_no}, which the QR code on a certificate opens.
import { assert, shown, text, visit, withPage } from './lib.mjs';

export const UNKNOWN = '86-1999-9999';

export default function (check) {
  check('a valid certificate shows its number and state', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, `/xac-minh/${env.certNo}`);
      const t = await text(page);
      shown(t, env.certNo, 'verification page');
      shown(t, 'Còn hiệu lực', 'verification page');
      shown(t, 'Valid', 'verification page');
      shown(t, 'Vĩnh Long', 'verification page');
      assert((await page.title()).includes(env.certNo), `the title "${await page.title()}" does not name the certificate`);
    });
  });

  check('an unknown number says it is not found', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, `/xac-minh/${UNKNOWN}`, 404);
      const t = await text(page);
      shown(t, 'Không tìm thấy', 'unknown certificate');
      shown(t, UNKNOWN, 'unknown certificate');
      assert(!t.includes('Còn hiệu lực'), 'an unknown certificate is shown as valid');
    });
  });

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

  check('the link with tracking parameters a QR scanner adds still works', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, `/xac-minh/${env.certNo}?utm_source=qr&utm_medium=scan&utm_campaign=x&fbclid=IwAR0abc&gclid=Cj0K`);
      const t = await text(page);
      shown(t, env.certNo, 'verification page with tracking parameters');
      shown(t, 'Còn hiệu lực', 'verification page with tracking parameters');
    });
  });
}
