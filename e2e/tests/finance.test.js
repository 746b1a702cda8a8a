// Money matters on a cheap phone (360 px): the remittance comparison ranks providers by total
// cost with each quote's date and source, the budget planner says when a savings goal is
// reached and links to the comparison, and an editor's new quote appears in the public
// ranking at once.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, assertNoHorizontalScroll, assertNoProblems, checkA11y, clickAndWait, closePage,
  launch, mainSubmit, newPage, signIn, visit,
} from './lib.js';

const WIDTH = 360;
const PHONE = { viewport: { width: WIDTH, height: 740 }, isMobile: true, hasTouch: true };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The total costs shown on the comparison, in page order. */
async function totals(page) {
  const texts = await page.locator('ol.offers li .cost strong').allTextContents();
  return texts.map((t) => Number(t.replace(/[^\d.]/g, '')));
}

for (const lang of ['uz-Latn', 'ru']) {
  test(`the comparison and the planner work on a ${WIDTH}px phone (${lang})`, async () => {
    const page = await newPage(browser, PHONE);
    try {
      await visit(page, `/money?lang=${lang}`);
      await page.locator('#f-corridor').selectOption('RU-UZ');
      await page.locator('#f-amount').fill('200');
      await page.locator('#f-currency').selectOption('USD');
      await clickAndWait(page, page.locator('form#compare button[type="submit"]'));
      const shown = await totals(page);
      assert.ok(shown.length >= 3, `offers: ${shown}`);
      assert.deepEqual(shown, [...shown].sort((a, b) => a - b), 'cheapest first');
      // Every offer names its date and source; the old demo quote carries the warning.
      const offers = page.locator('ol.offers li');
      assert.equal(await offers.filter({ hasText: 'Demo data' }).count(), shown.length);
      assert.ok(await page.locator('ol.offers li p.alert').count() >= 1, 'a stale quote is marked');
      await assertNoHorizontalScroll(page, WIDTH);
      await checkA11y(page);

      await visit(page, `/money/plan?lang=${lang}`);
      await page.locator('#f-currency').selectOption('USD');
      for (const [field, value] of [['income', '1 200'], ['housing', '250'], ['food', '200'],
        ['transport', '50'], ['send_home', '400'], ['saved_now', '100'], ['goal', '1 500']]) {
        await page.locator(`#f-${field}`).fill(value);
      }
      await clickAndWait(page, mainSubmit(page, '/money/plan'));
      const result = page.locator('#plan-result');
      // 1 200 − 500 − 400 = 300 a month; 1 400 still to save: 5 months.
      const [, left, goal] = await result.locator('dd').allTextContents();
      assert.match(left, /^300\b/);
      assert.match(goal, /^5\b/);
      await assertNoHorizontalScroll(page, WIDTH);
      await checkA11y(page);
      await clickAndWait(page, result.locator('a'));
      assert.equal(await page.locator('#f-amount').inputValue(), '400');
      assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
}

test('an editor adds a quote and it takes its place in the public ranking', async () => {
  const { editor } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, editor.login, editor.password);
    await visit(page, '/money/quotes?lang=en');
    const form = page.locator('main form[method="post"][action="/money/quotes"] button[type="submit"]');
    await page.locator('#f-corridor').selectOption('KZ-UZ');
    await page.locator('#f-provider').fill('Browser Test Remit');
    await page.locator('#f-currency').selectOption('USD');
    await page.locator('#f-fee_fixed').fill('0');
    await page.locator('#f-fee_percent').fill('0');
    await page.locator('#f-fx_margin').fill('0.1');
    await page.locator('#f-speed').selectOption('minutes');
    await page.locator('#f-pickup').selectOption('card');
    await page.locator('#f-quoted_on').fill(new Date().toISOString().slice(0, 10));
    await page.locator('#f-source').fill('tariff page seen in the browser test');
    await clickAndWait(page, form);
    assert.ok(await page.locator('main table', { hasText: 'Browser Test Remit' }).count() === 1);
    await checkA11y(page);

    await visit(page, '/money?corridor=KZ-UZ&amount=300&currency=USD&lang=en');
    const first = page.locator('ol.offers li').first();
    assert.match(await first.textContent(), /Browser Test Remit/);
    assert.match(await first.textContent(), /tariff page seen in the browser test/);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});
