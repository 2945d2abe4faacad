// journey.mjs: the whole procedure by clicking, as the people who do it would, one after the
// other in the browser: a producer registers at /dang-ky and the commune officer confirms the
// account; the producer adds a product with a photo and files a dossier through the wizard
// (Mẫu 01, the self-assessment clicked on the sheet, an evidence file); the commune receives it,
// returns it once with a comment, which the producer reads before submitting again; the commune
// fills Mẫu 03 and forwards it; the province checks it, sets up a council of four new accounts,
// opens a round and puts the dossier in it; one member declares a conflict of interest, three
// score with totals spread over the threshold, the chair opens a re-scoring, they score again
// close together and the chair closes; the province decides and sees the certificate, which the
// public product page shows and whose QR code (read off the PDF) opens its verification page,
// valid. Nothing goes through the API: every record is made from the pages. Screenshots
// journey-*.png (the council sheet on a 360 px phone), axe-core and no sideways scrolling on each.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vietnamToday } from './certificate.mjs';
import { PHONE, assert, look, shown, signInAs, submit, text, visit, withPage } from './lib.mjs';

const PRODUCER = 'htx.hanhtrinh';
const PRODUCER_PASSWORD = 'mật khẩu của hợp tác xã hành trình';
const ORGANISATION = 'HTX Dừa Hành Trình';
const PRODUCT = 'Kẹo dừa Hành Trình';
const MEMBER_PASSWORD = 'hanh-trinh-hoi-dong-2026';
const MEMBERS = [['council_chair', 'ht.chutich', 'Võ Thị Chủ Tịch'], ['council_member', 'ht.tv1', 'Đặng Văn Một'],
                 ['council_member', 'ht.tv2', 'Huỳnh Thị Hai'], ['council_member', 'ht.tv3', 'Lý Văn Ba']];
const [CHAIR, ONE, TWO, THREE] = MEMBERS.map((m) => m[1]);

function addDays(iso, n) {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
}

// The options of every criterion of the sheet on the page, as a person reads them: for each
// box, each option's points and the stars it is the least for (0: none).
function readSheet(page) {
  return page.locator('fieldset.crit').evaluateAll((boxes) => boxes.map((box) => [...box.querySelectorAll('.opt')].map((o) => ({
    points: parseInt(o.querySelector('.pts').textContent, 10),
    least: parseInt((o.querySelector('.min') || { textContent: '0' }).textContent.replace(/\D+/g, '') || '0', 10),
  }))));
}

// Which option to click in each box for exactly target points while meeting the minimums of
// 4 stars: in each box the option marked as the least for 4 stars or fewer (else the one worth
// least), then one step up at a time while the total stays within target.
function choose(sheet, target) {
  const pick = sheet.map((opts) => {
    let at = -1;
    opts.forEach((o, i) => { if (o.least && o.least <= 4 && (at < 0 || o.points > opts[at].points)) at = i; });
    if (at < 0) opts.forEach((o, i) => { if (at < 0 || o.points < opts[at].points) at = i; });
    return at;
  });
  let total = sheet.reduce((s, opts, i) => s + opts[pick[i]].points, 0);
  for (let raised = true; raised && total < target;) {
    raised = false;
    sheet.forEach((opts, i) => {
      let next = -1;
      opts.forEach((o, k) => {
        if (o.points > opts[pick[i]].points && (next < 0 || o.points < opts[next].points)) next = k;
      });
      if (next >= 0 && total + opts[next].points - opts[pick[i]].points <= target) {
        total += opts[next].points - opts[pick[i]].points;
        pick[i] = next;
        raised = true;
      }
    });
  }
  assert(total === target, `no choice of options on the sheet adds up to ${target} points (the closest: ${total})`);
  return pick;
}

