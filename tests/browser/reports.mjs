// reports.mjs: the province's reports (page_report.c), as Vĩnh Long's officer sends them: opens
// "Báo cáo" from the workspace's navigation, picks the programme's results of old Bến Tre (the
// pre-2025 map) for 2024 and downloads the PDF and the XLSX; then the progress of the year's
// plan; a round report without a round comes back as the form with its problem. The downloads'
// text is read with pdftotext and unzip, as a person would open them. Screenshots of the form at
// desktop and phone size, axe-core on each.
import { execFileSync } from 'node:child_process';
import { DESKTOP, PHONE, assert, look, shown, signInAs, text, withPage } from './lib.mjs';

async function download(page, button) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const path = await d.path();
  return { path, name: d.suggestedFilename() };
}

function pdftext(path) {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-']).toString().replace(/\s+/g, ' ');
}

export default function (check) {
  communeProgress(check);
  nationalPlan(check);
  check('the province officer downloads its reports as PDF and XLSX', async (env) => {
    await withPage(env, { viewport: DESKTOP, acceptDownloads: true }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await page.getByRole('link', { name: 'Báo cáo', exact: true }).click();
      await page.waitForURL(/\/tinh\/bao-cao/);
      let t = await text(page);
      shown(t, 'Kết quả thực hiện Chương trình', '/tinh/bao-cao');
      await look(env, page, 'reports-desktop', '/tinh/bao-cao');
      // the products behind a commune's number on the progress page: the catalogue, filtered
      await page.goto(env.base + '/tinh/tien-do?sort=products');
      const first = page.locator('#communes-h ~ .table-wrap tbody tr').first();
      const n = Number(await first.locator('td a').first().innerText());
      await Promise.all([page.waitForURL(/\/san-pham\?commune_code=\d+&cert=valid/), first.locator('td a').first().click()]);
      const cards = await page.locator('main a[href^="/san-pham/"]').count();
      assert(cards === n, `the commune's ${n} products in force, and the catalogue shows ${cards}`);
      await page.goto(env.base + '/tinh/bao-cao');
      await page.getByLabel(/Kết quả thực hiện Chương trình/).check();
      await page.getByLabel('Đơn vị hành chính').selectOption({ label: 'Tỉnh Bến Tre' });
      await page.getByLabel('Năm').selectOption('2024');
      await page.getByLabel('Hoặc tính đến ngày').fill('2024-12-21');
      let f = await download(page, 'Tải PDF');
      assert(/^bao-cao-summary-83-2024-12-21\.pdf$/.test(f.name), `the PDF is called ${f.name}`);
      t = pdftext(f.path);
      for (const s of ['ỦY BAN NHÂN DÂN', 'TỈNH BẾN TRE', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'BÁO CÁO',
                       'Đến ngày 21/12/2024, tỉnh Bến Tre có', 'đơn vị hành chính cấp xã có sản phẩm OCOP',
                       'II. Theo Huyện, thị xã, thành phố', 'Nơi nhận:'])
        assert(t.includes(s), `the PDF does not say "${s}": ${t.slice(0, 400)}`);
      f = await download(page, 'Tải XLSX');
      assert(f.name.endsWith('.xlsx'), `the spreadsheet is called ${f.name}`);
      const sheet = execFileSync('unzip', ['-p', f.path, 'xl/worksheets/sheet1.xml']).toString();
      assert(sheet.includes('<f>SUM('), 'the XLSX totals are not formulas');
      const strings = execFileSync('unzip', ['-p', f.path, 'xl/sharedStrings.xml']).toString();
      assert(strings.includes('Sản phẩm OCOP còn hiệu lực (từ 3 sao)'), 'the XLSX lacks the indicators');
      // the progress of the year's plan
      await page.getByLabel('Tiến độ thực hiện kế hoạch').check();
      await page.getByLabel('Đơn vị hành chính').selectOption({ label: 'Tỉnh Vĩnh Long' });
      await page.getByLabel('Hoặc tính đến ngày').fill('');
      await page.getByLabel('Năm').selectOption(String(new Date().getFullYear())); // the demo's plan is this year's
      f = await download(page, 'Tải PDF');
      t = pdftext(f.path);
      assert(t.includes('Tiến độ thực hiện kế hoạch OCOP') && t.includes('Công nhận mới ít nhất 8 sản phẩm 4 sao'),
             `the progress PDF: ${t.slice(0, 400)}`);
      // a round's results need a round
      await page.getByLabel('Kết quả một đợt đánh giá, phân hạng').check();
      await Promise.all([page.waitForURL(/format=pdf/), page.getByRole('button', { name: 'Tải PDF' }).click()]);
      t = await text(page);
      shown(t, 'Không lập được báo cáo', 'a round report without a round');
      shown(t, 'cần nhập round', 'a round report without a round');
      // a unit that is not the province's (another province, typed into the address): refused, nothing made
      const r = await page.goto(env.base + '/tinh/bao-cao?report=summary&unit=2025%3A01&format=pdf');
      assert(r.status() === 422, `another province's report: HTTP ${r.status()}, not 422`);
      shown(await text(page), 'không phải đơn vị mà trang này báo cáo', 'another province\'s report');
    });
    await withPage(env, { viewport: PHONE }, async (page) => {
      await signInAs(env, page, 'tinh.vinhlong');
      await page.goto(env.base + '/tinh/bao-cao');
      await look(env, page, 'reports-phone', '/tinh/bao-cao (phone)');
    });
  });
}

