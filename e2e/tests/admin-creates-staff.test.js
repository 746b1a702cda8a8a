// 2. The administrator creates an operator limited to one region; the operator can sign in.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, assertNoProblems, checkA11y, clickAndWait, closePage, digits, launch, mainSubmit,
  newPage, pathOf, signIn, signOut, strongPassword, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('admin creates an operator with a region scope, who can then sign in', async () => {
  const { admin } = accounts();
  const page = await newPage(browser);
  try {
    const email = `operator-${digits(8)}@e2e.example.org`;
    const name = `Sinov Operator ${digits(4)}`;
    const password = strongPassword();

    await signIn(page, admin.login, admin.password);
    await visit(page, '/admin/users');
    assert.equal(await page.locator('main h1').count(), 1);

    await clickAndWait(page, page.locator('main a[href="/admin/users/new"]'));
    assert.equal(pathOf(page), '/admin/users/new');
    await checkA11y(page);

    // A scope that means nothing: the form comes back with the error at the scope field.
    const fill = async (scope) => {
      await page.locator('#f-email').fill(email);
      await page.locator('#f-display_name').fill(name);
      await page.locator('#f-role').selectOption('operator');
      await page.locator('#f-scope').fill(scope);
      await page.locator('#f-password').fill(password);
    };
    await fill('nowhere');
    const bad = await clickAndWait(page, mainSubmit(page, '/admin/users'));
    assert.equal(bad.status(), 422, 'a bad scope is refused with 422');
    await page.locator('#e-scope').waitFor({ state: 'visible' });
    assert.ok((await page.locator('#e-scope').innerText()).trim().length > 0, 'the scope error has text');
    assert.equal(await page.locator('#f-scope').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#f-scope').inputValue(), 'nowhere', 'the typed scope is kept');
    assert.equal(await page.locator('#f-email').inputValue(), email, 'the typed e-mail is kept');
    assert.equal(await page.locator('#f-role').inputValue(), 'operator', 'the chosen role is kept');
    assert.equal(await page.locator('main .error').count(), 1, 'only the scope is in error');
    await checkA11y(page);

    // Now a good scope.
    await fill('region:UZ-SA');
    const created = await clickAndWait(page, mainSubmit(page, '/admin/users'));
    assert.equal(created.status(), 200);
    assert.equal(pathOf(page), '/admin/users?notice=created');
    await page.locator('main .notice[role="status"]').waitFor({ state: 'visible' });
    const row = page.locator('main table tbody tr', { hasText: email });
    assert.equal(await row.count(), 1, 'the new user is listed');
    assert.match(await row.innerText(), new RegExp(name));
    assert.match(await row.innerText(), /operator/i);
    await checkA11y(page);

    await signOut(page);
    assert.equal(await page.locator('header .who').count(), 0);

    // The new operator signs in and gets the staff home page.
    await signIn(page, email, password);
    assert.equal(pathOf(page), '/');
    assert.equal((await page.locator('header .who').textContent()).trim(), name);
    await page.locator('main h2#queues').waitFor({ state: 'visible' });
    assert.equal(await page.locator('main #journeys').count(), 0, 'staff do not get the citizen home page');
    await visit(page, '/account');
    assert.match(await page.locator('main .facts').innerText(), /region:UZ-SA/, 'the account page shows the scope');
    const users = await page.goto('/admin/users');
    assert.equal(users.status(), 403, 'an operator may not manage users');
    await checkA11y(page);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});
