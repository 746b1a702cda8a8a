// The work around cases and guidance, page by page: a regional officer breaks the glass on a
// case outside their region (with a reason the supervisors then see), supervisors keep the
// partner registry, an editor revises a guide and sees the diff, a citizen's case list —
// every page checked with axe.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, checkA11y, clickAndWait, closePage, launch, mainSubmit, newPage, pathOf, signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const REASON = 'Caller from Tashkent on the line at night; the Tashkent desk is closed.';

test('a regional officer breaks the glass on a case outside their region; supervisors see it', async () => {
  const { supervisor, regional_officer: officer } = accounts();
  const boss = await newPage(browser);
  let casePath;
  try {
    await signIn(boss, supervisor.login, supervisor.password);
    await visit(boss, '/cases?view=all&region=UZ-TK');
    casePath = await boss.locator('main table tbody tr a').first().getAttribute('href');
    assert.match(casePath, /^\/cases\/[0-9a-f-]{36}$/);
  } finally {
    await closePage(boss);
  }

  const page = await newPage(browser);
  try {
    await signIn(page, officer.login, officer.password);
    const refused = await visit(page, casePath);
    assert.equal(refused.status(), 403);
    await page.locator('#f-reason').fill('urgent');
    const short = await clickAndWait(page, mainSubmit(page, `${casePath}/break-glass`));
    assert.equal(short.status(), 422, 'a real reason is needed');
    await checkA11y(page);
    await page.locator('#f-reason').fill(REASON);
    const opened = await clickAndWait(page, mainSubmit(page, `${casePath}/break-glass`));
    assert.equal(opened.status(), 200);
    assert.equal(pathOf(page), casePath);
    await checkA11y(page);
  } finally {
    await closePage(page);
  }

  const again = await newPage(browser);
  try {
    await signIn(again, supervisor.login, supervisor.password);
    await visit(again, '/cases/supervision');
    assert.match(await again.locator('main').innerText(), /Tashkent desk is closed/);
    await visit(again, '/partners');
    assert.match(await again.locator('main').innerText(), /Consulate General of Uzbekistan in Moscow/);
    await visit(again, '/cases?view=overdue');
  } finally {
    await closePage(again);
  }
});

test('an editor revises a country guide and compares the versions', async () => {
  const { editor } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, editor.login, editor.password);
    await visit(page, '/guidance');
    await visit(page, '/guidance/new');
    await visit(page, '/guidance/country-kz');
    const body = page.locator('#f-body_en');
    await body.fill(`${await body.inputValue()}\n\nChecked by the editor (browser test).`);
    await clickAndWait(page, mainSubmit(page, '/guidance/country-kz'));
    await checkA11y(page);
    assert.match(await page.locator('main').innerText(), /Draft|Qoralama/);
    await visit(page, '/guidance/country-kz/diff?lang=en');
    assert.match(await page.locator('main ins').last().innerText(), /Checked by the editor/);
  } finally {
    await closePage(page);
  }
});

test("a citizen's cases page and the partner's inbox pass axe", async () => {
  const { citizen, partner } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, citizen.login, citizen.password);
    await visit(page, '/my/cases');
  } finally {
    await closePage(page);
  }
  const inbox = await newPage(browser);
  try {
    await signIn(inbox, partner.login, partner.password);
    await visit(inbox, '/referrals');
    assert.ok(await inbox.locator('main table tbody tr').count() >= 1, 'the demo consulate has referrals');
  } finally {
    await closePage(inbox);
  }
});
