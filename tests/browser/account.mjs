// account.mjs: the account pages as a person uses them: sign in with a wrong then the right
// password (the message next to the password, the username still typed), one's own account,
// sign out; a producer's registration with a mistake (next to its field, the values kept) and
// then done; the pages with JavaScript disabled and on a phone (360×740), in Vietnamese and in
// English. axe-core runs on every page shown, and each is photographed for a person to look at.
import { join } from 'node:path';
import { DESKTOP, PHONE, assert, shown, text, visit, withPage } from './lib.mjs';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DEMO_PASSWORD = 'demo-ocop-2026';

async function axe(env, page, where) {
  const r = await new env.AxeBuilder({ page }).withTags(WCAG).analyze();
  const v = r.violations.map((x) => `${x.id} (${x.impact}): ${x.help}\n        at ${x.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  assert(v.length === 0, `${where}: ${v.length} axe violation(s) of WCAG 2.1 AA:\n      ${v.join('\n      ')}`);
}

// A full-page screenshot named name; with JavaScript on, also axe and no sideways scrolling
// (both run scripts in the page, which a context without JavaScript refuses).
async function look(env, page, name, where, js = true) {
  await page.screenshot({ path: join(env.shots, `${name}.png`), fullPage: true });
  if (!js) return;
  const vw = page.viewportSize().width;
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= vw, `${where}: the page is ${width} px wide, wider than the ${vw} px screen`);
  await axe(env, page, where);
}

// The text of the error shown next to the field labelled label, and the field itself.
async function fieldError(page, label) {
  const input = page.getByLabel(label, { exact: true });
  const id = await input.getAttribute('id');
  const err = page.locator(`#${id}-error`);
  return {
    input,
    // as read (the stylesheet writes its first letter in capitals): compared in lower case
    error: (await err.count()) ? (await err.innerText()).trim().toLowerCase() : null,
    invalid: await input.getAttribute('aria-invalid'),
    describedby: (await input.getAttribute('aria-describedby')) || '',
    id,
  };
}

async function submit(page, name) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.getByRole('button', { name }).click()]);
}

async function signIn(page, username, password) {
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await submit(page, 'Đăng nhập');
}

