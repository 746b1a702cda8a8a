// 4. Help abroad: an operator on the phone finds the migrant by a misspelt Cyrillic name,
// opens a case from the person's record with the keyboard, sees the priority the
// trafficking checklist gives, works it from the queue and closes it with the money
// recovered.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, checkA11y, clickAndWait, closePage, digits, launch, mainSubmit, newPage, pathOf,
  pinfl, signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an operator opens a case from the registry and closes it with the money recovered', async () => {
  const { operator } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, operator.login, operator.password);
    // The migrant, registered in Latin script.
    await visit(page, '/people/new?lang=en');
    await page.locator('#f-family_name').fill('Raximov');
    await page.locator('#f-given_name').fill('Shuhrat');
    await page.locator('#f-birth_date').fill('1988-07-21');
    await page.locator('input[name="gender"][value="male"]').check();
    await page.locator('#f-pinfl').fill(pinfl('1988-07-21', false));
    await page.locator('#f-region').selectOption('UZ-FA');
    await page.locator('#f-phones').fill(`+998 91 ${digits(3)} ${digits(2)} ${digits(2)}`);
    await clickAndWait(page, mainSubmit(page, '/people'));

    // Found again from a misspelt Cyrillic name, Russian-style.
    await visit(page, '/people?q=' + encodeURIComponent('Шухрат Рахимов'));
    const hit = page.locator('main table tbody tr', { hasText: 'Shuhrat' }).first();
    await clickAndWait(page, hit.locator('a'));
    await page.locator('input[name="purpose"][value="case"]').check();
    await clickAndWait(page, page.locator('main form button[type="submit"]'));
    await clickAndWait(page, page.locator('main a[href^="/cases/new?person="]'));
    await checkA11y(page);

    // Keyboard-first intake: the category has the focus.
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-category');
    await page.keyboard.press('Tab');
    await page.locator('#f-category').selectOption('EMP');
    await page.locator('#f-subtype').fill('EMP-WAGE');
    await page.locator('#f-channel').selectOption('phone');
    await page.locator('#f-country').selectOption('RU');
    await page.locator('#f-city').fill('Kazan');
    await page.locator('#f-summary').fill('Not paid for two months; the employer keeps his passport.');
    await page.locator('input[name="indicator"][value="retention_of_identity_documents"]').check();
    await clickAndWait(page, mainSubmit(page, '/cases'));
    assert.match(pathOf(page), /^\/cases\/[0-9a-f-]{36}$/);
    const summary = await page.locator('main').innerText();
    assert.match(summary, /P1/, 'an indicator makes it P1');
    assert.match(summary, /Supervisors were alerted/);
    await checkA11y(page);
    const casePath = pathOf(page);

    await visit(page, '/cases');
    await checkA11y(page);
    assert.equal(await page.locator(`main a[href="${casePath}"]`).count(), 1, 'on the queue');

    await visit(page, casePath);
    for (const action of ['start', 'resolve']) {
      await clickAndWait(page, mainSubmit(page, `${casePath}/actions/${action}`));
    }
    const refused = await clickAndWait(page, mainSubmit(page, `${casePath}/actions/close`));
    assert.equal(refused.status(), 422, 'closing needs an outcome');
    await checkA11y(page);
    const close = page.locator(`main form[action="${casePath}/actions/close"]`);
    await close.locator('select[name="outcome"]').selectOption('resolved_money');
    await close.locator('input[name="amount_recovered"]').fill('90 000');
    await close.locator('input[name="currency"]').fill('RUB');
    await close.locator('input[name="satisfaction"]').fill('5');
    await clickAndWait(page, mainSubmit(page, `${casePath}/actions/close`));
    assert.match(await page.locator('main').innerText(), /90000 RUB/);
    await checkA11y(page);
  } finally {
    await closePage(page);
  }
});
