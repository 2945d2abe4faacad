// decide.mjs: the province officer's decisions, certificates, imports, users and audit trail
// (page_decide.c) as the officer of Vĩnh Long uses them: a dossier this check prepares through
// the API (a new product of the demo's producer 1, scored 3★ by the demo council) waits on
// /lam-viec; the officer ticks it on /tinh/quyet-dinh/moi, records the decision, sees the
// certificate and opens its verification page, which says it is valid; an import whose file
// has mistakes lists every row problem and writes nothing. Screenshots, desktop and phone:
// decide-new, decide-decision, decide-certificates, decide-import-preview, decide-users,
// decide-audit (-desktop / -phone), decide-certificate and decide-revoke-confirm (-desktop).
// The demo's own dossiers are left as they are.
import { scoredDossier, vietnamToday } from './certificate.mjs';
import { PHONE, assert, look, shown, signInAs, submit, text, visit, withPage } from './lib.mjs';

const PRODUCT = 'Mứt dừa non Thanh Long (thử nghiệm)';

// The import that has mistakes: a row without a name and one with a commune that does not exist.
const BAD_CSV = 'name,commune_code\nLàng nghề bánh tráng Mỹ Lồng,28903\n,28903\nLàng nghề thử,99999\n';

async function importPreview(env, page) {
  await visit(env, page, '/tinh/nhap');
  await page.getByLabel('Loại dữ liệu trong tệp', { exact: true }).selectOption('villages');
  await page.getByLabel('Tệp (CSV hoặc XLSX)', { exact: true })
    .setInputFiles({ name: 'lang-nghe.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
  await submit(page, 'Kiểm tra tệp');
  const t = await text(page);
  shown(t, 'Các lỗi trong tệp', '/tinh/nhap after the check');
  shown(t, 'Chưa ghi dữ liệu nào.', '/tinh/nhap after the check');
  const rows = await page.locator('table.problems tbody tr').count();
  assert(rows === 2, `the check lists ${rows} problems, not 2 (rows 3 and 4)`);
  assert(await page.getByRole('button', { name: 'Nhập các dòng này' }).count() === 0,
         'a file with problems offers to import it');
}

export default function (check) {
  check('the province decides a scored dossier and its certificate verifies', async (env) => {
    const admin = env.tokens.admin, srv = { api: env.api };
    const product = await srv.api(admin, 'POST', '/api/v1/products', { name: PRODUCT, set_no: 1, producer_id: 1 }, 201);
    await scoredDossier(srv, env.tokens, product.id, 8); // a number no other check takes (the round form proposes the next free one)
    await withPage(env, {}, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      shown(await text(page), PRODUCT, '/lam-viec of the province officer');
      await page.getByRole('link', { name: PRODUCT }).first().click();
      await page.waitForURL('**/tinh/quyet-dinh/moi');
      shown(await text(page), 'Tỉnh ký giấy chứng nhận bằng khoá 86', '/tinh/quyet-dinh/moi');
      await page.getByRole('checkbox', { name: new RegExp(PRODUCT.replace(/[()]/g, '\\$&')) }).check();
      await page.getByLabel('Số quyết định', { exact: true }).fill('215/QĐ-UBND');
      await page.getByLabel('Người ký (họ và tên)', { exact: true }).fill('Trần Văn Ký');
      await page.getByLabel('Chức vụ người ký', { exact: true }).fill('KT. CHỦ TỊCH / PHÓ CHỦ TỊCH');
      await look(env, page, 'decide-new-desktop', '/tinh/quyet-dinh/moi');
      await submit(page, 'Ghi quyết định và cấp giấy chứng nhận');
      const t = await text(page);
      shown(t, 'Quyết định số 215/QĐ-UBND', 'the decision page');
      shown(t, 'Đã ghi quyết định công nhận và cấp giấy chứng nhận.', 'the decision page');
      shown(t, PRODUCT, 'the decision page');
      await look(env, page, 'decide-decision-desktop', 'the decision page');
      const verify = page.getByRole('link', { name: /Trang xác minh/ }).first();
      const href = await verify.getAttribute('href');
      assert(/^\/xac-minh\/86-\d{4}-\d{4}$/.test(href), `the verification link is ${href}`);
      await verify.click();
      await page.waitForURL(`**${href}`);
      const v = await text(page);
      shown(v, 'Còn hiệu lực', href);
      shown(v, PRODUCT, href);
      // its page: reprint, and the revocation up to its confirmation step (not confirmed)
      const no = href.split('/').pop();
      await visit(env, page, `/tinh/chung-nhan/${no}`);
      await page.getByLabel('Căn cứ thu hồi (QĐ 26/2026 Điều 8.1)', { exact: true }).selectOption('mark_misuse');
      await page.getByLabel('Số quyết định thu hồi', { exact: true }).fill('30/QĐ-UBND');
      await page.getByLabel('Ngày quyết định thu hồi', { exact: true }).fill(vietnamToday());
      await look(env, page, 'decide-certificate-desktop', `/tinh/chung-nhan/${no}`);
      await submit(page, 'Tiếp tục');
      shown(await text(page), 'Xác nhận thu hồi', 'the revocation step');
      await look(env, page, 'decide-revoke-confirm-desktop', 'the revocation step');
      await visit(env, page, `/tinh/chung-nhan?q=${encodeURIComponent('mứt dừa non')}`);
      shown(await text(page), href.split('/').pop(), '/tinh/chung-nhan searched');
      await visit(env, page, '/tinh/chung-nhan');
      await look(env, page, 'decide-certificates-desktop', '/tinh/chung-nhan');
      // the expiring certificates, those without a re-evaluation dossier first
      await visit(env, page, '/tinh/chung-nhan/het-han');
      await page.locator('#f-sort').selectOption('unfiled');
      await submit(page, 'Xem');
      await page.waitForURL(/sort=unfiled/);
      shown(await text(page), 'Chưa có hồ sơ đánh giá lại', '/tinh/chung-nhan/het-han?sort=unfiled');
      await look(env, page, 'decide-due-desktop', '/tinh/chung-nhan/het-han');
    });
    await withPage(env, { viewport: PHONE }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await visit(env, page, '/tinh/quyet-dinh/moi');
      await look(env, page, 'decide-new-phone', '/tinh/quyet-dinh/moi on a phone');
      await visit(env, page, '/tinh/chung-nhan');
      await look(env, page, 'decide-certificates-phone', '/tinh/chung-nhan on a phone');
      await visit(env, page, '/tinh/chung-nhan/het-han');
      await look(env, page, 'decide-due-phone', '/tinh/chung-nhan/het-han on a phone');
      await visit(env, page, '/tinh/quyet-dinh');
      await page.getByRole('link', { name: /215\/QĐ-UBND/ }).click();
      await page.waitForURL('**/tinh/quyet-dinh/*');
      await look(env, page, 'decide-decision-phone', 'the decision page on a phone');
    });
  });

  check('an import with mistakes lists every row problem and writes nothing', async (env) => {
    const before = (await env.api(null, 'GET', '/api/v1/villages?per_page=1', undefined, 200)).total;
    await withPage(env, {}, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await importPreview(env, page);
      await look(env, page, 'decide-import-preview-desktop', 'the import check');
    });
    await withPage(env, { viewport: PHONE }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await importPreview(env, page);
      await look(env, page, 'decide-import-preview-phone', 'the import check on a phone');
    });
    const after = (await env.api(null, 'GET', '/api/v1/villages?per_page=1', undefined, 200)).total;
    assert(after === before, `the check wrote villages: ${before} before, ${after} after`);
  });

  check('users and audit trail of the province', async (env) => {
    for (const [size, options] of [['desktop', {}], ['phone', { viewport: PHONE }]]) {
      await withPage(env, options, async (page) => {
        await signInAs(env, page, 'tinh.vinhlong');
        await visit(env, page, '/tinh/nguoi-dung');
        shown(await text(page), 'xa.mocay', '/tinh/nguoi-dung');
        await look(env, page, `decide-users-${size}`, `/tinh/nguoi-dung (${size})`);
        await visit(env, page, '/tinh/nhat-ky?entity=decisions');
        const rows = await page.locator('table.audit tbody tr').count();
        assert(rows > 0, '/tinh/nhat-ky?entity=decisions lists no entry, after decisions were recorded');
        await look(env, page, `decide-audit-${size}`, `/tinh/nhat-ky (${size})`);
      });
    }
  });
}
