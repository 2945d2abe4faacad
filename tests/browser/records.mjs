// records.mjs: the public record pages as a consumer uses them: a product page (/san-pham/2, the
// demo product that run.mjs has just certified through the procedure) with photos uploaded
// through the API, on a desktop and on a phone, its certificate link opening the verification
// page, in English, with JavaScript disabled; and the pages of its producer, a point of sale and
// a craft village. axe-core runs on each page at both sizes; screenshots go to env.shots.
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { DESKTOP, PHONE, assert, shown, text, visit, withPage } from './lib.mjs';
import { axe } from './layout.mjs';

const PRODUCT = 2; // Kẹo dừa lá dứa Thanh Long, of producer 1, sold at point 1, village 1

// A w × h PNG photo of a sweet on a plate (enough shapes and colours to see its sizes apart).
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const dx = (x - w / 2) / (w / 3), dy = (y - h / 2) / (h / 3), plate = dx * dx + dy * dy < 1;
      const sweet = plate && Math.abs(dx) < 0.45 && Math.abs(dy) < 0.3;
      const px = sweet ? [60 + (x % 40), 150, 70] : plate ? [245, 242, 235] : [150 + (y * 60) / h, 90, 40];
      raw.set(px.map(Math.round), y * (w * 3 + 1) + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)),
                        chunk('IEND', Buffer.alloc(0))]);
}

// Two photos of the product, uploaded once through the API as the administrator.
let uploaded = null;
function photos(env) {
  uploaded ??= (async () => {
    for (const [w, h] of [[1600, 1200], [1200, 1200]]) {
      const r = await fetch(`${env.base}/api/v1/products/${PRODUCT}/photos?filename=keo-dua-${w}.png`, {
        method: 'POST', headers: { authorization: `Bearer ${env.tokens.admin}`, 'content-type': 'image/png' }, body: png(w, h),
      });
      assert(r.status === 201, `uploading a photo: HTTP ${r.status}: ${await r.text()}`);
    }
  })();
  return uploaded;
}

// What the product page must show, in Vietnamese.
async function productShown(env, page, where) {
  const t = await text(page);
  for (const s of ['Kẹo dừa lá dứa Thanh Long', 'Sản phẩm OCOP 3 sao', 'Còn hiệu lực đến hết ngày', env.certNo,
                   'Hợp tác xã Kẹo dừa Thanh Long', 'Xã Mỏ Cày', 'Tỉnh Vĩnh Long', 'Lịch sử công nhận',
                   'Trung tâm giới thiệu sản phẩm OCOP Bến Tre', 'Sở hữu trí tuệ', 'Kẹo dừa Bến Tre'])
    shown(t, s, where);
  for (const s of ['0275 3843 111', 'htxthanhlong@example.vn', 'Nguyễn Thị Thanh'])
    assert(!t.includes(s), `${where}: personal data "${s}" is on the page`);
  return t;
}

// The photos as the browser loaded them: the first at once (not lazy), each decoded.
async function photosLoaded(page, where) {
  const imgs = page.locator('.photos img');
  assert(await imgs.count() === 2, `${where}: ${await imgs.count()} photos shown, not 2`);
  const first = imgs.first();
  await first.evaluate((img) => img.decode());
  const f = await first.evaluate((img) => ({ w: img.naturalWidth, src: img.currentSrc, lazy: img.loading, alt: img.alt,
                                             shown: img.getBoundingClientRect().width }));
  assert(f.w > 0, `${where}: the first photo did not load (${f.src})`);
  assert(f.lazy !== 'lazy', `${where}: the first photo loads lazily`);
  assert(f.alt === 'Kẹo dừa lá dứa Thanh Long', `${where}: the photo's alt text is "${f.alt}"`);
  assert(/\/files\/[0-9a-f]{64}$/.test(f.src), `${where}: the photo comes from ${f.src}`);
  assert(await imgs.nth(1).getAttribute('loading') === 'lazy', `${where}: the second photo does not load lazily`);
  return f;
}

const PAGES = [
  ['product', `/san-pham/${PRODUCT}`],
  ['producer', '/chu-the/1'],
  ['point', '/diem-ban/1'],
  ['village', '/lang-nghe/1'],
];

