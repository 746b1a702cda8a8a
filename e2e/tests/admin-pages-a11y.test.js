// 4. Every admin page, the account page and a 404 page pass axe, in uz-Latn and in ru.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  accounts, assertNoProblems, checkA11y, clickAndWait, closePage, htmlLang, launch, mainSubmit, newPage,
  signIn,
} from './lib.js';

const PAGES = [
  ['/admin/users', 200],
  ['/admin/users/new', 200],
  ['/admin/audit', 200],
  ['/admin/tokens', 200],
  ['/admin/reference', 200],
  ['/admin/reference/regions/UZ-SA', 200],
  ['/account', 200],
  ['/account/totp', 200],
  ['/admin/settings', 200],
  ['/no-such-page-e2e', 404],
];

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser);
  const { admin } = accounts();
  await signIn(page, admin.login, admin.password);
});
after(async () => {
  if (page) await closePage(page);
  await browser?.close();
});

for (const lang of ['uz-Latn', 'ru']) {
  describe(`admin pages in ${lang}`, () => {
    for (const [path, status] of PAGES) {
      test(`${path} (${lang})`, async () => {
        const response = await page.goto(`${path}?lang=${lang}`, { waitUntil: 'load' });
        assert.equal(response.status(), status, `HTTP status of ${path}`);
        assert.equal(await htmlLang(page), lang);
        assert.equal(await page.locator('main h1').count(), 1, 'one main heading');
        await checkA11y(page);
        assertNoProblems(page);
      });
    }

    test(`/admin/tokens with a new token shown once (${lang})`, async () => {
      const { partner } = accounts();
      assert.ok(partner, 'demo-accounts.txt has a partner account');
      await page.goto(`/admin/tokens?lang=${lang}`, { waitUntil: 'load' });
      await checkA11y(page);
      await page.locator('#f-email').fill(partner.login);
      await page.locator('#f-name').fill(`e2e ${lang}`);
      const created = await clickAndWait(page, mainSubmit(page, '/admin/tokens'));
      assert.equal(created.status(), 200);
      const notice = page.locator('main .notice[role="status"]');
      assert.match(await notice.locator('code.secret').innerText(), /\S{20,}/, 'the secret is shown');
      await checkA11y(page);
      assertNoProblems(page);
    });
  });
}
