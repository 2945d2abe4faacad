// archive.mjs: a province records the evaluation dossiers it decided on paper before ocop
// (dossier_archive.c, docs/import.md §11.6) as its officer would: on /tinh/nhap she downloads
// the empty template of "Hồ sơ đã đánh giá trước khi dùng ocop (lưu trữ)", fills in two rows
// from her files (a dossier decided at 3★ in round 2 of 2021, one rejected in 2022), checks the
// file, imports it, follows the notice to the archive in the province's list, and finds the
// rejected dossier, whose page says it came from the archive. Runs last: it adds dossiers to
// Vĩnh Long. Screenshots: archive-import, archive-list (-desktop), archive-dossier (-desktop,
// -phone).
import { readFileSync } from 'node:fs';
import { PHONE, assert, look, shown, signInAs, submit, text, visit, withPage } from './lib.mjs';

const KIND = 'Hồ sơ đã đánh giá trước khi dùng ocop (lưu trữ)';

export default function (check) {
  check('the province records its paper dossiers from the empty template', async (env) => {
    let template = '';
    await withPage(env, { acceptDownloads: true }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await visit(env, page, '/tinh/nhap');
      const [dl] = await Promise.all([page.waitForEvent('download'),
                                      page.getByRole('link', { name: `CSV ${KIND}`, exact: true }).click()]);
      template = readFileSync(await dl.path(), 'utf8');
      assert(template.startsWith('\ufeffSố đăng ký,Loại hồ sơ,Mã sản phẩm,Ngày nộp,'),
             `the template starts with ${JSON.stringify(template.slice(0, 60))}`);
      const filled = template.trimEnd() + '\r\n' +
        '05/PĐK-86-28903-2021,Đánh giá lần đầu,86-28903-001-2021,02/06/2021,,2021,2,,Đã có quyết định,,"57,5",3,,Hồ sơ giấy\r\n' +
        ',Đánh giá lần đầu,86-28870-001-2021,15/03/2022,,2022,1,,Bị loại,Thiếu phiếu kết quả kiểm nghiệm,,,,\r\n';
      await page.getByLabel('Loại dữ liệu trong tệp', { exact: true }).selectOption({ label: KIND });
      await page.getByLabel('Tệp (CSV hoặc XLSX)', { exact: true })
        .setInputFiles({ name: 'ho-so-luu-tru.csv', mimeType: 'text/csv', buffer: Buffer.from(filled) });
      await submit(page, 'Kiểm tra tệp');
      let t = await text(page);
      shown(t, 'Chưa ghi dữ liệu nào.', '/tinh/nhap after the check');
      shown(t, `${KIND}: đọc 2 dòng, 2 bản ghi mới`, '/tinh/nhap after the check');
      await look(env, page, 'archive-import-desktop', '/tinh/nhap after the check');
      await submit(page, 'Nhập các dòng này');
      shown(await text(page), 'Đã nhập: 2 bản ghi mới.', '/tinh/nhap after the import');
      await page.getByRole('link', { name: 'Xem các hồ sơ đã ghi nhận từ lưu trữ', exact: true }).click();
      await page.waitForURL(/\/tinh\/ho-so\?archived=true/);
      t = await text(page);
      shown(t, 'Bưởi da xanh Chợ Lách', 'the archive in the province\'s list');
      shown(t, 'Kẹo dừa sầu riêng Thanh Long', 'the archive in the province\'s list');
      await look(env, page, 'archive-list-desktop', 'the archive in the province\'s list');

      await visit(env, page, `/tinh/ho-so?state=rejected&q=${encodeURIComponent('bưởi da xanh')}`);
      await page.getByRole('link', { name: /Bưởi da xanh Chợ Lách/ }).first().click();
      await page.waitForURL(/\/tinh\/ho-so\/\d+$/);
      t = await text(page);
      shown(t, 'Hồ sơ ghi nhận từ lưu trữ', 'the archived dossier');
      shown(t, 'Thiếu phiếu kết quả kiểm nghiệm', 'the archived dossier');
      shown(t, 'Đợt 1 năm 2022', 'the archived dossier');
      shown(t, 'Ghi nhận từ hồ sơ lưu trữ', 'its history');
      assert(!t.includes('Kết quả tự đánh giá của chủ thể'), 'an archived dossier shows an empty self-assessment');
      await look(env, page, 'archive-dossier-desktop', 'the archived dossier');
      await page.setViewportSize(PHONE);
      await look(env, page, 'archive-dossier-phone', 'the archived dossier');
    });
  });
}
