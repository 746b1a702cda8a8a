// Keyboard: the first Tab reaches a visible "skip to content" link that moves focus to <main>.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoProblems, checkA11y, closePage, launch, newPage, visit } from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('skip link is first, visible when focused, and focuses main', async () => {
  const page = await newPage(browser);
  try {
    await visit(page, '/login');
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const el = document.activeElement;
      const box = el.getBoundingClientRect();
      return {
        cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim(),
        onScreen: box.left >= 0 && box.top >= 0 && box.width > 0 && box.right <= window.innerWidth,
        outline: getComputedStyle(el).outlineStyle,
      };
    });
    assert.equal(skip.cls, 'skip', 'the first Tab stop is the skip link');
    assert.equal(skip.href, '#main');
    assert.ok(skip.text.length > 0, 'the skip link has text');
    assert.ok(skip.onScreen, 'the focused skip link is on screen');
    assert.notEqual(skip.outline, 'none', 'the focused skip link shows a focus outline');
    await checkA11y(page);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main');
    // The next Tab goes into the page's own content (the login form), not back to the header.
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => document.activeElement.closest('main') !== null);
    assert.ok(next, 'after skipping, Tab continues inside main');
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});
