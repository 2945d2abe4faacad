// council.mjs: the council's workspace as its members use it (page_council.c). The check makes
// its own council (a chair, two members, a secretary), round and dossiers through the JSON API,
// so the demo's records stay as they were. Three members score by clicking, the chair on a
// desktop and a member on a 360 px phone; their totals spread over the threshold, the chair
// opens a re-scoring with a comment, they score again and the chair closes; the minutes PDF is
// turned into a picture. Another member's session ends while scoring: the choices stay in the
// browser and are saved once signed in again. Each page is photographed at both sizes, with
// axe-core and no sideways scrolling.
import { spawnSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DESKTOP, PHONE, assert, look, shown, signInAs, submit, text, visit, withPage } from './lib.mjs';

const PASSWORD = 'council-browser-check-1';

async function api(env, method, path, body, want) {
  const headers = { accept: 'application/json', authorization: `Bearer ${env.tokens.admin}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(env.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const t = await r.text();
  assert(r.status === want, `${method} ${path}: ${r.status}, not ${want}: ${t}`);
  return t ? JSON.parse(t) : null;
}

function vietnamDay(days = 0) {
  return new Date(Date.now() + 7 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

// The council, its four people and a round open for 60 days, made once for the file's checks.
let made = null;
async function council(env) {
  if (made) return made;
  const c = await api(env, 'POST', '/api/v1/councils', { name: 'Hội đồng kiểm thử giao diện tỉnh Vĩnh Long', level: 'province', province_code: '86' }, 201);
  const people = [['bc.chutich', 'council_chair', 'Nguyễn Văn An'], ['bc.tv1', 'council_member', 'Trần Thị Bình'],
                  ['bc.tv2', 'council_member', 'Lê Văn Cường'], ['bc.thuky', 'council_secretary', 'Phạm Thị Dung']];
  for (const [username, role, full_name] of people)
    await api(env, 'POST', '/api/v1/users', { username, password: PASSWORD, full_name, roles: [{ role, scope: String(c.id) }] }, 201);
  const ends = vietnamDay(60);
  const round = await api(env, 'POST', '/api/v1/rounds', {
    province_code: '86', year: Number(ends.slice(0, 4)) + 1, number: 9, forward_by: ends, ends_on: ends, council_id: c.id,
  }, 201);
  made = { council: c.id, round: round.id };
  return made;
}

// A dossier of product 2 taken into the check's round, with a self-assessment and a file for 1.1.
async function dossier(env) {
  const { round } = await council(env);
  // the run's certificate (run.mjs) made product 2 a 3-star product: this is its upgrade
  const d = await api(env, 'POST', '/api/v1/dossiers', { kind: 'upgrade', product_id: 2 }, 201);
  const at = `/api/v1/dossiers/${d.id}`;
  await api(env, 'PUT', `${at}/self-assessment`, { choices: { '1.1': 1, '1.2': 0 } }, 200);
  const r = await fetch(`${env.base}${at}/files?kind=other&criterion=1.1&filename=vung-nguyen-lieu.pdf`, {
    method: 'POST', headers: { authorization: `Bearer ${env.tokens.admin}`, 'content-type': 'application/pdf' }, body: '%PDF-1.4 vung nguyen lieu',
  });
  assert(r.status === 201, `evidence upload: ${r.status}`);
  for (const action of ['submit', 'receive']) await api(env, 'POST', `${at}/transitions`, { action }, 200);
  const met = { met: true };
  await api(env, 'PUT', `${at}/commune-report`, { items: { origin: met, labour: met, idea: met, identity: met } }, 200);
  for (const action of ['forward', 'check']) await api(env, 'POST', `${at}/transitions`, { action }, 200);
  await api(env, 'POST', `${at}/transitions`, { action: 'assign', round_id: round }, 200);
  return d.id;
}

// Click one option in every criterion box: the highest (high) or the lowest, by its label, as
// a finger would.
async function fill(page, high) {
  const boxes = page.locator('fieldset.crit');
  const n = await boxes.count();
  assert(n >= 20, `the sheet shows ${n} criteria`);
  for (let i = 0; i < n; i++) {
    const labels = boxes.nth(i).locator('.opt label');
    await (high ? labels.last() : labels.first()).click();
  }
  return n;
}

// Score dossier id as username on a page of viewport size (js: with JavaScript, saving each
// click; without, the form's own POST), submit, and land on the council view.
async function score(env, viewport, username, id, high, shots, js = true) {
  await withPage(env, { viewport, isMobile: viewport === PHONE, javaScriptEnabled: js }, async (page) => {
    await signInAs(env, page, username, PASSWORD);
    assert(await page.locator(`main a[href="/cham-diem/${id}"]`).count() > 0, `/lam-viec of ${username} does not list the dossier`);
    await visit(env, page, '/cham-diem');
    if (shots) await look(env, page, `council-list-${shots}`, `/cham-diem at ${shots} size`);
    await page.locator(`a[href="/cham-diem/${id}"]`).first().click();
    await page.waitForLoadState('load');
    const t = await text(page);
    shown(t, 'Tự đánh giá:', 'the sheet beside the self-assessment');
    shown(t, 'vung-nguyen-lieu.pdf', 'the evidence of criterion 1.1');
    await fill(page, high);
    if (js) await page.locator('[data-r="saved"]', { hasText: 'Đã lưu lúc' }).waitFor();
    if (shots) await look(env, page, `council-sheet-${shots}`, `/cham-diem/${id} at ${shots} size`);
    await submit(page, 'Nộp phiếu chấm điểm');
    assert(new URL(page.url()).pathname === `/cham-diem/${id}/hoi-dong`, `submitting led to ${page.url()}`);
    shown(await text(page), 'Phiếu của bạn đã được nộp.', 'after submitting');
  });
}

export default function (check) {
  check('three members score, the spread calls for a re-scoring, the chair closes; the minutes (desktop, phone)', async (env) => {
    const id = await dossier(env);
    await score(env, DESKTOP, 'bc.chutich', id, true, 'desktop');
    await score(env, PHONE, 'bc.tv1', id, false, 'phone');
    await score(env, DESKTOP, 'bc.tv2', id, false, null, false);
    await withPage(env, {}, async (page) => {
      await signInAs(env, page, 'bc.chutich', PASSWORD);
      await visit(env, page, `/cham-diem/${id}/hoi-dong`);
      let t = await text(page);
      shown(t, 'Số phiếu đã nộp: 3/3', 'the quorum');
      shown(t, 'Vượt ngưỡng', 'the spread flag');
      await look(env, page, 'council-view-desktop', 'the council view at desktop size');
      await page.getByLabel('Ý kiến ghi vào biên bản').first().fill('Chênh lệch lớn ở phần B: thảo luận rồi chấm lại');
      await submit(page, 'Mở chấm lại');
      shown(await text(page), 'Đã mở chấm lại', 'after the re-scoring opened');
    });
    // the second pass without JavaScript: the sheet's own form saves and submits
    for (const who of ['bc.chutich', 'bc.tv1', 'bc.tv2']) await score(env, DESKTOP, who, id, true, null, false);
    await withPage(env, { viewport: PHONE, isMobile: true }, async (page) => {
      await signInAs(env, page, 'bc.chutich', PASSWORD);
      await visit(env, page, `/cham-diem/${id}/hoi-dong`);
      await look(env, page, 'council-view-phone', 'the council view at phone size');
      await page.getByLabel('Ý kiến ghi vào biên bản').last().fill('Hội đồng thống nhất kết quả');
      await submit(page, 'Kết thúc chấm điểm');
      const t = await text(page);
      shown(t, 'Đã kết thúc chấm điểm', 'after closing');
      const href = await page.getByRole('link', { name: 'Biên bản (PDF, sẵn sàng để ký)' }).getAttribute('href');
      const pdf = await page.request.get(env.base + href);
      assert(pdf.status() === 200 && pdf.headers()['content-type'].startsWith('application/pdf'), `the minutes: ${pdf.status()}`);
      const file = join(env.shots, 'council-minutes.pdf');
      writeFileSync(file, await pdf.body());
      const r = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', file, join(env.shots, 'council-minutes')]);
      assert(r.status === 0, `pdftoppm: ${r.stderr}`);
      renameSync(join(env.shots, 'council-minutes-1.png'), join(env.shots, 'council-minutes.png'));
      const words = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
      for (const w of ['BIÊN BẢN HỌP HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP', 'Nguyễn Văn An', 'mở chấm lại', 'CHỦ TỊCH HỘI ĐỒNG'])
        shown(words, w, 'the minutes PDF');
    });
  });

  check('a session that ends while scoring loses nothing (phone)', async (env) => {
    const id = await dossier(env);
    await withPage(env, { viewport: PHONE, isMobile: true }, async (page) => {
      await signInAs(env, page, 'bc.tv2', PASSWORD);
      await visit(env, page, `/cham-diem/${id}`);
      const box = (code) => page.locator(`fieldset.crit[data-code="${code}"] .opt label`);
      await box('1.1').last().click();
      await page.locator('[data-r="saved"]', { hasText: 'Đã lưu lúc' }).waitFor();
      // the session ends (it expired, or was signed out elsewhere)
      await page.context().clearCookies({ name: 'ocop_session' });
      await box('1.2').last().click();
      await box('1.3').first().click();
      await page.locator('[data-r="saved"]', { hasText: 'Phiên đăng nhập đã hết hạn' }).waitFor();
      await look(env, page, 'council-sheet-expired-phone', 'the sheet after the session ended');
      // signed in again, the page put the choices back and saves them
      await signInAs(env, page, 'bc.tv2', PASSWORD);
      await visit(env, page, `/cham-diem/${id}`);
      await page.locator('[data-r="saved"]', { hasText: 'Đã lưu lúc' }).waitFor();
      // as the server has them now (the browser's copy is gone once saved)
      await page.reload({ waitUntil: 'load' });
      for (const [code, last] of [['1.1', true], ['1.2', true], ['1.3', false]]) {
        const radios = page.locator(`fieldset.crit[data-code="${code}"] input[type="radio"]`);
        const checked = await (last ? radios.last() : radios.first()).isChecked();
        assert(checked, `criterion ${code}: the choice made while signed out was not saved`);
      }
    });
  });
}
