// portal.mjs: the producer's portal (/cua-toi) as a farmer uses it on a phone: a producer of its
// own (made through the API, so the demo's dossiers stay as they are) adds a product with a
// photo, files a dossier through the wizard (the product and kind, the registration form, the
// self-assessment by clicking options while the total and the stars change, an evidence file
// sent with a progress bar) and submits it. Then every page again at desktop size. axe-core and
// no sideways scrolling on every page; screenshots portal-*-phone.png and portal-*-desktop.png.
import { deflateSync } from 'node:zlib';
import { DESKTOP, PHONE, assert, look, shown, signInAs, submit, text, visit, withPage } from './lib.mjs';

const USER = 'chuthe.portal';
const PASSWORD = 'mật khẩu đủ dài 2026';

// A PNG of w × h pixels in two colours (a photo the server can decode).
function photo(w, h) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => {
    let c = 0xffffffff;
    for (const x of b) c = table[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const part = (type, data) => {
    const head = Buffer.alloc(4), sum = Buffer.alloc(4), body = Buffer.concat([Buffer.from(type), data]);
    head.writeUInt32BE(data.length);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, sum]);
  };
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) rows.set(x < w / 2 ? [200, 140, 60] : [90, 150, 80], y * (w * 3 + 1) + 1 + x * 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), part('IHDR', ihdr), part('IDAT', deflateSync(rows)),
                        part('IEND', Buffer.alloc(0))]);
}

