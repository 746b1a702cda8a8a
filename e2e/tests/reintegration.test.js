// Return and restart, the officer's and the committee's pages: the returnee queue and an
// intake with its plan, the intake form, the grant calls, a decided call's ranking and an
// award's tranches and visits, the call form, and a reviewer's list — each passes axe.
// (Journey 4 end to end, from intake to the six-month visit, is journey4.test.js.)

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, assertNoProblems, checkA11y, closePage, launch, newPage, signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the reintegration officer works a returnee plan and a decided grant call', async () => {
  const { reintegration_officer: officer } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, officer.login, officer.password);
    await visit(page, '/returnees?lang=en');
    await checkA11y(page);
    const intake = page.locator('main table tbody a').first();
    assert.ok(await intake.count() === 1, 'the demo queue has follow-ups');
    await visit(page, `${await intake.getAttribute('href')}?lang=en`);
    assert.match(await page.locator('main').textContent(), /Service plan/);
    await checkA11y(page);
    const person = new URL(await page.locator('main a[href^="/people/"]').first().getAttribute('href'), 'http://x').pathname.split('/')[2];
    await visit(page, `/returnees/new?person=${person}&lang=ru`);
    await checkA11y(page);

    await visit(page, '/grants?lang=en');
    await checkA11y(page);
    await visit(page, '/grants/calls/new?lang=uz-Latn');
    await checkA11y(page);
    await visit(page, '/grants?lang=en');
    const calls = page.locator('main .cards a');
    assert.ok(await calls.count() >= 2, 'a decided and an open call');
    for (const href of await calls.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      await visit(page, `${href}?lang=en`);
      await checkA11y(page);
      const awarded = page.locator('main table tbody tr', { hasText: /awarded|being paid|monitoring|completed/ }).first();
      if (await awarded.count() === 1) {
        await visit(page, `${await awarded.locator('a').getAttribute('href')}?lang=en`);
        assert.match(await page.locator('main').textContent(), /Tranche 1/);
        await checkA11y(page);
      }
    }
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});

test('a committee member sees their reviews; a citizen sees the open call', async () => {
  const { grant_reviewer: reviewer, citizen } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, reviewer.login, reviewer.password);
    await visit(page, '/reviews?lang=ru');
    await checkA11y(page);
    const review = page.locator('main .stack a').first();
    assert.equal(await review.count(), 1, 'the demo reviewer has reviews');
    await visit(page, `${await review.getAttribute('href')}?lang=en`);
    assert.doesNotMatch(await page.locator('main').textContent(), /PINFL|JSHSHIR/);
    await checkA11y(page);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
  const citizenPage = await newPage(browser);
  try {
    await signIn(citizenPage, citizen.login, citizen.password);
    await visit(citizenPage, '/grants?lang=uz-Latn');
    await checkA11y(citizenPage);
    const open = citizenPage.locator('main .cards a').first();
    await visit(citizenPage, `${await open.getAttribute('href')}?lang=uz-Latn`);
    assert.equal(await citizenPage.locator('main form[action$="/applications"]').count(), 1);
    await checkA11y(citizenPage);
    assertNoProblems(citizenPage);
  } finally {
    await closePage(citizenPage);
  }
});
