// progress.mjs: the province's progress and its plan (page_progress.c), as Vĩnh Long's officer
// uses them: opens "Tiến độ" from the workspace's navigation, reads the figures and the demo
// plan's targets, orders the communes by their products, opens the plan and marks a task done
// with a note. Screenshots of /tinh/tien-do and /tinh/ke-hoach/{id} at desktop and phone size,
// axe-core on each.
import { DESKTOP, PHONE, assert, look, shown, signInAs, text, withPage } from './lib.mjs';

export default function (check) {
  check('the province officer follows its plan and marks a task done', async (env) => {
    await withPage(env, { viewport: DESKTOP }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await page.getByRole('link', { name: 'Tiến độ', exact: true }).click();
      await page.waitForURL(/\/tinh\/tien-do/);
      let t = await text(page);
      shown(t, 'Tiến độ thực hiện OCOP của tỉnh', '/tinh/tien-do');
      shown(t, 'Sản phẩm OCOP còn hiệu lực', '/tinh/tien-do');
      shown(t, 'Công nhận mới ít nhất 8 sản phẩm 4 sao', '/tinh/tien-do');
      await look(env, page, 'progress-desktop', '/tinh/tien-do');
      await page.getByRole('link', { name: 'nhiều sản phẩm trước' }).click();
      await page.waitForURL(/sort=products/);
      const first = await page.locator('#communes-h ~ .table-wrap tbody th').first().innerText();
      assert(first.includes('Mỏ Cày'), `the commune with most products first, not ${first}`);
      await page.getByRole('link', { name: /Kế hoạch thực hiện Chương trình OCOP tỉnh Vĩnh Long/ }).click();
      await page.waitForURL(/\/tinh\/ke-hoach\/\d+/);
      await look(env, page, 'plan-desktop', 'the plan');
      const task = page.locator('form.task').filter({ hasText: 'Hỗ trợ chủ thể hoàn thiện hồ sơ 5 sao' });
      await task.getByLabel('Trạng thái').selectOption('done');
      await task.getByLabel('Ghi chú tiến độ').fill('Đã hoàn thiện 3 hồ sơ');
      await Promise.all([page.waitForURL(/done=task/), task.getByRole('button', { name: 'Lưu' }).click()]);
      t = await text(page);
      shown(t, 'Đã lưu nhiệm vụ.', 'the plan after saving a task');
      const saved = page.locator('form.task').filter({ hasText: 'Hỗ trợ chủ thể hoàn thiện hồ sơ 5 sao' });
      assert((await saved.getByLabel('Ghi chú tiến độ').inputValue()) === 'Đã hoàn thiện 3 hồ sơ', 'the note was not kept');
    });
    // a plan recorded on its form: a mistake told beside its field, then saved
    await withPage(env, { viewport: DESKTOP }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await page.goto(env.base + '/tinh/ke-hoach');
      await page.getByRole('link', { name: 'Lập kế hoạch mới' }).click();
      await page.waitForURL(/\/tinh\/ke-hoach\/moi/);
      await page.getByLabel('Tên kế hoạch', { exact: true }).fill('Kế hoạch kiểm thử trên trình duyệt');
      const row = page.getByRole('group', { name: 'Chỉ tiêu 1' });
      await row.getByLabel('Chỉ tiêu', { exact: true }).selectOption('communes_coverage_pct');
      await row.getByLabel('Tối thiểu').fill('120');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Lưu kế hoạch' }).click()]);
      shown(await text(page), 'là tỷ lệ phần trăm: tối đa 100', 'the plan form after a percentage over 100');
      assert((await row.getByLabel('Tối thiểu').getAttribute('aria-invalid')) === 'true', 'the wrong minimum is not marked');
      await look(env, page, 'plan-form-desktop', 'the plan form with a mistake');
      await row.getByLabel('Tối thiểu').fill('100');
      await Promise.all([page.waitForURL(/done=saved/), page.getByRole('button', { name: 'Lưu kế hoạch' }).click()]);
      shown(await text(page), 'Đã lưu kế hoạch.', 'the new plan');
    });
    await withPage(env, { viewport: PHONE, isMobile: true }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await page.goto(env.base + '/tinh/tien-do');
      await look(env, page, 'progress-phone', '/tinh/tien-do on a phone');
      await page.getByRole('link', { name: /Kế hoạch thực hiện Chương trình OCOP tỉnh Vĩnh Long/ }).click();
      await page.waitForURL(/\/tinh\/ke-hoach\/\d+/);
      await look(env, page, 'plan-phone', 'the plan on a phone');
    });
  });
}
