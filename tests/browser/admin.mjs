// admin.mjs: the administrator's and the Ministry's workspaces (page_admin.c) as an administrator
// uses them: makes a signing key (the confirmation of retiring one shown), creates an account
// with a role after a mistake told beside its field, verifies the audit chain, reads the system
// status and the dossiers sent to the Ministry. It makes only records of its own (a key of Hà
// Nội, a new account), so the demo stays as the other checks expect it. Desktop and phone
// screenshots of each main page; axe-core and no sideways scrolling on each.
import { DESKTOP, PHONE, assert, look, shown, signInAs, submit, text, visit, withPage } from './lib.mjs';

const PAGES = [
  ['/quan-tri/nguoi-dung', 'admin-users', 'Người dùng'],
  ['/quan-tri/khoa-ky', 'admin-keys', 'Khóa ký số'],
  ['/quan-tri/he-thong', 'admin-system', 'Tình trạng hệ thống'],
  ['/quan-tri/nhat-ky', 'admin-audit', 'Nhật ký hệ thống'],
  ['/bo/ho-so', 'ministry-dossiers', 'Hồ sơ gửi Bộ đánh giá'],
  ['/bo/dot/moi', 'ministry-round-new', 'Mở đợt đánh giá mới của Bộ'],
  ['/bo/quyet-dinh/moi', 'ministry-decision-new', 'Ghi quyết định mới (5 sao)'],
  ['/quan-tri/du-lieu', 'admin-data', 'Dữ liệu danh mục'],
];

export default function (check) {
  check('an administrator makes a signing key, creates an account with a role, verifies the audit chain', async (env) => {
    await withPage(env, { viewport: DESKTOP }, async (page) => {
      await signInAs(env, page, 'admin');
      const suffix = String(Date.now() % 1000000);

      // a signing key of Hà Nội (01), which the demo does not use
      await page.getByRole('link', { name: 'Khóa ký số', exact: true }).click();
      await page.waitForURL(/\/quan-tri\/khoa-ky/);
      await page.getByLabel('Khóa của', { exact: true }).fill(`01-w${suffix}`);
      await submit(page, 'Tạo khóa');
      let t = await text(page);
      shown(t, 'Đã tạo khóa.', 'the keys page after making one');
      shown(t, `01-w${suffix} · Thành phố Hà Nội`, 'the keys page after making one');
      // retiring asks first; cancel leaves it in use
      await page.getByRole('link', { name: `Ngừng dùng 01-w${suffix}` }).click();
      await page.waitForURL(/retire=/);
      shown(await text(page), `Ngừng dùng khóa 01-w${suffix} của Thành phố Hà Nội?`, 'the confirmation of retiring a key');
      await page.getByRole('link', { name: 'Hủy', exact: true }).click();
      await page.waitForURL(/\/quan-tri\/khoa-ky$/);

      // an account with a role: a commune code that is none is told beside its field
      await page.getByRole('link', { name: 'Người dùng', exact: true }).click();
      await page.waitForURL(/\/quan-tri\/nguoi-dung/);
      await page.locator('summary', { hasText: 'Tạo tài khoản' }).click();
      await page.getByLabel('Tên đăng nhập', { exact: true }).fill(`cb.thu${suffix}`);
      await page.getByLabel('Mật khẩu', { exact: true }).fill('mot mat khau that dai');
      await page.getByLabel('Họ và tên', { exact: true }).fill('Lê Thị Thu');
      await page.locator('#f-role').selectOption('commune');
      await page.getByLabel('Phạm vi của vai trò', { exact: true }).fill('99999');
      await submit(page, 'Tạo tài khoản');
      const scope = page.getByLabel('Phạm vi của vai trò', { exact: true });
      assert((await scope.getAttribute('aria-invalid')) === 'true', 'a wrong commune code is not marked beside its field');
      assert((await page.getByLabel('Họ và tên', { exact: true }).inputValue()) === 'Lê Thị Thu', 'the name typed was lost');
      await scope.fill('28903');
      await page.getByLabel('Mật khẩu', { exact: true }).fill('mot mat khau that dai');
      await submit(page, 'Tạo tài khoản');
      t = await text(page);
      shown(t, 'Đã tạo tài khoản.', 'the new account');
      shown(t, 'Cán bộ OCOP cấp xã: Xã Mỏ Cày (28903)', 'the new account');

      // the audit chain, with the two acts above in it
      await page.getByRole('link', { name: 'Nhật ký hệ thống', exact: true }).click();
      await page.waitForURL(/\/quan-tri\/nhat-ky/);
      await submit(page, 'Kiểm tra chuỗi nhật ký');
      t = await text(page);
      shown(t, 'Nguyên vẹn. Chuỗi nguyên vẹn: đã kiểm tra', 'the audit chain verified');
      shown(t, 'signing_keys', 'the audit trail');
    });
  });

  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    check(`the administrator's main pages (${size})`, async (env) => {
      await withPage(env, { viewport, isMobile: viewport === PHONE }, async (page) => {
        await signInAs(env, page, 'admin');
        for (const [path, name, title] of PAGES) {
          await visit(env, page, path);
          shown(await text(page), title, path);
          await look(env, page, `${name}-${size}`, `${path} at ${size} size`);
        }
        await visit(env, page, '/quan-tri/he-thong');
        const t = await text(page);
        assert(/Số yêu cầu đã trả lời \d/.test(t), `/quan-tri/he-thong shows no count of requests: ${t.slice(0, 400)}`);
      });
    });
  }

  check('the Ministry\'s officer works in the Ministry\'s workspace only', async (env) => {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await withPage(env, { viewport, isMobile: viewport === PHONE }, async (page) => {
        await signInAs(env, page, 'bo.vanphong');
        const nav = await page.locator('nav.work a').allInnerTexts();
        const want = ['Việc cần làm', 'Cấp Bộ (5★)', 'Tiến độ', 'Kế hoạch', 'Báo cáo', 'Đợt đánh giá của Bộ', 'Quyết định của Bộ'];
        assert(JSON.stringify(nav.map((x) => x.trim())) === JSON.stringify(want),
          `the Ministry officer's navigation: ${JSON.stringify(nav)}`);
        shown(await text(page), 'Cán bộ OCOP cấp Bộ', '/lam-viec of the Ministry officer');
        await look(env, page, `ministry-work-${size}`, `/lam-viec of the Ministry officer at ${size} size`);
        await visit(env, page, '/bo/ho-so');
        shown(await text(page), 'Hồ sơ gửi Bộ đánh giá', '/bo/ho-so of the Ministry officer');
        await visit(env, page, '/bo/tien-do');
        shown(await text(page), 'Tiến độ thực hiện OCOP cả nước', '/bo/tien-do');
        await look(env, page, `ministry-progress-${size}`, `/bo/tien-do at ${size} size`);
        await visit(env, page, '/quan-tri/nguoi-dung', 403);
        shown(await text(page), 'Quản trị hệ thống', 'the 403 page of /quan-tri/nguoi-dung for the Ministry officer');
        await visit(env, page, '/tinh/ho-so', 403);
      });
    }
  });

  check('a province officer is told the administrator\'s pages are not its own', async (env) => {
    await withPage(env, { viewport: PHONE, isMobile: true }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await visit(env, page, '/quan-tri/khoa-ky', 403);
      shown(await text(page), 'Quản trị hệ thống', 'the 403 page of /quan-tri/khoa-ky');
    });
  });
}
