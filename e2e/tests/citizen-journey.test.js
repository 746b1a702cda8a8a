// 1. A citizen registers with a phone number, switches languages, signs out and signs in again
//    with the same number written the local way.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertNoProblems, checkA11y, clickAndWait, closePage, digits, htmlLang, launch, mainSubmit,
  newPage, pathOf, signIn, signOut, strongPassword, switchLanguage, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CYRILLIC = /[\u0400-\u04FF]/;

test('citizen registers, switches language, signs out and back in by phone', async () => {
  const page = await newPage(browser);
  try {
    const local = digits(7); // the subscriber part of +998 90 xxx xx xx
    const phone = `+99890${local}`;
    const phoneLocal = `90 ${local.slice(0, 3)} ${local.slice(3, 5)} ${local.slice(5)}`;
    const name = `Sinov Fuqaro ${digits(4)}`;
    const password = strongPassword();

    // Home, anonymous, in the default language.
    const home = await visit(page, '/');
    assert.equal(home.status(), 200);
    assert.equal(await htmlLang(page), 'uz-Latn', 'the default language is uz-Latn');
    assert.equal(await page.locator('header .who').count(), 0, 'nobody is signed in yet');

    // To the register page through the home page's link.
    await clickAndWait(page, page.locator('main a[href="/register"]').first());
    assert.equal(new URL(page.url()).pathname, '/register');
    await checkA11y(page);

    // An empty form: field errors, and still the whole layout around the form.
    const empty = await clickAndWait(page, mainSubmit(page, '/register'));
    assert.equal(empty.status(), 422, 'an empty registration is refused with 422');
    const errors = page.locator('main .error');
    assert.ok(await errors.count() >= 2, 'field errors are shown for the empty fields');
    for (const field of ['email', 'display_name', 'password']) {
      await page.locator(`#e-${field}`).waitFor({ state: 'visible' });
      assert.equal(await page.locator(`#f-${field}`).getAttribute('aria-invalid'), 'true', `${field} is marked invalid`);
      assert.equal(await page.locator(`#f-${field}`).getAttribute('aria-describedby'), `e-${field}`);
    }
    for (const part of ['header.top', 'nav.langs', 'main h1', 'footer', 'main form[action="/register"]']) {
      assert.equal(await page.locator(part).count(), 1, `the error page keeps the layout: ${part}`);
    }
    await checkA11y(page);

    // A real registration with a phone number and a strong password.
    await page.locator('#f-email').fill(phone);
    await page.locator('#f-display_name').fill(name);
    await page.locator('#f-password').fill(password);
    await page.locator('#f-password_confirm').fill(password);
    const registered = await clickAndWait(page, mainSubmit(page, '/register'));
    assert.equal(registered.status(), 200);
    assert.equal(pathOf(page), '/', 'registration lands on the home page');
    assert.equal((await page.locator('header .who').textContent()).trim(), name, 'the header shows the new name');
    await checkA11y(page);

    // Languages: Cyrillic Uzbek, Russian, back to Latin Uzbek.
    await switchLanguage(page, 'uz-Cyrl');
    assert.match(await page.locator('body').innerText(), CYRILLIC, 'uz-Cyrl text is in Cyrillic');
    await switchLanguage(page, 'ru');
    assert.match(await page.locator('main h1').innerText(), CYRILLIC, 'ru headings are in Cyrillic');
    await switchLanguage(page, 'uz-Latn');
    assert.doesNotMatch(await page.locator('main').innerText(), CYRILLIC, 'uz-Latn main text has no Cyrillic');

    // The choice is remembered: another page, plain URL, then a reload.
    await switchLanguage(page, 'ru');
    await visit(page, '/account');
    assert.equal(await htmlLang(page), 'ru', 'a page without ?lang= keeps the chosen language');
    await page.reload({ waitUntil: 'load' });
    assert.equal(await htmlLang(page), 'ru', 'the language survives a reload');
    const cookies = await page.context().cookies();
    assert.equal(cookies.find((c) => c.name === 'lang')?.value, 'ru', 'the lang cookie holds the choice');
    await checkA11y(page);
    await switchLanguage(page, 'uz-Latn');
    await page.reload({ waitUntil: 'load' });
    assert.equal(await htmlLang(page), 'uz-Latn');
    await checkA11y(page);

    // Sign out with the header's button.
    await signOut(page);
    assert.equal(await page.locator('header .who').count(), 0, 'the header no longer shows a name');
    assert.doesNotMatch(await page.locator('header').innerText(), new RegExp(name), 'the name is gone from the header');
    const account = await page.goto('/account');
    assert.match(pathOf(page), /^\/login\?next=/, `/account needs a session again (HTTP ${account.status()})`);
    await checkA11y(page);

    // Sign in with the same number written the local way.
    await signIn(page, phoneLocal, password, { onLoginPage: true });
    assert.equal(pathOf(page), '/account', 'signing in returns to the page asked for');
    assert.equal((await page.locator('header .who').textContent()).trim(), name);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});
