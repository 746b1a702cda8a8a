// Awareness events: the Samarkand regional officer plans a school session, records it as
// held and reports attendance by gender and age band; the public per-region table then
// counts it. Pages pass axe.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, assertNoProblems, checkA11y, clickAndWait, closePage, launch, mainSubmit, newPage,
  pathOf, signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a regional officer plans, holds and reports an event; the regional table counts it', async () => {
  const { regional_officer: officer } = accounts();
  const page = await newPage(browser, { viewport: { width: 800, height: 1200 } });
  const today = new Date().toISOString().slice(0, 10);
  const title = `Maktabda suhbat ${Date.now()}`;
  try {
    await visit(page, `/outreach/regions?lang=en`);
    const samarkand = page.locator('tbody tr', { hasText: 'Samarkand' });
    const reachedBefore = Number((await samarkand.locator('td').nth(3).textContent()).trim());

    await signIn(page, officer.login, officer.password);
    await visit(page, '/outreach/new?lang=en');
    await checkA11y(page);
    await page.locator('#f-title').fill(title);
    await page.locator('#f-kind').selectOption('school_session');
    await page.locator('input[name="topics"][value="fraud"]').check();
    await page.locator('input[name="topics"][value="legal_channels"]').check();
    await page.locator('#f-region').selectOption('UZ-SA');
    await page.locator('#f-place').fill('14-maktab');
    await page.locator('#f-planned_on').fill(today);
    await clickAndWait(page, mainSubmit(page, '/outreach'));
    const eventPath = pathOf(page);
    assert.match(eventPath, /^\/outreach\/[0-9a-f-]+$/);

    await page.locator('#f-held_on').fill(today);
    await clickAndWait(page, mainSubmit(page, `${eventPath}/actions/hold`));
    await checkA11y(page);
    await page.locator('#f-attendance_female_18_29').fill('40');
    await page.locator('#f-attendance_male_18_29').fill('35');
    await page.locator('#f-attendance_female_under_18').fill('25');
    await page.locator('#f-materials').fill('leaflets on legal channels');
    await page.locator('#f-materials_count').fill('100');
    await clickAndWait(page, mainSubmit(page, `${eventPath}/actions/report`));
    assert.match(await page.locator('main h2').first().textContent(), /100/);
    await checkA11y(page);

    await visit(page, '/outreach?status=reported&lang=en');
    assert.equal(await page.locator('main table tbody tr', { hasText: title }).count(), 1);

    await visit(page, `/outreach/regions?lang=en`);
    const reachedAfter = Number((await samarkand.locator('td').nth(3).textContent()).trim());
    assert.equal(reachedAfter, reachedBefore + 100);
    await checkA11y(page);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});
