// Journey 1 begins before anyone pays: a visitor on a phone checks an agency typed in
// Cyrillic and finds it licensed, then checks an unknown intermediary and is warned.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, closePage, launch, newPage, visit, clickAndWait } from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a visitor checks a licensed agency in Cyrillic and is warned about an unknown one', async () => {
  const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
  try {
    await visit(page, '/');
    await clickAndWait(page, page.locator('nav a[href="/check"]').first());
    await checkA11y(page);
    await page.locator('#f-q').fill('Ишонч');
    await clickAndWait(page, page.locator('main form[action="/check"] button[type="submit"]'));
    const card = page.locator('main .card').first();
    assert.match(await card.innerText(), /Ishonch/);
    assert.match(await card.innerText(), /PEA-/, 'the licence number is shown');
    await checkA11y(page);

    await page.locator('#f-q').fill('Tez Viza Servis');
    await clickAndWait(page, page.locator('main form[action="/check"] button[type="submit"]'));
    assert.equal(await page.locator('main .alert[role="alert"]').count(), 1, 'a clear warning');
    await checkA11y(page);
  } finally {
    await closePage(page);
  }
});
