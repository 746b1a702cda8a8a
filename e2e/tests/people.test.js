// 3. Help abroad starts with finding the person: an operator registers a migrant typed in
// Latin and finds them again typed in Cyrillic, Russian-style; a citizen completes their
// own profile and manages consent.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, checkA11y, clickAndWait, closePage, digits, launch, mainSubmit, newPage, pathOf,
  pinfl, signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an operator registers a person in Latin and finds them typed in Cyrillic', async () => {
  const { operator } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, operator.login, operator.password);
    await visit(page, '/people?lang=en');
    await clickAndWait(page, page.locator('main a[href="/people/new"]'));
    await checkA11y(page);

    const empty = await clickAndWait(page, mainSubmit(page, '/people'));
    assert.equal(empty.status(), 422, 'an empty form is refused');
    assert.ok(await page.locator('main .error').count() >= 4, 'errors are shown beside the fields');
    await checkA11y(page);

    const family = `Xoʻjayev`;
    await page.locator('#f-family_name').fill(family);
    await page.locator('#f-given_name').fill('Oʻtkir');
    await page.locator('#f-birth_date').fill('1990-05-14');
    await page.locator('input[name="gender"][value="male"]').check();
    await page.locator('#f-pinfl').fill(pinfl('1990-05-14', false));
    await page.locator('#f-region').selectOption('UZ-SA');
    await page.locator('#f-phones').fill(`+998 90 ${digits(3)} ${digits(2)} ${digits(2)}`);
    const created = await clickAndWait(page, mainSubmit(page, '/people'));
    assert.equal(created.status(), 200);
    assert.match(pathOf(page), /^\/people\/[0-9a-f-]{36}\?purpose=correction$/);
    assert.match(await page.locator('main h1').innerText(), /Oʻtkir/);
    await checkA11y(page);

    await visit(page, '/people');
    // Live results appear while typing (the page's script); the form still works without it.
    await page.locator('#f-q').pressSequentially('Уткир Ход', { delay: 30 });
    await page.locator('#people-results tbody tr', { hasText: 'Oʻtkir' }).first().waitFor({ timeout: 10_000 });
    assert.match(pathOf(page), /q=/, 'the address follows the live search');
    await page.locator('#f-q').fill('Уткир Ходжаев');
    await clickAndWait(page, page.locator('main form[action="/people"] button[type="submit"]'));
    await checkA11y(page);
    const hit = page.locator('main table tbody tr', { hasText: 'Oʻtkir' }).first();
    assert.equal(await hit.count(), 1, 'the Latin entry is found from the Cyrillic spelling');
    assert.match(await hit.innerText(), /Хўжаев/, 'the other script is shown too');

    await clickAndWait(page, hit.locator('a'));
    await checkA11y(page);
    await page.locator('input[name="purpose"][value="case"]').check();
    await clickAndWait(page, page.locator('main form button[type="submit"]'));
    assert.match(pathOf(page), /\?purpose=case$/);
    await checkA11y(page);

    await page.locator('input[name="kind"][value="departure"]').check();
    await page.locator('#f-date').fill('2025-03-01');
    await page.locator('#f-country').selectOption('RU');
    await clickAndWait(page, page.locator('main form[action$="/journeys"] button[type="submit"]'));
    assert.match(await page.locator('main .timeline').innerText(), /2025-03-01/);
    await checkA11y(page);
  } finally {
    await closePage(page);
  }
});

test('a citizen completes their profile, gives and withdraws consent', async () => {
  const { citizen } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, citizen.login, citizen.password);
    await visit(page, '/account');
    await clickAndWait(page, page.locator('main a[href="/account/profile"]'));
    await checkA11y(page);
    await page.locator('#f-family_name').fill('Saidova');
    await page.locator('#f-given_name').fill('Nilufar');
    await page.locator('#f-birth_date').fill('1996-06-06');
    await page.locator('input[name="gender"][value="female"]').check();
    await page.locator('#f-pinfl').fill(pinfl('1996-06-06', true));
    await page.locator('#f-region').selectOption('UZ-BU');
    await page.locator('#f-phone').fill(`97 ${digits(3)} ${digits(2)} ${digits(2)}`);
    await clickAndWait(page, mainSubmit(page, '/account/profile'));
    assert.equal(pathOf(page), '/account/profile');
    assert.equal(await page.locator('main a[download]').count(), 1, 'the download link is offered');
    await checkA11y(page);

    await clickAndWait(page, page.locator('main a[href$="/details"]'));
    await checkA11y(page);
    await page.locator('#f-education').selectOption('vocational');
    await page.locator('#f-skill-0').selectOption('7112');
    await page.locator('#f-language-0').selectOption('ru');
    await page.locator('#f-level-0').selectOption('B1');
    await page.locator('#f-contact-name-0').fill('Saida Saidova');
    await page.locator('#f-relation-0').selectOption('parent');
    await page.locator('#f-contact-phone-0').fill('90 111 22 33');
    await clickAndWait(page, page.locator('main form[action$="/details"] button[type="submit"]'));
    assert.equal(pathOf(page), '/account/profile');
    assert.match(await page.locator('main').innerText(), /\+998901112233/, 'the contact is shown, normalised');

    const research = page.locator('main form[action="/account/consents"]', { has: page.locator('input[value="research"]') });
    await clickAndWait(page, research.locator('button'));
    const withdraw = page.locator('main form[action$="/withdraw"]');
    assert.equal(await withdraw.count(), 1, 'the consent is listed with a way to withdraw it');
    await checkA11y(page);
    await clickAndWait(page, withdraw.locator('button'));
    assert.equal(await page.locator('main form[action$="/withdraw"]').count(), 0, 'withdrawn');
  } finally {
    await closePage(page);
  }
});
