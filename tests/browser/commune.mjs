// commune.mjs: the commune officer's workspace as xa.mocay uses it. The producer (through the
// JSON API, as its own session) files a new dossier; the officer finds it on "what needs me
// now" and in the inbox, receives it, returns it once with a comment; the producer submits it
// again; the officer receives it again, fills in the commune's report (Mẫu 03) and forwards it
// to the province. Then a self-registered producer is confirmed. Desktop and phone screenshots
// of /lam-viec, /xa/ho-so, /xa/ho-so/{id} and /xa/xac-nhan; axe-core on each. The demo's own
// dossiers are left as they were: the check acts only on what it creates.
import { DEMO_PASSWORD, DESKTOP, PHONE, assert, look, shown, signInAs, submit, text, visit, withPage } from './lib.mjs';

// A JSON API call as a signed-in person (its session's cookie and CSRF token).
async function api(env, who, method, path, body) {
  const r = await fetch(env.base + path, {
    method,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => null);
  assert(r.ok, `${method} ${path} as ${who.name}: HTTP ${r.status} ${JSON.stringify(json)}`);
  return json;
}

async function session(env, name) {
  const r = await fetch(`${env.base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name, password: DEMO_PASSWORD }),
  });
  assert(r.ok, `signing in ${name} through the API: HTTP ${r.status}`);
  const json = await r.json();
  return { name, csrf: json.csrf_token, cookie: r.headers.get('set-cookie').split(';')[0] };
}

// The producer files an upgrade of its product 2 with a self-assessment and submits it.
async function fileDossier(env, producer) {
  const d = await api(env, producer, 'POST', '/api/v1/dossiers', { kind: 'upgrade', product_id: 2, note: 'Hồ sơ của phép thử xã' });
  await api(env, producer, 'PUT', `/api/v1/dossiers/${d.id}/self-assessment`, { choices: {} });
  const s = await api(env, producer, 'POST', `/api/v1/dossiers/${d.id}/transitions`, { action: 'submit' });
  return { id: d.id, regNo: s.reg_no };
}

export default function (check) {
  check('receive, return with a comment, then Mẫu 03 and forward; confirm an account (desktop and phone)', async (env) => {
    const producer = await session(env, 'chuthe.thanhlong');
    const { id, regNo } = await fileDossier(env, producer);
    const path = `/xa/ho-so/${id}`;
    await withPage(env, { viewport: DESKTOP }, async (page) => {
      await signInAs(env, page, 'xa.mocay');
      let t = await text(page);
      shown(t, 'Hồ sơ chờ tiếp nhận', '/lam-viec');
      shown(t, regNo, '/lam-viec');
      shown(t, 'Quá hạn', '/lam-viec (the demo\'s overdue dossier)');
      await look(env, page, 'commune-work-desktop', '/lam-viec as the commune officer');

      await page.getByRole('link', { name: 'Hồ sơ của xã', exact: true }).click();
      await page.waitForURL(/\/xa\/ho-so$/);
      t = await text(page);
      shown(t, regNo, '/xa/ho-so');
      shown(t, 'Quá hạn · hạn', '/xa/ho-so');
      await look(env, page, 'commune-dossiers-desktop', '/xa/ho-so');

      // search by the registration number, then open it
      await page.getByLabel('Tìm kiếm (có dấu hoặc không dấu)').fill(regNo);
      await submit(page, 'Xem kết quả');
      shown(await text(page), '1 kết quả', '/xa/ho-so searched by number');
      await Promise.all([page.waitForNavigation(), page.locator(`a[href="${path}"]`).click()]);
      shown(await text(page), 'Kiểm tra thành phần hồ sơ', path);

      await submit(page, 'Xã tiếp nhận');
      t = await text(page);
      shown(t, 'Đã tiếp nhận hồ sơ: xã có 15 ngày làm việc để kiểm tra.', `${path} after receiving`);
      shown(t, 'Hạn xã kiểm tra', `${path} after receiving`);
      await page.getByLabel('Ý kiến gửi chủ thể (bắt buộc)').fill('Bổ sung phiếu kết quả kiểm nghiệm và ảnh nhãn');
      await submit(page, 'Trả lại để bổ sung');
      t = await text(page);
      shown(t, 'Đã trả hồ sơ cho chủ thể kèm ý kiến của bạn.', `${path} after returning`);
      shown(t, 'Bổ sung phiếu kết quả kiểm nghiệm và ảnh nhãn', `${path}'s history`);

      // the producer adds what was asked and submits again
      await api(env, producer, 'POST', `/api/v1/dossiers/${id}/transitions`, { action: 'resubmit' });
      await visit(env, page, path);
      await submit(page, 'Xã tiếp nhận');
      const items = [['Sản phẩm và nguyên liệu có nguồn gốc tại địa phương', 'Đạt', 'Dừa nguyên liệu trồng tại xã Mỏ Cày'],
                     ['Sử dụng lao động tại địa phương', 'Đạt', '12 lao động địa phương'],
                     ['Ý tưởng sản phẩm xuất phát từ địa phương', 'Đạt', ''],
                     ['Sản phẩm mang bản sắc, đặc trưng của địa phương', 'Không đạt', 'Bao bì chưa thể hiện bản sắc địa phương']];
      for (const [legend, choice, note] of items) {
        const set = page.getByRole('group', { name: legend });
        await set.getByLabel(choice, { exact: true }).check();
        if (note) await set.getByLabel('Ghi chú').fill(note);
      }
      await page.getByLabel('Ý kiến của xã').fill('Đủ điều kiện chuyển cấp tỉnh đánh giá');
      await look(env, page, 'commune-dossier-desktop', `${path} with Mẫu 03 filled in`);
      await submit(page, 'Lưu báo cáo (Mẫu 03)');
      t = await text(page);
      shown(t, 'Đã lưu báo cáo của xã (Mẫu 03).', `${path} after saving Mẫu 03`);
      await submit(page, 'Chuyển lên tỉnh');
      t = await text(page);
      shown(t, 'Đã chuyển hồ sơ lên tỉnh.', `${path} after forwarding`);
      shown(t, 'Không đạt Bao bì chưa thể hiện bản sắc địa phương', `${path}'s report after forwarding`);
      const d = await api(env, producer, 'GET', `/api/v1/dossiers/${id}`);
      assert(d.state === 'forwarded', `the dossier is ${d.state}, not forwarded`);
      assert(d.commune_report.items.identity.met === false, 'Mẫu 03 was not saved as filled in');
    });

    // a producer registers itself; the officer confirms it
    const r = await fetch(`${env.base}/api/v1/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ho.bayxuan', password: 'mat-khau-dai-2026', phone: '0913000777',
                             producer: { type: 'household', name: 'Hộ kinh doanh Bảy Xuân', commune_code: '28903' } }),
    });
    assert(r.status === 201, `registering a producer: HTTP ${r.status}`);
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await withPage(env, { viewport, isMobile: viewport === PHONE }, async (page) => {
        await signInAs(env, page, 'xa.mocay');
        if (size === 'phone') {
          await look(env, page, 'commune-work-phone', '/lam-viec on a phone');
          await visit(env, page, '/xa/ho-so');
          await look(env, page, 'commune-dossiers-phone', '/xa/ho-so on a phone');
          await visit(env, page, path);
          await look(env, page, 'commune-dossier-phone', `${path} on a phone`);
        }
        await visit(env, page, '/xa/xac-nhan');
        shown(await text(page), 'Hộ kinh doanh Bảy Xuân', '/xa/xac-nhan');
        await look(env, page, `commune-accounts-${size}`, `/xa/xac-nhan at ${size} size`);
        if (size === 'phone') {
          await submit(page, 'Xác nhận ho.bayxuan');
          const t = await text(page);
          shown(t, 'Đã xác nhận tài khoản', '/xa/xac-nhan after confirming');
          assert(!t.includes('Hộ kinh doanh Bảy Xuân'), '/xa/xac-nhan still lists the confirmed account');
        }
      });
    }
  });
}
