// 2. A legal placement: an agency posts a vacancy, the licensing officer verifies it, the
// agency publishes it; a citizen checks its reference, applies with consent, and the agency
// takes the application through offer and contract to departure.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, checkA11y, clickAndWait, closePage, digits, launch, mainSubmit, newPage, pathOf,
  pinfl, signIn, strongPassword, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function inDays(n) {
  const d = new Date(Date.now() + n * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Clicks the decision button of a vacancy page. */
async function decide(page, reference, action) {
  await visit(page, `/vacancies/${reference}?lang=en`);
  await clickAndWait(page, mainSubmit(page, `/vacancies/${reference}/decide/${action}`));
  assert.equal(pathOf(page), `/vacancies/${reference}`, `${action} is taken`);
}

test('a vacancy is posted, verified, published, applied to and ends in a departure', async () => {
  const { recruiter_staff: staffAccount, licensing_officer: officerAccount } = accounts();
  const title = `Assembly line worker ${digits(5)}`;

  const staff = await newPage(browser);
  const officer = await newPage(browser);
  const citizen = await newPage(browser, { viewport: { width: 360, height: 740 } });
  try {
    await signIn(staff, staffAccount.login, staffAccount.password);
    await visit(staff, '/vacancies/manage?lang=en');
    await clickAndWait(staff, staff.locator('main a[href="/vacancies/new"]'));
    await checkA11y(staff);
    const empty = await clickAndWait(staff, mainSubmit(staff, '/vacancies'));
    assert.equal(empty.status(), 422, 'an empty job order is refused');
    assert.ok(await staff.locator('main .error').count() >= 4, 'errors beside the fields');
    await checkA11y(staff);
    await staff.locator('#f-channel').selectOption('KR-EPS');
    await staff.locator('#f-employer').fill('Hanbit Manufacturing Co.');
    await staff.locator('#f-title').fill(title);
    await staff.locator('#f-sector').selectOption('8211');
    await staff.locator('#f-positions').fill('5');
    await staff.locator('#f-wage').fill('2 100 000');
    await staff.locator('#f-currency').selectOption('KRW');
    await staff.locator('#f-hours_per_week').fill('40');
    await staff.locator('#f-language').selectOption('ko');
    await staff.locator('#f-language_level').selectOption('A2');
    await staff.locator('#f-deadline').fill(inDays(30));
    await clickAndWait(staff, mainSubmit(staff, '/vacancies'));
    const reference = pathOf(staff).replace('/vacancies/', '');
    assert.match(reference, /^V-[A-Z0-9]{6}$/, 'the draft has a public reference');
    assert.equal(await staff.locator('main h1').innerText(), title);
    await checkA11y(staff);

    await signIn(officer, officerAccount.login, officerAccount.password);
    await decide(officer, reference, 'verify');
    await checkA11y(officer);
    await decide(staff, reference, 'publish');
    assert.equal(await staff.locator('main [role="status"]').count(), 1, 'the vacancy is open');

    // A new citizen registers, completes the profile and checks the reference they were given.
    const password = strongPassword();
    await visit(citizen, '/register?lang=en');
    await citizen.locator('#f-email').fill(`placement${digits(6)}@example.org`);
    await citizen.locator('#f-display_name').fill('Jasur Karimov');
    await citizen.locator('#f-password').fill(password);
    await citizen.locator('#f-password_confirm').fill(password);
    await clickAndWait(citizen, mainSubmit(citizen, '/register'));
    await visit(citizen, '/account/profile');
    await citizen.locator('#f-family_name').fill('Karimov');
    await citizen.locator('#f-given_name').fill('Jasur');
    await citizen.locator('#f-birth_date').fill('1995-03-04');
    await citizen.locator('input[name="gender"][value="male"]').check();
    await citizen.locator('#f-pinfl').fill(pinfl('1995-03-04', false));
    await citizen.locator('#f-region').selectOption('UZ-SA');
    await citizen.locator('#f-phone').fill(`93 ${digits(3)} ${digits(2)} ${digits(2)}`);
    await clickAndWait(citizen, mainSubmit(citizen, '/account/profile'));

    await visit(citizen, '/vacancies');
    await checkA11y(citizen);
    await citizen.locator('#f-reference').fill(reference.toLowerCase());
    await clickAndWait(citizen, citizen.locator('main form[action="/vacancies"] button[type="submit"]').first());
    assert.equal(pathOf(citizen), `/vacancies/${reference}`, 'the typed reference leads to the vacancy');
    await checkA11y(citizen);
    const refused = await clickAndWait(citizen, mainSubmit(citizen, `/vacancies/${reference}/apply`));
    assert.equal(refused.status(), 422, 'consent is asked first');
    assert.equal(await citizen.locator('#f-consent').getAttribute('aria-invalid'), 'true');
    await checkA11y(citizen);
    await citizen.locator('#f-consent').check();
    await clickAndWait(citizen, mainSubmit(citizen, `/vacancies/${reference}/apply`));
    assert.equal(pathOf(citizen), '/applications');
    await checkA11y(citizen);

    // The agency takes the application to departure.
    await visit(staff, `/vacancies/${reference}/applicants?lang=en`);
    await checkA11y(staff);
    const row = staff.locator('main tbody tr', { hasText: 'Karimov Jasur' });
    assert.match(await row.innerText(), /the same occupation|\d+\/100/);
    for (const step of ['shortlist', 'offer', 'contract']) {
      await clickAndWait(staff, row.locator(`form[action$="/${step}"] button`));
    }
    await row.locator('input[type="date"]').fill(inDays(0));
    await clickAndWait(staff, row.locator('form[action$="/depart"] button'));
    assert.match(await row.innerText(), /Departed/);
    await checkA11y(staff);

    await visit(citizen, '/applications?lang=en');
    assert.match(await citizen.locator('main').innerText(), /Departed/, 'the citizen sees it too');
    assert.equal(await citizen.locator('main form[action$="/withdraw"]').count(), 0, 'nothing left to withdraw');
  } finally {
    await closePage(staff);
    await closePage(officer);
    await closePage(citizen);
  }
});
