// A phone-sized screen (360 px): pages do not scroll sideways and still pass axe (at this width
// wide tables scroll inside their own box, which must then be reachable by keyboard).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accounts, assertNoHorizontalScroll, assertNoProblems, checkA11y, closePage, launch, newPage, signIn,
  visit,
} from './lib.js';

const WIDTH = 360;
const PHONE = { viewport: { width: WIDTH, height: 740 }, isMobile: true, hasTouch: true };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const lang of ['uz-Latn', 'ru']) {
  test(`home and login fit ${WIDTH}px (${lang})`, async () => {
    const page = await newPage(browser, PHONE);
    try {
      for (const path of ['/', '/login']) {
        await visit(page, `${path}?lang=${lang}`);
        await assertNoHorizontalScroll(page, WIDTH);
      }
      assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
}

describe(`admin pages at ${WIDTH}px`, () => {
  let page;
  before(async () => {
    page = await newPage(browser, PHONE);
    const { admin } = accounts();
    await signIn(page, admin.login, admin.password);
  });
  after(async () => { if (page) await closePage(page); });

  for (const path of ['/', '/admin/users', '/admin/users/new', '/admin/audit', '/admin/tokens',
    '/admin/reference', '/admin/reference/regions/UZ-SA', '/account']) {
    test(`${path} fits ${WIDTH}px and passes axe`, async () => {
      const response = await page.goto(`${path}?lang=uz-Latn`, { waitUntil: 'load' });
      assert.equal(response.status(), 200);
      // Both checks run; both outcomes are reported.
      const failures = [];
      try { await assertNoHorizontalScroll(page, WIDTH); } catch (e) { failures.push(e.message); }
      try { await checkA11y(page); } catch (e) { failures.push(e.message); }
      if (failures.length > 0) assert.fail(failures.join('\n'));
      assertNoProblems(page);
    });
  }
});
