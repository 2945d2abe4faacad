// province.mjs: the province officer's workspace, first half (page_province.c), as the officer of
// Vĩnh Long uses it: sets up a council and gives it four members (a chair, two members, a
// secretary: new accounts), opens a round with that council, checks a dossier the commune
// forwarded and puts it in the round; one member declares a conflict of interest with it
// (through the API, as that member), which the round's and the council's pages then show.
// The records acted on are made here (a product and its dossier through the API), so the
// demo's own stay as they were. Screenshots at desktop and phone size of /tinh/ho-so,
// /tinh/ho-so/{id}, /tinh/dot, /tinh/dot/{id} and /tinh/hoi-dong/{id}; axe-core on each.
import { DESKTOP, PHONE, assert, look, shown, signInAs, submit, text, visit, withPage } from './lib.mjs';
import { vietnamToday } from './certificate.mjs';

// A JSON request to the API with a bearer token (or, with session, a session cookie and its
// CSRF token); fails unless it answers want.
async function api(env, auth, method, path, body, want) {
  const headers = { 'Content-Type': 'application/json' };
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  if (auth.cookie) Object.assign(headers, { Cookie: auth.cookie, 'X-CSRF-Token': auth.csrf });
  const r = await fetch(env.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const t = await r.text();
  assert(r.status === want, `${method} ${path}: HTTP ${r.status}, not ${want}: ${t.slice(0, 300)}`);
  return t ? JSON.parse(t) : null;
}

// A session of username through the API: what a member's own browser or app would hold.
async function session(env, username, password) {
  const r = await fetch(`${env.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert(r.status === 200 || r.status === 201, `signing ${username} in through the API: HTTP ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return { cookie, csrf: (await r.json()).csrf_token };
}

// A new product of the demo's producer 1 and its dossier, taken by the administrator up to
// "forwarded" (the commune's part). Its id.
async function forwardedDossier(env) {
  const admin = { token: env.tokens.admin };
  const p = await api(env, admin, 'POST', '/api/v1/products', { name: 'Mứt dừa non kiểm thử', set_no: 1, producer_id: 1 }, 201);
  const d = await api(env, admin, 'POST', '/api/v1/dossiers', { kind: 'first', product_id: p.id }, 201);
  const at = `/api/v1/dossiers/${d.id}`;
  await api(env, admin, 'PUT', `${at}/self-assessment`, { choices: {} }, 200);
  for (const action of ['submit', 'receive']) await api(env, admin, 'POST', `${at}/transitions`, { action }, 200);
  const met = { met: true, note: 'Dừa trồng tại xã' };
  await api(env, admin, 'PUT', `${at}/commune-report`, { items: { origin: met, labour: met, idea: met, identity: met } }, 200);
  await api(env, admin, 'POST', `${at}/transitions`, { action: 'forward' }, 200);
  return d.id;
}

function addDays(iso, n) {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
}

const MEMBERS = [
  ['council_chair', 'kt.chutich', 'Nguyễn Thị Chủ Tịch'],
  ['council_member', 'kt.thanhvien1', 'Trần Văn Một'],
  ['council_member', 'kt.thanhvien2', 'Lê Thị Hai'],
  ['council_secretary', 'kt.thuky', 'Phạm Văn Thư Ký'],
];
const MEMBER_PASSWORD = 'hoi-dong-kiem-thu-2026';

export default function (check) {
  check('the province officer sets up a council of four, opens a round and puts a checked dossier in it', async (env) => {
    const id = await forwardedDossier(env);
    const today = vietnamToday();
    let council, round;
    await withPage(env, { viewport: DESKTOP }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      shown(await text(page), 'Hồ sơ xã đã chuyển lên, chờ tỉnh kiểm tra', '/lam-viec');

      // a council and its four members
      await visit(env, page, '/tinh/hoi-dong');
      await page.getByRole('link', { name: 'Thành lập Hội đồng' }).click();
      await page.getByLabel('Tên Hội đồng', { exact: true }).fill('Hội đồng kiểm thử trình duyệt');
      await page.getByLabel('Số quyết định thành lập', { exact: true }).fill('15/QĐ-UBND');
      await submit(page, 'Thành lập Hội đồng');
      council = new URL(page.url()).pathname;
      assert(/^\/tinh\/hoi-dong\/\d+$/.test(council), `setting up a council led to ${page.url()}`);
      for (const [role, username, name] of MEMBERS) {
        await page.locator('summary', { hasText: 'Thêm thành viên' }).click();
        await page.getByLabel('Chức danh', { exact: true }).selectOption(role);
        await page.getByLabel('Cơ quan công tác', { exact: true }).fill('Sở Nông nghiệp và Môi trường');
        await page.getByLabel('Tài khoản mới: tên đăng nhập', { exact: true }).fill(username);
        await page.getByLabel('Tài khoản mới: họ và tên', { exact: true }).fill(name);
        await page.getByLabel('Tài khoản mới: mật khẩu ban đầu', { exact: true }).fill(MEMBER_PASSWORD);
        await submit(page, 'Thêm vào Hội đồng');
        shown(await text(page), 'Đã thêm thành viên vào Hội đồng.', `adding ${username}`);
      }
      const t = await text(page);
      for (const [, , name] of MEMBERS) shown(t, name, council);

      // a round with that council, dates ahead
      await visit(env, page, '/tinh/dot');
      await page.getByRole('link', { name: 'Mở đợt đánh giá mới' }).click();
      await page.getByLabel('Tên', { exact: true }).fill('Đợt kiểm thử trình duyệt');
      await page.getByLabel('Hạn các xã chuyển hồ sơ lên tỉnh', { exact: true }).fill(addDays(today, 30));
      await page.getByLabel('Ngày kết thúc đợt', { exact: true }).fill(addDays(today, 60));
      await page.getByLabel('Hội đồng đánh giá', { exact: true }).selectOption({ label: 'Hội đồng kiểm thử trình duyệt' });
      await submit(page, 'Mở đợt đánh giá');
      round = new URL(page.url()).pathname;
      assert(/^\/tinh\/dot\/\d+$/.test(round), `opening a round led to ${page.url()}`);
      shown(await text(page), 'Hội đồng kiểm thử trình duyệt', round);

      // the forwarded dossier: checked from its page, then put in the round from the round's page
      await visit(env, page, `/tinh/ho-so?state=forwarded`);
      await page.getByRole('link', { name: 'Mứt dừa non kiểm thử' }).click();
      shown(await text(page), 'Báo cáo của xã (Mẫu 03)', `/tinh/ho-so/${id}`);
      await submit(page, 'Tỉnh kiểm tra');
      shown(await text(page), 'Đã thực hiện: Tỉnh kiểm tra.', `/tinh/ho-so/${id}`);
      await visit(env, page, round);
      await page.getByLabel(/Mứt dừa non kiểm thử/).check();
      await submit(page, 'Đưa các hồ sơ đã chọn vào đợt');
      shown(await text(page), 'Các hồ sơ đã chọn đã được đưa vào đợt đánh giá.', round);
    });

    // a member declares a conflict of interest with it, from their own session
    const member = await session(env, 'kt.thanhvien2', MEMBER_PASSWORD);
    await api(env, member, 'POST', `/api/v1/dossiers/${id}/conflicts`, { reason: 'Là người thân của chủ thể' }, 200);

    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await withPage(env, { viewport, isMobile: viewport === PHONE }, async (page) => {
        await signInAs(env, page, 'tinh.vinhlong');
        await visit(env, page, round);
        const t = await text(page);
        shown(t, 'Mứt dừa non kiểm thử', round);
        shown(t, 'Thành viên tự khai báo («Là người thân của chủ thể»)', round);
        shown(t, '0/2 (cần 2)', round); // the member with a conflict does not count
        await look(env, page, `province-round-${size}`, `${round} at ${size} size`);
        await visit(env, page, council);
        shown(await text(page), 'Là người thân của chủ thể', council);
        await look(env, page, `province-council-${size}`, `${council} at ${size} size`);
        await visit(env, page, '/tinh/ho-so');
        await look(env, page, `province-dossiers-${size}`, `/tinh/ho-so at ${size} size`);
        await visit(env, page, `/tinh/ho-so/${id}`);
        shown(await text(page), 'Đợt kiểm thử trình duyệt', `/tinh/ho-so/${id}`);
        await look(env, page, `province-dossier-${size}`, `/tinh/ho-so/${id} at ${size} size`);
        await visit(env, page, '/tinh/dot');
        await look(env, page, `province-rounds-${size}`, `/tinh/dot at ${size} size`);
      });
    }
  });

  check('a commune officer opening the province\'s pages is told whose they are', async (env) => {
    await withPage(env, { viewport: PHONE, isMobile: true }, async (page) => {
      await signInAs(env, page, 'xa.mocay');
      await visit(env, page, '/tinh/dot', 403);
      shown(await text(page), 'Cán bộ OCOP cấp tỉnh', '/tinh/dot as a commune officer');
    });
  });
}