// The commune officer's progress (/xa/tien-do): its figures, charts (producers by type,
// certificates ending in the next 12 months) and its products in force, each linking to its page;
// then its reports (/xa/bao-cao): the list of its products in force as a PDF.
export function communeProgress(check) {
  check('the commune officer sees its commune\'s progress and products', async (env) => {
    for (const [viewport, name] of [[DESKTOP, 'commune-progress-desktop'], [PHONE, 'commune-progress-phone']]) {
      await withPage(env, { viewport, acceptDownloads: true }, async (page) => {
        await signInAs(env, page, 'xa.mocay');
        if (viewport === DESKTOP) {
          await page.getByRole('link', { name: 'Tiến độ', exact: true }).click();
          await page.waitForURL(/\/xa\/tien-do/);
        } else {
          await page.goto(env.base + '/xa/tien-do');
        }
        const t = await text(page);
        shown(t, 'Tiến độ thực hiện OCOP của xã', '/xa/tien-do');
        shown(t, 'Chủ thể có sản phẩm OCOP, theo loại hình', '/xa/tien-do');
        shown(t, 'Giấy chứng nhận hết hạn trong 12 tháng tới', '/xa/tien-do');
        shown(t, 'Kẹo dừa', '/xa/tien-do: the commune\'s products');
        await look(env, page, name, '/xa/tien-do');
        if (viewport === DESKTOP) {
          await page.locator('#products-h ~ .table-wrap a').first().click();
          await page.waitForURL(/\/san-pham\/\d+/);
          // its own reports: the list of its products in force, as a PDF
          await page.goBack();
          await page.getByRole('link', { name: 'Báo cáo', exact: true }).click();
          await page.waitForURL(/\/xa\/bao-cao/);
          await page.getByLabel('Danh sách sản phẩm OCOP còn hiệu lực').check();
          const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải PDF' }).click()]);
          const pdf = pdftext(await d.path());
          assert(pdf.includes('ỦY BAN NHÂN DÂN') && pdf.includes('XÃ MỎ CÀY') && pdf.includes('Kẹo dừa'),
                 `the commune's products PDF: ${pdf.slice(0, 300)}`);
        }
      });
    }
  });
}

// The Ministry's officer records the country's plan on the web (/bo/ke-hoach/moi), with a target
// for each province, and follows it: the plan's page lists the provinces short of it.
export function nationalPlan(check) {
  check('the Ministry officer records the country\'s plan with a target for each province', async (env) => {
    await withPage(env, { viewport: DESKTOP }, async (page) => {
      await signInAs(env, page, 'bo.vanphong');
      await page.getByRole('link', { name: 'Kế hoạch', exact: true }).click();
      await page.waitForURL(/\/bo\/ke-hoach$/);
      shown(await text(page), 'Kế hoạch toàn quốc', '/bo/ke-hoach');
      await page.getByRole('link', { name: 'Lập kế hoạch mới' }).click();
      await page.waitForURL(/\/bo\/ke-hoach\/moi/);
      await page.getByLabel('Tên kế hoạch', { exact: true }).fill('Kế hoạch OCOP toàn quốc (kiểm thử)');
      const row = page.getByRole('group', { name: 'Chỉ tiêu 1' });
      await row.getByLabel('Chỉ tiêu', { exact: true }).selectOption('products_3plus');
      await row.getByLabel('Tối thiểu').fill('1');
      await row.getByLabel('Áp dụng cho').selectOption('province');
      await Promise.all([page.waitForURL(/\/bo\/ke-hoach\/\d+\?done=saved/), page.getByRole('button', { name: 'Lưu kế hoạch' }).click()]);
      const t = await text(page);
      shown(t, 'Đã lưu kế hoạch.', 'the national plan');
      shown(t, '3/34 đơn vị đã đạt', 'the provinces that met the target');
      await page.getByText('Các đơn vị chưa đạt').first().click();
      shown(await text(page), 'Thành phố Hà Nội', 'the provinces short of the target');
      await look(env, page, 'national-plan-desktop', 'the national plan');
    });
  });
}
