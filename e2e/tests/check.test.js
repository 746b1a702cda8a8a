// Journey 1 begins before anyone pays: a visitor on a phone checks an agency typed in
// Cyrillic and finds it licensed, then checks an unknown intermediary and is warned.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, checkA11y, clickAndWait, closePage, launch, mainSubmit, newPage, pathOf, signIn, visit,
} from './lib.js';

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

test('a visitor reports an unknown intermediary with a photo and an officer sees it on the watch list', async () => {
  const name = `Oltin Yo'l Recruit ${Date.now()}`;
  const visitor = await newPage(browser, { viewport: { width: 360, height: 740 } });
  try {
    await visit(visitor, `/check?lang=en&q=${encodeURIComponent(name)}`);
    await clickAndWait(visitor, visitor.locator('main a[href^="/report"]').first());
    assert.equal(await visitor.locator('#f-intermediary_name').inputValue(), name, 'the name checked is carried over');
    await checkA11y(visitor);

    const refused = await clickAndWait(visitor, mainSubmit(visitor, '/report'));
    assert.equal(refused.status(), 422, 'a report without a description is refused');
    assert.ok(await visitor.locator('#e-description').count(), 'the error is shown beside the field');
    await checkA11y(visitor);

    await visitor.locator('#f-phones').fill('90 123 45 67');
    await visitor.locator('#f-fee_paid').fill('1 500');
    await visitor.locator('#f-currency').selectOption('USD');
    await visitor.locator('#f-description').fill('Took 1500 dollars for a job in Korea and stopped answering.');
    // A tiny but real PNG (1x1): evidence is recognised by its content, not its name.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64');
    await visitor.locator('#f-evidence').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png });
    await clickAndWait(visitor, mainSubmit(visitor, '/report'));
    assert.equal(pathOf(visitor), '/report/sent');
    assert.equal(await visitor.locator('main [role="status"]').count(), 1, 'the visitor is told it arrived');
    await checkA11y(visitor);
  } finally {
    await closePage(visitor);
  }

  const { licensing_officer: officer } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, officer.login, officer.password);
    await visit(page, '/recruiters/watch?lang=en');
    const row = page.locator('main tbody tr', { hasText: name });
    assert.equal(await row.count(), 1, 'the report is on the watch list');
    assert.match(await row.innerText(), /\+998901234567/, 'with the phone normalised');
    await checkA11y(page);
  } finally {
    await closePage(page);
  }
});
