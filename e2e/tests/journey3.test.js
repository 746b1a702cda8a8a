// Journey 3 (DESIGN §2), help abroad: an operator takes a call from a migrant in Russia
// about unpaid wages, finds him by a misspelt Cyrillic name, opens a P3 case, reads the
// Russia guide from the case screen, refers the case to the consulate; the consulate's
// partner user accepts it and reports back; the case is resolved with the amount
// recovered. Also: the public guidance portal finds Cyrillic text with a Latin query.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, checkA11y, clickAndWait, closePage, digits, launch, mainSubmit, newPage, pathOf,
  pinfl, signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CONSULATE = 'Consulate General of Uzbekistan in Moscow';

test('journey 3: a call about unpaid wages in Russia, referred to the consulate and resolved', async () => {
  const { operator, partner } = accounts();
  const page = await newPage(browser);
  let casePath;
  try {
    await signIn(page, operator.login, operator.password);
    await visit(page, '/people/new?lang=en');
    await page.locator('#f-family_name').fill('Xoʻjayev');
    await page.locator('#f-given_name').fill('Oʻtkir');
    await page.locator('#f-birth_date').fill('1990-03-14');
    await page.locator('input[name="gender"][value="male"]').check();
    await page.locator('#f-pinfl').fill(pinfl('1990-03-14', false));
    await page.locator('#f-region').selectOption('UZ-SA');
    await page.locator('#f-phones').fill(`+998 93 ${digits(3)} ${digits(2)} ${digits(2)}`);
    await clickAndWait(page, mainSubmit(page, '/people'));

    // The caller says his name; the operator types it the Russian way.
    await visit(page, '/people?q=' + encodeURIComponent('Уткир Ходжаев'));
    const hit = page.locator('main table tbody tr', { hasText: 'Oʻtkir' }).first();
    await clickAndWait(page, hit.locator('a'));
    await page.locator('input[name="purpose"][value="case"]').check();
    await clickAndWait(page, page.locator('main form button[type="submit"]'));
    await clickAndWait(page, page.locator('main a[href^="/cases/new?person="]'));
    await page.locator('#f-category').selectOption('EMP');
    await page.locator('#f-subtype').fill('EMP-WAGE');
    await page.locator('#f-channel').selectOption('phone');
    await page.locator('#f-country').selectOption('RU');
    await page.locator('#f-city').fill('Yekaterinburg');
    await page.locator('#f-summary').fill('Construction site; wages unpaid for two months.');
    await clickAndWait(page, mainSubmit(page, '/cases'));
    casePath = pathOf(page);
    assert.match(casePath, /^\/cases\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('main').innerText(), /P3/);
    await checkA11y(page);

    // The Russia guide is one tap away on the case screen.
    const guide = page.locator('main a[href="/guide/country-ru"]');
    assert.equal(await guide.count(), 1, 'the Russia guide is suggested');
    const guidePage = await newPage(browser);
    try {
      await visit(guidePage, '/guide/country-ru');
      assert.match(await guidePage.locator('main h1').innerText(), /Rossiya/);
    } finally {
      await closePage(guidePage);
    }

    // Start work, then refer to the consulate in Moscow with the caller's consent.
    await clickAndWait(page, mainSubmit(page, `${casePath}/actions/start`));
    const refer = page.locator(`main form[action="${casePath}/referrals"]`);
    const option = refer.locator('select[name="partner_id"] option', { hasText: CONSULATE });
    await refer.locator('select[name="partner_id"]').selectOption(await option.getAttribute('value'));
    await refer.locator('textarea[name="request"]').fill('Please contact the employer about two months of unpaid wages.');
    await refer.locator('input[name="share_identity"]').check();
    await clickAndWait(page, refer.locator('button[type="submit"]'));
    assert.match(await page.locator('main').innerText(), new RegExp(CONSULATE));
    await checkA11y(page);
  } finally {
    await closePage(page);
  }

  // The consulate's partner user accepts and reports back.
  const consulate = await newPage(browser);
  try {
    await signIn(consulate, partner.login, partner.password);
    await visit(consulate, '/referrals');
    const rows = consulate.locator('main table tbody tr');
    assert.ok(await rows.count() >= 1);
    await clickAndWait(consulate, rows.first().locator('a'));
    const referral = pathOf(consulate);
    const text = await consulate.locator('main').innerText();
    assert.match(text, /Xoʻjayev Oʻtkir/, 'the name is shared with consent');
    assert.doesNotMatch(text, /Construction site/, 'the case summary is not shared');
    await clickAndWait(consulate, mainSubmit(consulate, `${referral}/actions/accept`));
    await consulate.locator(`main form[action="${referral}/actions/update"] textarea`).fill('Employer paid 80,000 RUB.');
    await clickAndWait(consulate, mainSubmit(consulate, `${referral}/actions/update`));
    await clickAndWait(consulate, mainSubmit(consulate, `${referral}/actions/done`));
    await checkA11y(consulate);
  } finally {
    await closePage(consulate);
  }

  // The operator sees the report and closes the case with the amount recovered.
  const back = await newPage(browser);
  try {
    await signIn(back, operator.login, operator.password);
    await visit(back, casePath);
    assert.match(await back.locator('main').innerText(), /Employer paid 80,000 RUB/);
    await clickAndWait(back, mainSubmit(back, `${casePath}/actions/resolve`));
    const close = back.locator(`main form[action="${casePath}/actions/close"]`);
    await close.locator('select[name="outcome"]').selectOption('resolved_money');
    await close.locator('input[name="amount_recovered"]').fill('80 000');
    await close.locator('input[name="currency"]').fill('RUB');
    await close.locator('input[name="satisfaction"]').fill('5');
    await clickAndWait(back, mainSubmit(back, `${casePath}/actions/close`));
    assert.match(await back.locator('main').innerText(), /80000 RUB/);
    await checkA11y(back);
  } finally {
    await closePage(back);
  }
});

test('the public guidance portal finds Russian (Cyrillic) text with a Latin query', async () => {
  const page = await newPage(browser, { locale: 'ru-RU' });
  try {
    await visit(page, '/guide?lang=ru');
    await page.locator('#f-q').fill('patent');
    await clickAndWait(page, page.locator('main form[role="search"] button'));
    await checkA11y(page);
    const results = page.locator('main ul.stack a[href="/guide/country-ru"]');
    assert.equal(await results.count(), 1);
    assert.match(await results.innerText(), /Росси/);
    await clickAndWait(page, results);
    assert.equal(pathOf(page), '/guide/country-ru');
    await checkA11y(page);
  } finally {
    await closePage(page);
  }
});
