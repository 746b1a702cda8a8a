// 3. Prepared departure: a trainer takes attendance and records a result on a tablet; a
// citizen enrols in a session from a phone; a stranger checks a certificate without an account.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  accounts, assertNoHorizontalScroll, checkA11y, clickAndWait, closePage, digits, launch,
  mainSubmit, newPage, pathOf, pinfl, signIn, strongPassword, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const today = () => new Date().toISOString().slice(0, 10);

/** The right answers of a module's quiz, from the shipped reference curriculum. */
function rightAnswers(code) {
  const curriculum = JSON.parse(readFileSync(new URL('../../data/reference/pdo_curriculum.json', import.meta.url), 'utf8'));
  return curriculum.modules.find((m) => m.code === code).quiz.map((q) => [q.id, q.answer]);
}

test('a trainer marks attendance and a result on a 768 px tablet', async () => {
  const { trainer } = accounts();
  const page = await newPage(browser, { viewport: { width: 768, height: 1024 }, hasTouch: true });
  try {
    await signIn(page, trainer.login, trainer.password);
    await visit(page, '/pdo/teaching?lang=en');
    await checkA11y(page);
    await clickAndWait(page, page.locator(`main a:text-is("${today()}")`).first());
    assert.match(pathOf(page), /^\/pdo\/sessions\//, 'today\'s session opens');
    await checkA11y(page);
    await assertNoHorizontalScroll(page, 768);

    // One tap marks a trainee present: shown at once, sent in the background, and there
    // after a reload.
    const present = page.locator('#day-1 + ul.attendance button[value="1"]').first();
    const name = await present.getAttribute('aria-label');
    await present.click();
    assert.equal(await present.getAttribute('aria-pressed'), 'true', 'the tap shows at once');
    await page.waitForFunction(() => (localStorage.getItem('safar.attendance') || '{}') === '{}');
    await page.reload();
    const again = page.locator(`#day-1 + ul.attendance button[aria-label="${name}"]`);
    assert.equal(await again.getAttribute('aria-pressed'), 'true', 'the server has the tap');
    await checkA11y(page);

    // With the connection down, a tap is kept on the tablet through a reload and sent
    // when the server can be reached again.
    await page.route('**/api/v1/pdo/enrolments/**', (route) => route.abort());
    const absent = page.locator('#day-1 + ul.attendance button[value="0"]').nth(1);
    const absentName = await absent.getAttribute('aria-label');
    await absent.click();
    await page.reload();
    const kept = page.locator(`#day-1 + ul.attendance button[aria-label="${absentName}"]`);
    assert.equal(await kept.getAttribute('aria-pressed'), 'true', 'kept across the reload');
    assert.match(await page.locator('[data-sync]').innerText(), /1/, 'one mark waiting');
    await page.unroute('**/api/v1/pdo/enrolments/**');
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForFunction(() => (localStorage.getItem('safar.attendance') || '{}') === '{}');
    await page.reload();
    const sent = page.locator(`#day-1 + ul.attendance button[aria-label="${absentName}"]`);
    assert.equal(await sent.getAttribute('aria-pressed'), 'true', 'sent once the connection is back');

    // A post-test score above the pass mark issues the certificate.
    const row = page.locator('main tbody tr').first();
    await row.locator('input[name="post_score"]').fill('85');
    await clickAndWait(page, row.locator('button[type="submit"]').last());
    assert.match(await page.locator('main tbody tr').first().innerText(), /Passed/);
    await checkA11y(page);
  } finally {
    await closePage(page);
  }
});

test('a citizen enrols in a session and studies a module online on a 360 px phone', async () => {
  const page = await newPage(browser, { viewport: { width: 360, height: 740 }, hasTouch: true });
  try {
    const password = strongPassword();
    await visit(page, '/register?lang=en');
    await page.locator('#f-email').fill(`pdo${digits(6)}@example.org`);
    await page.locator('#f-display_name').fill('Dilnoza Karimova');
    await page.locator('#f-password').fill(password);
    await page.locator('#f-password_confirm').fill(password);
    await clickAndWait(page, mainSubmit(page, '/register'));
    await visit(page, '/account/profile');
    await page.locator('#f-family_name').fill('Karimova');
    await page.locator('#f-given_name').fill('Dilnoza');
    await page.locator('#f-birth_date').fill('1996-05-06');
    await page.locator('input[name="gender"][value="female"]').check();
    await page.locator('#f-pinfl').fill(pinfl('1996-05-06', true));
    await page.locator('#f-region').selectOption('UZ-TK');
    await page.locator('#f-phone').fill(`93 ${digits(3)} ${digits(2)} ${digits(2)}`);
    await clickAndWait(page, mainSubmit(page, '/account/profile'));

    await visit(page, '/pdo/mine');
    await checkA11y(page);
    await assertNoHorizontalScroll(page, 360);
    const before = await page.locator('main form[action$="/enrol"]').count();
    assert.ok(before > 0, 'upcoming sessions can be joined');
    await clickAndWait(page, page.locator('main form[action$="/enrol"] button').first());
    assert.equal(pathOf(page), '/pdo/mine');
    assert.equal(await page.locator('main form[action$="/enrol"]').count(), before - 1, 'enrolled once');
    assert.equal(await page.locator('main form[action$="/withdraw"]').count(), 1, 'and may withdraw');
    await checkA11y(page);
    await assertNoHorizontalScroll(page, 360);

    // Online study: the first module of the Kazakhstan curriculum, read and answered.
    await visit(page, '/pdo/learn');
    await checkA11y(page);
    await clickAndWait(page, page.locator('main a[href="/pdo/learn/KZ"]'));
    await checkA11y(page);
    await clickAndWait(page, page.locator('main a[href="/pdo/learn/KZ/M01"]'));
    await checkA11y(page);
    await assertNoHorizontalScroll(page, 360);
    for (const [id, answer] of rightAnswers('M01')) {
      await page.locator(`input[name="${id}"][value="${answer}"]`).check();
    }
    await clickAndWait(page, mainSubmit(page, '/pdo/learn/KZ/M01'));
    assert.equal(await page.locator('main .verdict-valid').count(), 1, 'the module is passed');
    await checkA11y(page);
    await visit(page, '/pdo/learn/KZ');
    assert.match(await page.locator('main ol.modules li').first().innerText(), /✓/, 'progress is saved');
  } finally {
    await closePage(page);
  }
});

test('a stranger checks a certificate number and gets its status', async () => {
  const { pdo_manager: manager } = accounts();
  const staff = await newPage(browser);
  const stranger = await newPage(browser, { viewport: { width: 360, height: 740 } });
  try {
    await signIn(staff, manager.login, manager.password);
    await visit(staff, '/pdo?lang=en');
    await checkA11y(staff);
    const link = staff.locator('main a[href^="/pdo/certificates/"]').first();
    const id = (await link.innerText()).trim();
    assert.match(id, /^PDO-[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    const pdf = await staff.request.get(`/pdo/certificates/${id}/pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');

    await visit(stranger, '/verify?lang=en');
    await checkA11y(stranger);
    await stranger.locator('#f-id').fill(id.toLowerCase());
    await clickAndWait(stranger, mainSubmit(stranger, '/verify'));
    assert.match(await stranger.locator('main section h2').innerText(), /(Valid|Revoked) certificate/);
    assert.doesNotMatch(await stranger.locator('main').innerText(), /\b\d{14}\b/, 'no PINFL shown');
    await checkA11y(stranger);
    await visit(stranger, '/verify?id=PDO-AAAA-BBBB-CCCC-DDDD&lang=en');
    assert.match(await stranger.locator('main section h2').innerText(), /No such certificate/);
    await checkA11y(stranger);
  } finally {
    await closePage(staff);
    await closePage(stranger);
  }
});
