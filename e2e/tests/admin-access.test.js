// 3. Who may open the admin pages: a citizen is refused (403), an anonymous visitor is sent to
//    sign in and then brought back.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, assertNoProblems, checkA11y, clickAndWait, closePage, launch, mainSubmit, newPage, pathOf,
  signIn,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a signed-in citizen gets the 403 page at /admin/users', async () => {
  const { citizen } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, citizen.login, citizen.password);
    const response = await page.goto('/admin/users');
    await checkA11y(page);
    assert.equal(response.status(), 403);
    assert.equal(pathOf(page), '/admin/users', 'no redirect: the refusal is shown in place');
    const h1 = page.locator('main h1');
    assert.equal(await h1.count(), 1, 'the 403 page has a heading');
    assert.ok((await h1.innerText()).trim().length > 0, 'the heading has text');
    assert.match(await page.locator('main').innerText(), /403/);
    assert.equal(await page.locator('main table').count(), 0, 'no user list leaks');
    assert.equal(await page.locator('header .who').count(), 1, 'the citizen is still signed in');
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});

test('an anonymous visit to /admin/users asks to sign in, then returns there', async () => {
  const { admin } = accounts();
  const page = await newPage(browser);
  try {
    await page.goto('/admin/users');
    const url = new URL(page.url());
    assert.equal(url.pathname, '/login');
    assert.equal(url.searchParams.get('next'), '/admin/users', `next= names the page asked for (${page.url()})`);
    assert.equal(await page.locator('main input[type="hidden"][name="next"]').inputValue(), '/admin/users');
    await checkA11y(page);

    // A wrong password first: refused with an alert, and the way back is kept.
    await page.locator('#f-email').fill(admin.login);
    await page.locator('#f-password').fill('not-the-password-e2e');
    const refused = await clickAndWait(page, mainSubmit(page, '/login'));
    assert.equal(refused.status(), 401, 'a wrong password is refused with 401');
    const alert = page.locator('main .alert[role="alert"]');
    assert.equal(await alert.count(), 1, 'the failure is announced');
    assert.ok((await alert.innerText()).trim().length > 0);
    assert.equal(await page.locator('#f-email').inputValue(), admin.login, 'the login is kept');
    assert.equal(await page.locator('#f-password').inputValue(), '', 'the password is not echoed');
    assert.equal(await page.locator('main input[type="hidden"][name="next"]').inputValue(), '/admin/users');
    await checkA11y(page);

    await signIn(page, admin.login, admin.password, { onLoginPage: true });
    assert.equal(pathOf(page), '/admin/users', 'after signing in the admin lands on /admin/users');
    assert.equal(await page.locator('main table').count(), 1, 'the user list is shown');
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});