export default function (check) {
  const SIZES = [['desktop', DESKTOP, true], ['phone', PHONE, true], ['phone-nojs', PHONE, false]];
  for (const [size, viewport, js] of SIZES) {
    check(`sign in with a wrong then the right password, then sign out (${size})`, async (env) => {
      await withPage(env, { viewport, javaScriptEnabled: js, isMobile: viewport === PHONE }, async (page) => {
        await visit(env, page, '/dang-nhap');
        await look(env, page, `signin-${size}`, `/dang-nhap at ${size} size`, js);
        await signIn(page, 'hd.thuky', 'not-the-password');
        const f = await fieldError(page, 'Mật khẩu');
        assert(f.error === 'sai tên đăng nhập hoặc mật khẩu', `wrong password: the message next to the password is ${JSON.stringify(f.error)}`);
        assert(f.invalid === 'true' && f.describedby.includes(`${f.id}-error`), 'wrong password: the field is not marked invalid and described by its message');
        const kept = await page.getByLabel('Tên đăng nhập', { exact: true }).inputValue();
        assert(kept === 'hd.thuky', `wrong password: the username box holds "${kept}", not what was typed`);
        assert(await page.getByRole('link', { name: /^sai tên đăng nhập hoặc mật khẩu$/i }).count() === 1,
               'wrong password: the summary at the top does not link to the field');
        await look(env, page, `signin-error-${size}`, `/dang-nhap with a wrong password at ${size} size`, js);
        await signIn(page, 'hd.thuky', DEMO_PASSWORD);
        assert(new URL(page.url()).pathname === '/lam-viec', `right password: the browser is at ${page.url()}, not /lam-viec`);
        shown(await text(page), 'Việc cần làm ngay', 'after signing in');
        await visit(env, page, '/tai-khoan');
        const t = await text(page);
        shown(t, 'hd.thuky', 'own account');
        shown(t, 'Thư ký Hội đồng', 'own account');
        await look(env, page, `account-${size}`, `/tai-khoan at ${size} size`, js);
        await visit(env, page, '/tai-khoan/mat-khau');
        await look(env, page, `password-${size}`, `/tai-khoan/mat-khau at ${size} size`, js);
        await visit(env, page, '/tai-khoan');
        await submit(page, 'Đăng xuất');
        shown(await text(page), 'Bạn đã đăng xuất.', 'after signing out');
        // signed out: one's account sends to sign-in, and back to it afterwards
        await page.goto(env.base + '/tai-khoan');
        assert(page.url().endsWith('/dang-nhap?next=%2Ftai-khoan'), `signed out: /tai-khoan led to ${page.url()}`);
        await signIn(page, 'hd.thuky', DEMO_PASSWORD);
        assert(new URL(page.url()).pathname === '/tai-khoan', `signing in again: back at ${page.url()}, not /tai-khoan`);
      });
    });
  }

  for (const [size, viewport, js] of SIZES) {
   check(`a producer registers: a mistake is shown next to its field, the values kept (${size})`, async (env) => {
    await withPage(env, { viewport, javaScriptEnabled: js, isMobile: viewport === PHONE }, async (page) => {
      await visit(env, page, '/dang-ky');
      await look(env, page, `register-${size}`, `/dang-ky at ${size} size`, js);
      const user = `htx.${size}.${Date.now() % 100000}`;
      // the commune in two steps: the province, then its communes (fetched, or shown by a button)
      await page.getByLabel('Tỉnh, thành phố', { exact: true }).selectOption('86');
      if (js) await page.waitForFunction(() => document.getElementById('f-producer_commune_code').options.length > 1);
      else await submit(page, 'Hiện các xã, phường của tỉnh');
      await page.getByLabel('Xã, phường, đặc khu', { exact: true }).selectOption('28903');
      await page.getByLabel('Tên đăng nhập', { exact: true }).fill(user);
      await page.getByLabel('Mật khẩu', { exact: true }).fill('mật khẩu dài của hợp tác xã');
      await page.getByLabel('Nhập lại mật khẩu', { exact: true }).fill('một mật khẩu khác hẳn');
      await page.getByLabel('Loại hình tổ chức', { exact: true }).selectOption('cooperative');
      await page.getByLabel('Tên hợp tác xã, doanh nghiệp hoặc hộ sản xuất', { exact: true }).fill('HTX Thử Nghiệm Trình Duyệt');
      await submit(page, 'Đăng ký');
      const f = await fieldError(page, 'Nhập lại mật khẩu');
      assert(f.error === 'hai mật khẩu không giống nhau', `registration: next to the repeated password: ${JSON.stringify(f.error)}`);
      const name = await page.getByLabel('Tên hợp tác xã, doanh nghiệp hoặc hộ sản xuất', { exact: true }).inputValue();
      assert(name === 'HTX Thử Nghiệm Trình Duyệt', `registration: the organisation's name is now "${name}"`);
      assert(await page.getByLabel('Loại hình tổ chức', { exact: true }).inputValue() === 'cooperative', 'registration: the type is no longer chosen');
      await look(env, page, `register-error-${size}`, `/dang-ky with a mistake at ${size} size`, js);
      await page.getByLabel('Mật khẩu', { exact: true }).fill('mật khẩu dài của hợp tác xã');
      await page.getByLabel('Nhập lại mật khẩu', { exact: true }).fill('mật khẩu dài của hợp tác xã');
      await submit(page, 'Đăng ký');
      shown(await text(page), 'Tài khoản của bạn đã được đăng ký.', 'after registering');
      await signIn(page, user, 'mật khẩu dài của hợp tác xã');
      // what needs it now: nothing yet, and why
      shown(await text(page), 'Tài khoản của bạn đang chờ cán bộ OCOP của xã xác nhận', 'a new producer\'s first page');
      await visit(env, page, '/tai-khoan');
      shown(await text(page), 'đang chờ cấp xã xác nhận', 'a new producer\'s account');
    });
   });
  }

  check('error pages and the sign-in page in English', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, '/khong-co-trang-nay', 404);
      shown(await text(page), 'Không tìm thấy trang', 'a missing page');
      await look(env, page, 'error-404-desktop', 'a 404 page');
      await visit(env, page, '/khong-co-trang-nay?lang=en', 404);
      shown(await text(page), 'Page not found', 'a missing page in English');
      await visit(env, page, '/dang-nhap');
      const t = await text(page);
      shown(t, 'Username', 'sign-in in English (the language chosen is kept)');
      await axe(env, page, '/dang-nhap in English');
    });
  });
}
