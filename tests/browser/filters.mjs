// filters.mjs: every list's filter form submitted as it stands, as a person who opens a list and
// presses its button without changing anything: the page comes back (200), never an error
// page. A select left at "All" sends an empty value (state=), which a page takes as no choice
// (route.c); this check keeps every such form honest as lists are added.
import { DESKTOP, assert, signInAs, visit, withPage } from './lib.mjs';

const LISTS = [
  [null, ['/san-pham', '/chu-the', '/diem-ban', '/lang-nghe', '/thong-ke']],
  ['tinh.vinhlong', ['/tinh/ho-so', '/tinh/dot', '/tinh/hoi-dong', '/tinh/quyet-dinh', '/tinh/chung-nhan',
                     '/tinh/chung-nhan/het-han', '/tinh/nguoi-dung', '/tinh/nhat-ky']],
  ['xa.mocay', ['/xa/ho-so', '/xa/chu-the', '/xa/san-pham', '/xa/xac-nhan']],
  ['bo.vanphong', ['/bo/ho-so', '/bo/dot', '/bo/quyet-dinh']],
  ['admin', ['/quan-tri/nguoi-dung', '/quan-tri/nhat-ky']],
];

export default function (check) {
  check('every list\'s filter form, submitted as it stands, shows the list again', async (env) => {
    let forms = 0;
    for (const [who, paths] of LISTS) {
      await withPage(env, { viewport: DESKTOP }, async (page) => {
        if (who) await signInAs(env, page, who);
        for (const path of paths) {
          await visit(env, page, path);
          const form = page.locator('main form[method="get"]').first();
          if (!(await form.count())) continue;
          const button = form.locator('button').last();
          const [resp] = await Promise.all([page.waitForNavigation(), button.click()]);
          assert(resp && resp.status() === 200,
            `${path} (${who || 'anonymous'}): its filter form as it stands gives HTTP ${resp && resp.status()} at ${page.url()}`);
          forms++;
        }
      });
    }
    assert(forms >= 15, `only ${forms} filter forms found: the lists lost theirs?`);
  });
}