export default function (check) {
  check('a product page on a desktop: stars, live state, producer, photos, JSON-LD', async (env) => {
    await photos(env);
    await withPage(env, {}, async (page) => {
      await visit(env, page, `/san-pham/${PRODUCT}`);
      await productShown(env, page, 'product page');
      const f = await photosLoaded(page, 'product page');
      assert(f.src.length > 0 && f.shown >= 300, `product page: the first photo is shown ${f.shown} px wide`);
      const ld = await page.evaluate(() => JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent));
      assert(ld['@type'] === 'Product' && ld.name === 'Kẹo dừa lá dứa Thanh Long', `JSON-LD: ${JSON.stringify(ld).slice(0, 300)}`);
      assert(ld.hasCertification?.certificationIdentification === env.certNo, `JSON-LD certificate: ${JSON.stringify(ld.hasCertification)}`);
      assert(ld.hasCertification?.certificationRating?.ratingValue === 3, 'JSON-LD: the rating is not 3 stars');
      assert(ld.manufacturer?.['@type'] === 'Organization', 'JSON-LD: no Organization as manufacturer');
    });
  });

  check('a product page on a phone (360×740): fits, photo within the screen', async (env) => {
    await photos(env);
    await withPage(env, { viewport: PHONE, isMobile: true, hasTouch: true }, async (page) => {
      await visit(env, page, `/san-pham/${PRODUCT}`);
      await productShown(env, page, 'product page on a phone');
      const f = await photosLoaded(page, 'product page on a phone');
      assert(f.shown <= PHONE.width, `the photo is ${f.shown} px wide on a ${PHONE.width} px screen`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= PHONE.width, `the page is ${width} px wide: it scrolls sideways`);
    });
  });

  check("the certificate link opens the certificate's verification page", async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, `/san-pham/${PRODUCT}`);
      const link = page.getByRole('link', { name: `Xác minh giấy chứng nhận ${env.certNo}` });
      await Promise.all([page.waitForURL(`**/xac-minh/${env.certNo}`), link.click()]);
      const t = await text(page);
      shown(t, env.certNo, 'verification page from the product page');
      shown(t, 'Còn hiệu lực', 'verification page from the product page');
    });
  });

  check('a product page in English, through the language switch', async (env) => {
    await withPage(env, {}, async (page) => {
      await visit(env, page, `/san-pham/${PRODUCT}`);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('lang') === 'en'), page.getByRole('link', { name: 'English' }).click()]);
      const t = await text(page);
      for (const s of ['OCOP 3 stars', 'Valid until', 'Recognition history', 'Points of sale', 'Intellectual property'])
        shown(t, s, 'product page in English');
      assert(await page.locator('html').getAttribute('lang') === 'en', 'the English page is not lang="en"');
    });
  });

  check('a product page and its certificate link with JavaScript disabled', async (env) => {
    await photos(env);
    await withPage(env, { javaScriptEnabled: false }, async (page) => {
      await visit(env, page, `/san-pham/${PRODUCT}`);
      await productShown(env, page, 'product page without JavaScript');
      const n = await page.locator('.photos img').count();
      assert(n === 2, `without JavaScript ${n} photos are shown, not 2`);
      await Promise.all([page.waitForURL(`**/xac-minh/${env.certNo}`),
                         page.getByRole('link', { name: `Xác minh giấy chứng nhận ${env.certNo}` }).click()]);
      shown(await text(page), 'Còn hiệu lực', 'verification page without JavaScript');
    });
  });

  for (const [name, path] of PAGES) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      check(`${name} page at ${size} size: axe, no sideways scrolling, screenshot`, async (env) => {
        await photos(env);
        await withPage(env, { viewport, isMobile: size === 'phone', hasTouch: size === 'phone' }, async (page) => {
          await visit(env, page, path);
          await page.evaluate(() => Promise.all([...document.images].map((i) => { i.loading = 'eager'; return i.decode().catch(() => {}); })));
          await page.screenshot({ path: join(env.shots, `record-${name}-${size}.png`), fullPage: true });
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          assert(width <= viewport.width, `${path}: the page is ${width} px wide, wider than the ${viewport.width} px screen`);
          await axe(env, page, `${path} at ${size} size`);
        });
      });
    }
  }
}