async function api(env, method, path, body) {
  const r = await fetch(env.base + path, {
    method, headers: { authorization: `Bearer ${env.tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const out = await r.json();
  assert(r.status < 300, `${method} ${path}: HTTP ${r.status}: ${JSON.stringify(out)}`);
  return out;
}

// The producer and its account, made once.
let made = null;
function producer(env) {
  made ??= (async () => {
    const p = await api(env, 'POST', '/api/v1/producers', { type: 'household', name: 'Hộ Nguyễn Văn Dừa', commune_code: '28903' });
    await api(env, 'POST', '/api/v1/users', { username: USER, password: PASSWORD, roles: [{ role: 'producer', scope: String(p.id) }] });
    return p.id;
  })();
  return made;
}

// What the phone check leaves for the desktop one: the product and the dossier.
const ids = {};

export default function (check) {
  check('a producer adds a product with a photo and files a dossier (phone)', async (env) => {
    await producer(env);
    await withPage(env, { viewport: PHONE, isMobile: true }, async (page) => {
      await signInAs(env, page, USER, PASSWORD);
      await look(env, page, 'portal-work-phone', '/lam-viec (producer, phone)');

      // a product, then its photo with the upload's progress
      await page.getByRole('link', { name: 'Sản phẩm của tôi' }).click();
      await page.getByRole('link', { name: 'Thêm sản phẩm' }).click();
      await page.getByLabel('Tên sản phẩm').fill('Bánh tráng dừa Mỏ Cày');
      await page.getByLabel('Bộ sản phẩm').selectOption('1');
      await page.getByLabel('Mô tả').fill('Bánh tráng nướng với nước cốt dừa, làm tay tại Mỏ Cày.');
      await submit(page, 'Tạo sản phẩm');
      ids.product = new URL(page.url()).pathname.split('/').pop();
      shown(await text(page), 'Đã tạo.', 'the new product');
      await page.getByLabel(/Thêm ảnh/).setInputFiles({ name: 'banh-trang.png', mimeType: 'image/png', buffer: photo(800, 600) });
      const seen = page.waitForFunction(() => {
        const p = document.querySelector('form[data-upload] progress');
        return p && !p.hidden && p.value > 0;
      });
      await Promise.all([page.waitForURL(/done=photo/), page.getByRole('button', { name: 'Tải ảnh lên' }).click()]);
      await seen.catch(() => {}); /* on the loopback the bar may be gone before it is looked at */
      assert(await page.locator('ul.photos img').count() === 1, 'the photo is not shown on the product page');
      await look(env, page, 'portal-product-phone', '/cua-toi/san-pham/{id} (phone)');

      // step 1: the product and the kind
      await visit(env, page, '/cua-toi/ho-so/moi');
      await look(env, page, 'portal-step1-phone', 'wizard step 1 (phone)');
      const card = page.locator('li', { has: page.getByRole('heading', { name: 'Bánh tráng dừa Mỏ Cày' }) });
      shown(await card.innerText(), 'nâng hạng cần một quyết định công nhận còn hiệu lực', 'step 1: why not an upgrade');
      await card.getByRole('link', { name: 'Đánh giá lần đầu' }).click();
      // step 2: the registration form
      await look(env, page, 'portal-step2-phone', 'wizard step 2 (phone)');
      await page.getByLabel('Ghi chú').fill('Gửi kèm 5 gói mẫu.');
      await submit(page, 'Lưu và chuyển sang tự đánh giá');
      ids.dossier = new URL(page.url()).pathname.split('/')[3];

      // step 3: the self-assessment, the total and the stars changing as options are chosen
      const total = page.locator('[data-r="total"]'), stars = page.locator('[data-r="stars"]');
      assert((await total.innerText()).trim() === '0', 'the total of an empty sheet is not 0');
      await page.locator('fieldset.crit').first().locator('input[type="radio"]').last().check();
      await page.waitForFunction(() => document.querySelector('[data-r="total"]').textContent.trim() !== '0');
      // every criterion at its highest level: the stars appear
      await page.evaluate(() => {
        for (const fs of document.querySelectorAll('fieldset.crit')) {
          let best = null, most = -1;
          for (const input of fs.querySelectorAll('input[type="radio"]')) {
            const pts = parseInt((input.closest('.opt').textContent.match(/(\d+) điểm/) || [0, 0])[1], 10);
            if (pts > most) most = pts, best = input;
          }
          if (best) best.checked = true;
        }
        document.querySelector('fieldset.crit input:checked').dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.waitForFunction(() => document.querySelector('[data-r="stars"]').textContent.includes('★'));
      await page.waitForFunction(() => /Đã lưu/.test(document.querySelector('[data-r="saved"]').textContent));
      assert((await stars.innerText()).includes('★'), 'no stars after choosing every criterion');
      await look(env, page, 'portal-step3-phone', 'wizard step 3 (phone)');

      // step 4: an evidence file with the upload's progress
      await page.getByRole('link', { name: 'Tiếp: minh chứng' }).click();
      await page.getByLabel('Tiêu chí mà tệp chứng minh (không bắt buộc)').selectOption('1.1');
      await page.getByLabel(/^Tệp \(PDF/).setInputFiles({ name: 'phieu-kiem-nghiem.pdf', mimeType: 'application/pdf',
                                                         buffer: Buffer.from('%PDF-1.4\n' + 'x'.repeat(200000)) });
      await Promise.all([page.waitForURL(/done=file/), page.getByRole('button', { name: 'Tải lên', exact: true }).click()]);
      shown(await text(page), 'phieu-kiem-nghiem.pdf', 'the evidence page');
      await look(env, page, 'portal-step4-phone', 'wizard step 4 (phone)');

      // step 5: review and submit
      await page.getByRole('link', { name: 'Tiếp: xem lại và nộp' }).click();
      await look(env, page, 'portal-step5-phone', 'wizard step 5 (phone)');
      await submit(page, 'Nộp hồ sơ');
      const t = await text(page);
      shown(t, 'Hồ sơ đã được nộp cho xã.', 'after submitting');
      shown(t, 'Đã nộp', 'after submitting');
      await look(env, page, 'portal-dossier-phone', '/cua-toi/ho-so/{id} (phone)');
    });
  });

  check('the portal at desktop size', async (env) => {
    assert(ids.dossier, 'the phone check did not file a dossier');
    await withPage(env, { viewport: DESKTOP }, async (page) => {
      await signInAs(env, page, USER, PASSWORD);
      await look(env, page, 'portal-work-desktop', '/lam-viec (producer, desktop)');
      const pages = [
        ['product', `/cua-toi/san-pham/${ids.product}`],
        ['step1', '/cua-toi/ho-so/moi'],
        ['step2', `/cua-toi/ho-so/${ids.dossier}/dang-ky`],
        ['step3', `/cua-toi/ho-so/${ids.dossier}/tu-danh-gia`],
        ['step4', `/cua-toi/ho-so/${ids.dossier}/minh-chung`],
        ['dossier', `/cua-toi/ho-so/${ids.dossier}`],
        ['dossiers', '/cua-toi/ho-so'],
        ['organisation', '/cua-toi/chu-the'],
      ];
      for (const [name, path] of pages) {
        await visit(env, page, path);
        await look(env, page, `portal-${name}-desktop`, `${path} (desktop)`);
      }
    });
  });
}