// Clicks the options of the sheet on the page for target points (4★ minimums met) and waits
// until the page shows that total and has saved the choices.
async function fillSheet(page, target) {
  const pick = choose(await readSheet(page), target);
  const boxes = page.locator('fieldset.crit');
  for (let i = 0; i < pick.length; i++) await boxes.nth(i).locator('.opt label').nth(pick[i]).click();
  await page.locator('[data-r="total"]', { hasText: new RegExp(`^${target}$`) }).waitFor();
  await page.locator('[data-r="saved"]', { hasText: 'Đã lưu' }).waitFor();
  const stars = await page.locator('[data-r="stars_label"]').innerText();
  assert(stars.includes('4 sao'), `${target} points on the sheet: after the minimum-star criteria "${stars}", not 4 stars`);
}

// A 640 × 480 PNG photo of coconut sweets on a plate, drawn and taken by the browser in a tab
// of page's own.
async function sweets(page) {
  const tab = await page.context().newPage();
  const candy = [[220, 190], [300, 170], [380, 200], [260, 260], [350, 270], [430, 250]]
    .map(([x, y]) => `<rect x="${x}" y="${y}" width="60" height="34" rx="8" fill="#f3e6c8" stroke="#b08850" stroke-width="3"/>`);
  await tab.setContent(`<body style="margin:0"><svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <rect width="640" height="480" fill="#5b8c3a"/><ellipse cx="330" cy="240" rx="230" ry="150" fill="#fafafa"/>
    ${candy.join('')}</svg></body>`);
  const png = await tab.screenshot({ clip: { x: 0, y: 0, width: 640, height: 480 } });
  await tab.close();
  return png;
}

// Signs username in on a new page (desktop unless options say otherwise) and runs fn(page); a
// failure says who was where.
function as(env, username, password, fn, options = {}) {
  return withPage(env, options, async (page) => {
    try {
      if (username) await signInAs(env, page, username, password);
      return await fn(page);
    } catch (e) {
      const main = await page.locator('main').innerText().catch(() => '');
      e.message = `${username || 'a visitor'} at ${page.url()}: ${e.message}\nthe page shows: ${main.replace(/\s+/g, ' ').slice(0, 400)}`;
      throw e;
    }
  });
}

// Clicks the link named name and waits for the page it opens.
async function follow(page, name) {
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name, exact: true }).first().click()]);
}

// A council member scores the dossier at /cham-diem/{id} with target points and submits; the
// council's view follows. shot names the phone screenshot of the sheet, if any.
async function score(env, username, id, target, shot) {
  const options = shot ? { viewport: PHONE, isMobile: true } : {};
  await as(env, username, MEMBER_PASSWORD, async (page) => {
    await Promise.all([page.waitForNavigation(), page.locator(`main a[href="/cham-diem/${id}"]`).first().click()]);
    shown(await text(page), PRODUCT, `/cham-diem/${id} as ${username}`);
    await fillSheet(page, target);
    if (shot) await look(env, page, shot, `/cham-diem/${id} on a phone as ${username}`);
    await submit(page, 'Nộp phiếu chấm điểm');
    assert(new URL(page.url()).pathname === `/cham-diem/${id}/hoi-dong`, `${username} submitting the sheet led to ${page.url()}`);
  }, options);
}

