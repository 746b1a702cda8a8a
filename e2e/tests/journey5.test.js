// Journey 5 (DESIGN §2), seeing the whole picture, end to end in the browser:
//
//   1. The analyst signs in, opens Analytics and asks for departures by region and gender:
//      a chart (server-drawn SVG with its title) and the same figures as a table appear.
//   2. They narrow it to women, then download the table as XLSX: a real spreadsheet file.
//   3. Anyone, signed out, opens the open-data page: a table by district shows hidden small
//      counts (marked, never a number under 5) and explains how they are protected.
//
// Every page visited is checked with axe.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  accounts, assertNoProblems, checkA11y, clickAndWait, closePage, launch, mainSubmit, newPage,
  signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an analyst filters departures by region and gender, sees the chart and downloads XLSX', async () => {
  const { analyst } = accounts();
  assert.ok(analyst, 'the demo has an analyst account');
  const page = await newPage(browser);
  try {
    await signIn(page, analyst.login, analyst.password);
    await visit(page, '/analytics?lang=en');
    await page.locator('#f-indicator').selectOption('departures');
    await page.locator('#f-by').selectOption('region,gender');
    await clickAndWait(page, mainSubmit(page, '/analytics'));
    await checkA11y(page);

    const chart = page.locator('main figure svg[role="img"]');
    assert.equal(await chart.count(), 1, 'one chart');
    assert.match(await chart.locator('title').first().textContent(), /Departures/);
    const rows = page.locator('#result-table tbody tr');
    assert.ok(await rows.count() > 0, 'the table has rows');
    const genders = await page.locator('#result-table tbody tr td:nth-child(2)').allTextContents();
    assert.ok(genders.every((g) => g === 'Women' || g === 'Men'), `genders: ${genders}`);

    await page.locator('#f-gender').selectOption('female');
    await clickAndWait(page, mainSubmit(page, '/analytics'));
    await checkA11y(page);
    const womenOnly = await page.locator('#result-table tbody tr td:nth-child(2)').allTextContents();
    assert.ok(womenOnly.length > 0 && womenOnly.every((g) => g === 'Women'), `after the filter: ${womenOnly}`);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('main a', { hasText: 'XLSX' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^departures\.xlsx$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX file is a zip archive');
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});

test('the public open-data page hides small counts and says how', async () => {
  const page = await newPage(browser);
  try {
    await visit(page, '/open-data?lang=en');
    await page.locator('#f-by').selectOption('district');
    await clickAndWait(page, mainSubmit(page, '/open-data'));
    await checkA11y(page);
    const hidden = page.locator('#result-table tbody tr.suppressed');
    assert.ok(await hidden.count() > 0, 'some district counts are hidden');
    assert.equal((await hidden.first().locator('td.num').textContent()).trim(), 'hidden');
    for (const value of await page.locator('#result-table tbody tr:not(.suppressed) td.num').allTextContents()) {
      assert.ok(Number(value) >= 5, `a shown count under 5: ${value}`);
    }
    assert.equal(await page.locator('main h2', { hasText: 'How small numbers are protected' }).count(), 1);
    // Other indicators, other languages: a definition page and the awareness map.
    await visit(page, '/indicators/outreach_reach?lang=ru');
    await visit(page, '/open-data?indicator=outreach_reach&by=region&lang=uz-Cyrl');
    assert.equal(await page.locator('main figure svg[role="img"]').count(), 1, 'the region map');
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});