// The URL in the QR code of the certificate no, read off its PDF as a phone's camera would.
async function qrOf(env, no) {
  const res = await fetch(`${env.base}/api/v1/certificates/${no}/pdf`);
  assert(res.ok, `the certificate's PDF: HTTP ${res.status}`);
  const dir = mkdtempSync(join(tmpdir(), 'ocop-journey-'));
  try {
    writeFileSync(join(dir, 'c.pdf'), Buffer.from(await res.arrayBuffer()));
    const png = spawnSync('pdftoppm', ['-r', '150', '-png', '-singlefile', join(dir, 'c.pdf'), join(dir, 'page')]);
    assert(png.status === 0, `pdftoppm: ${png.stderr}`);
    const qr = spawnSync('zbarimg', ['-q', '--raw', join(dir, 'page.png')], { encoding: 'utf8' });
    const url = (qr.stdout || '').trim();
    assert(qr.status === 0 && url, `no QR code read off the certificate ${no}: ${qr.stderr}`);
    return url;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default function (check) {
  check('the whole procedure by clicking: register, file, commune, province, council, decision, QR code', async (env) => {
    const at = {}; // what one person leaves for the next: ids, paths, the certificate's number

    // 1. the producer registers; the commune officer confirms the account
    await as(env, null, null, async (page) => {
      await visit(env, page, '/dang-ky');
      await page.getByLabel('Tỉnh, thành phố', { exact: true }).selectOption('86');
      await page.waitForFunction(() => document.getElementById('f-producer_commune_code').options.length > 1);
      await page.getByLabel('Xã, phường, đặc khu', { exact: true }).selectOption('28903');
      await page.getByLabel('Tên đăng nhập', { exact: true }).fill(PRODUCER);
      await page.getByLabel('Mật khẩu', { exact: true }).fill(PRODUCER_PASSWORD);
      await page.getByLabel('Nhập lại mật khẩu', { exact: true }).fill(PRODUCER_PASSWORD);
      await page.getByLabel('Loại hình tổ chức', { exact: true }).selectOption('cooperative');
      await page.getByLabel('Tên hợp tác xã, doanh nghiệp hoặc hộ sản xuất', { exact: true }).fill(ORGANISATION);
      await look(env, page, 'journey-register-desktop', '/dang-ky filled in');
      await submit(page, 'Đăng ký');
      shown(await text(page), 'Tài khoản của bạn đã được đăng ký.', 'after registering');
    });
    await as(env, 'xa.mocay', undefined, async (page) => {
      await visit(env, page, '/xa/xac-nhan');
      shown(await text(page), ORGANISATION, '/xa/xac-nhan');
      await submit(page, `Xác nhận ${PRODUCER}`);
      shown(await text(page), 'Đã xác nhận tài khoản', '/xa/xac-nhan after confirming');
    });

    // 2. the producer adds a product with a photo and files a dossier through the wizard
    await as(env, PRODUCER, PRODUCER_PASSWORD, async (page) => {
      await follow(page, 'Sản phẩm của tôi');
      await follow(page, 'Thêm sản phẩm');
      await page.getByLabel('Tên sản phẩm').fill(PRODUCT);
      await page.getByLabel('Bộ sản phẩm').selectOption('1');
      await page.getByLabel('Mô tả').fill('Kẹo dừa nấu từ nước cốt dừa Mỏ Cày, gói giấy gạo.');
      await submit(page, 'Tạo sản phẩm');
      at.product = new URL(page.url()).pathname.split('/').pop();
      const photo = await sweets(page);
      await page.getByLabel(/Thêm ảnh/).setInputFiles({ name: 'keo-dua.png', mimeType: 'image/png', buffer: photo });
      await Promise.all([page.waitForURL(/done=photo/), page.getByRole('button', { name: 'Tải ảnh lên' }).click()]);
      assert(await page.locator('ul.photos img').count() === 1, 'the photo is not shown on the product page');
      await look(env, page, 'journey-product-desktop', 'the producer\'s new product');

      await visit(env, page, '/cua-toi/ho-so/moi');
      const card = page.locator('li', { has: page.getByRole('heading', { name: PRODUCT }) });
      await Promise.all([page.waitForNavigation(), card.getByRole('link', { name: 'Đánh giá lần đầu' }).click()]);
      await page.getByLabel('Ghi chú').fill('Gửi kèm 5 gói mẫu kẹo dừa.');
      await submit(page, 'Lưu và chuyển sang tự đánh giá');
      at.dossier = new URL(page.url()).pathname.split('/')[3];
      await fillSheet(page, 80);
      await look(env, page, 'journey-self-assessment-desktop', 'the self-assessment, 80 points');
      await follow(page, 'Tiếp: minh chứng');
      await page.getByLabel('Tiêu chí mà tệp chứng minh (không bắt buộc)').selectOption('1.1');
      await page.getByLabel(/^Tệp \(PDF/).setInputFiles({ name: 'vung-nguyen-lieu-dua.pdf', mimeType: 'application/pdf',
                                                         buffer: Buffer.from('%PDF-1.4\nvung nguyen lieu dua Mo Cay\n') });
      await Promise.all([page.waitForURL(/done=file/), page.getByRole('button', { name: 'Tải lên', exact: true }).click()]);
      shown(await text(page), 'vung-nguyen-lieu-dua.pdf', 'the evidence page');
      await follow(page, 'Tiếp: xem lại và nộp');
      await submit(page, 'Nộp hồ sơ');
      shown(await text(page), 'Hồ sơ đã được nộp cho xã.', 'after submitting');
    });

    // 3. the commune receives it and returns it with a comment; the producer reads it and
    // submits again; the commune receives it again, fills Mẫu 03 and forwards it
    const communeDossier = `/xa/ho-so/${at.dossier}`;
    const COMMENT = 'Bổ sung ảnh nhãn sản phẩm có ghi hạn sử dụng';
    await as(env, 'xa.mocay', undefined, async (page) => {
      await Promise.all([page.waitForNavigation(), page.locator(`main a[href="${communeDossier}"]`).first().click()]);
      shown(await text(page), PRODUCT, communeDossier);
      await submit(page, 'Xã tiếp nhận');
      await page.getByLabel('Ý kiến gửi chủ thể (bắt buộc)').fill(COMMENT);
      await submit(page, 'Trả lại để bổ sung');
      shown(await text(page), 'Đã trả hồ sơ cho chủ thể kèm ý kiến của bạn.', `${communeDossier} after returning`);
    });
    await as(env, PRODUCER, PRODUCER_PASSWORD, async (page) => {
      await follow(page, 'Hồ sơ của tôi');
      await Promise.all([page.waitForNavigation(), page.locator(`main a[href="/cua-toi/ho-so/${at.dossier}"]`).first().click()]);
      const t = await text(page);
      shown(t, 'Xã yêu cầu bổ sung', 'the returned dossier');
      shown(t, COMMENT, 'the returned dossier');
      await look(env, page, 'journey-returned-desktop', 'the returned dossier, as its producer sees it');
      await submit(page, 'Nộp lại');
      shown(await text(page), 'Đã nộp lại', 'after submitting again');
    });
    await as(env, 'xa.mocay', undefined, async (page) => {
      await Promise.all([page.waitForNavigation(), page.locator(`main a[href="${communeDossier}"]`).first().click()]);
      await submit(page, 'Xã tiếp nhận');
      for (const legend of ['Sản phẩm và nguyên liệu có nguồn gốc tại địa phương', 'Sử dụng lao động tại địa phương',
                            'Ý tưởng sản phẩm xuất phát từ địa phương', 'Sản phẩm mang bản sắc, đặc trưng của địa phương'])
        await page.getByRole('group', { name: legend }).getByLabel('Đạt', { exact: true }).check();
      await page.getByLabel('Ý kiến của xã').fill('Đã bổ sung ảnh nhãn; đủ điều kiện chuyển cấp tỉnh');
      await submit(page, 'Lưu báo cáo (Mẫu 03)');
      shown(await text(page), 'Đã lưu báo cáo của xã (Mẫu 03).', `${communeDossier} after Mẫu 03`);
      await submit(page, 'Chuyển lên tỉnh');
      shown(await text(page), 'Đã chuyển hồ sơ lên tỉnh.', `${communeDossier} after forwarding`);
      await look(env, page, 'journey-forwarded-desktop', 'the dossier forwarded by the commune');
    });

    // 4. the province checks it, sets up a council of four, opens a round and puts it in
    await as(env, 'tinh.vinhlong', undefined, async (page) => {
      await Promise.all([page.waitForNavigation(), page.locator(`main a[href="/tinh/ho-so/${at.dossier}"]`).first().click()]);
      shown(await text(page), 'Báo cáo của xã (Mẫu 03)', `/tinh/ho-so/${at.dossier}`);
      await submit(page, 'Tỉnh kiểm tra');
      shown(await text(page), 'Đã thực hiện: Tỉnh kiểm tra.', `/tinh/ho-so/${at.dossier}`);

      await follow(page, 'Hội đồng');
      await follow(page, 'Thành lập Hội đồng');
      await page.getByLabel('Tên Hội đồng', { exact: true }).fill('Hội đồng hành trình trọn vẹn');
      await page.getByLabel('Số quyết định thành lập', { exact: true }).fill('27/QĐ-UBND');
      await submit(page, 'Thành lập Hội đồng');
      for (const [role, username, name] of MEMBERS) {
        await page.locator('summary', { hasText: 'Thêm thành viên' }).click();
        await page.getByLabel('Chức danh', { exact: true }).selectOption(role);
        await page.getByLabel('Cơ quan công tác', { exact: true }).fill('Sở Nông nghiệp và Môi trường tỉnh Vĩnh Long');
        await page.getByLabel('Tài khoản mới: tên đăng nhập', { exact: true }).fill(username);
        await page.getByLabel('Tài khoản mới: họ và tên', { exact: true }).fill(name);
        await page.getByLabel('Tài khoản mới: mật khẩu ban đầu', { exact: true }).fill(MEMBER_PASSWORD);
        await submit(page, 'Thêm vào Hội đồng');
        shown(await text(page), 'Đã thêm thành viên vào Hội đồng.', `adding ${username}`);
      }
      await look(env, page, 'journey-council-desktop', 'the new council of four');

      await follow(page, 'Đợt đánh giá');
      await follow(page, 'Mở đợt đánh giá mới');
      await page.getByLabel('Tên', { exact: true }).fill('Đợt hành trình trọn vẹn');
      await page.getByLabel('Hạn các xã chuyển hồ sơ lên tỉnh', { exact: true }).fill(addDays(vietnamToday(), 30));
      await page.getByLabel('Ngày kết thúc đợt', { exact: true }).fill(addDays(vietnamToday(), 60));
      await page.getByLabel('Hội đồng đánh giá', { exact: true }).selectOption({ label: 'Hội đồng hành trình trọn vẹn' });
      await submit(page, 'Mở đợt đánh giá');
      at.round = new URL(page.url()).pathname;
      await page.getByLabel(new RegExp(PRODUCT)).check();
      await submit(page, 'Đưa các hồ sơ đã chọn vào đợt');
      shown(await text(page), 'Các hồ sơ đã chọn đã được đưa vào đợt đánh giá.', at.round);
      await look(env, page, 'journey-round-desktop', 'the round with the dossier');
    });

    // 5. one member declares a conflict; three score, spread over the threshold; the chair
    // opens a re-scoring; they score again close together; the chair closes
    const id = at.dossier;
    await as(env, THREE, MEMBER_PASSWORD, async (page) => {
      await visit(env, page, `/cham-diem/${id}`);
      await page.locator('summary', { hasText: 'Khai báo xung đột lợi ích thay vì chấm điểm' }).click();
      await page.getByLabel('Nội dung xung đột lợi ích', { exact: true }).fill('Là cổ đông của hợp tác xã');
      await submit(page, 'Khai báo xung đột lợi ích');
      shown(await text(page), 'Đã ghi nhận xung đột lợi ích của bạn: bạn không chấm điểm hồ sơ này.', 'after the conflict');
    });
    await score(env, CHAIR, id, 88, 'journey-sheet-phone');
    await score(env, ONE, id, 74);
    await score(env, TWO, id, 72);
    await as(env, CHAIR, MEMBER_PASSWORD, async (page) => {
      await visit(env, page, `/cham-diem/${id}/hoi-dong`);
      const t = await text(page);
      shown(t, 'Số phiếu đã nộp: 3/3', 'the council view');
      shown(t, 'Lý Văn Ba Thành viên, Sở Nông nghiệp và Môi trường tỉnh Vĩnh Long Xung đột lợi ích: không chấm điểm', 'the council view (the conflict)');
      shown(t, 'Chênh lệch giữa tổng điểm cao nhất và thấp nhất: 16 điểm (ngưỡng 10 điểm)', 'the council view (the spread)');
      shown(t, 'Vượt ngưỡng', 'the council view (the spread flagged)');
      await look(env, page, 'journey-spread-desktop', 'the council view with the spread flagged');
      await page.getByLabel('Ý kiến ghi vào biên bản').first().fill('Chênh lệch 16 điểm: Hội đồng thảo luận rồi chấm lại');
      await submit(page, 'Mở chấm lại');
      shown(await text(page), 'Đã mở chấm lại', 'after opening the re-scoring');
    });
    await score(env, CHAIR, id, 78);
    await score(env, ONE, id, 76);
    await score(env, TWO, id, 74);
    await as(env, CHAIR, MEMBER_PASSWORD, async (page) => {
      await visit(env, page, `/cham-diem/${id}/hoi-dong`);
      await page.getByLabel('Ý kiến ghi vào biên bản').last().fill('Hội đồng thống nhất kết quả 76 điểm, 4 sao');
      await submit(page, 'Kết thúc chấm điểm');
      const t = await text(page);
      shown(t, 'Đã kết thúc chấm điểm', 'after closing');
      shown(t, '76 điểm', 'after closing (the average)');
      await look(env, page, 'journey-closed-desktop', 'the council view once closed');
    });

    // 6. the province decides and sees the certificate
    await as(env, 'tinh.vinhlong', undefined, async (page) => {
      await follow(page, 'Quyết định');
      await follow(page, 'Quyết định mới');
      shown(await text(page), 'Tỉnh ký giấy chứng nhận bằng khoá 86', '/tinh/quyet-dinh/moi');
      await page.getByRole('checkbox', { name: new RegExp(PRODUCT) }).check();
      await page.getByLabel('Số quyết định', { exact: true }).fill('316/QĐ-UBND');
      await page.getByLabel('Người ký (họ và tên)', { exact: true }).fill('Lê Văn Ký');
      await page.getByLabel('Chức vụ người ký', { exact: true }).fill('KT. CHỦ TỊCH / PHÓ CHỦ TỊCH');
      await submit(page, 'Ghi quyết định và cấp giấy chứng nhận');
      const t = await text(page);
      shown(t, 'Đã ghi quyết định công nhận và cấp giấy chứng nhận.', 'the decision page');
      shown(t, PRODUCT, 'the decision page');
      const href = await page.getByRole('link', { name: /Trang xác minh/ }).first().getAttribute('href');
      assert(/^\/xac-minh\/86-\d{4}-\d{4}$/.test(href), `the verification link is ${href}`);
      at.cert = href.split('/').pop();
      await visit(env, page, `/tinh/chung-nhan/${at.cert}`);
      const c = await text(page);
      shown(c, PRODUCT, `/tinh/chung-nhan/${at.cert}`);
      shown(c, '4 sao', `/tinh/chung-nhan/${at.cert}`);
      // valid 36 months: to the day before the same date three years on, as the PDF says
      const [y, m, d] = vietnamToday().split('-').map(Number);
      const last = new Date(Date.UTC(y + 3, m - 1, d - 1)).toISOString().slice(0, 10);
      shown(c, `đến ${last.slice(8, 10)}/${last.slice(5, 7)}/${last.slice(0, 4)}`, `/tinh/chung-nhan/${at.cert}`);
      await look(env, page, 'journey-certificate-desktop', 'the certificate, as the province sees it');
    });

    // 7. the public product page shows it; its QR code opens the verification page: valid
    await as(env, null, null, async (page) => {
      await visit(env, page, `/san-pham/${at.product}`);
      shown(await text(page), PRODUCT, `/san-pham/${at.product}`);
      const link = page.getByRole('link', { name: new RegExp(`Xác minh giấy chứng nhận ${at.cert}`) });
      assert(await link.count() === 1, `/san-pham/${at.product} does not link to the certificate ${at.cert}`);
      await look(env, page, 'journey-public-product-desktop', 'the public product page with its certificate');
    });
    const url = await qrOf(env, at.cert);
    assert(url === `${env.base}/xac-minh/${at.cert}`, `the QR code holds ${url}`);
    await as(env, null, null, async (page) => {
      const r = await page.goto(url, { waitUntil: 'load' });
      assert(r.status() === 200, `${url}: HTTP ${r.status()}`);
      const t = await text(page);
      shown(t, 'Còn hiệu lực', 'the page the QR code opens');
      shown(t, PRODUCT, 'the page the QR code opens');
      shown(t, ORGANISATION, 'the page the QR code opens');
      await look(env, page, 'journey-verify-phone', 'the verification page the QR code opens');
    }, { viewport: PHONE, isMobile: true });
  });
}
