// Border data arrives in bulk: an administrator uploads a journeys file, watches the progress
// bar fill while the server imports it in the background, and downloads the rejected rows.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, checkA11y, clickAndWait, closePage, digits, launch, newPage, pathOf, signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function pinfl(date, female) {
  const [y, m, d] = date.split('-');
  const century = Math.floor((Number(y) - 1800) / 100);
  const first = 1 + 2 * century + (female ? 1 : 0);
  const body = `${first}${d}${m}${y.slice(2)}${digits(6)}`;
  const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * [7, 3, 1][i % 3], 0);
  return `${body}${sum % 10}`;
}

test('an administrator imports a journeys file and follows its progress', async () => {
  const { admin } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, admin.login, admin.password);
    await visit(page, '/admin/imports?lang=en');
    await checkA11y(page);
    const rows = ['pinfl,kind,date,country,channel,family_name,given_name,birth_date,gender,region'];
    for (let i = 0; i < 300; i += 1) {
      rows.push(`${pinfl('1990-01-15', i % 2 === 1)},departure,2024-05-01,KR,official,Karimov,Bobur,1990-01-15,${i % 2 === 1 ? 'female' : 'male'},UZ-NG`);
    }
    rows.push('123,departure,2024-05-01,ZZ,,,,,,');
    await page.locator('#f-file').setInputFiles({
      name: 'border.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')),
    });
    await clickAndWait(page, page.locator('main form[action="/admin/imports"] button[type="submit"]'));
    assert.match(pathOf(page), /^\/admin\/imports\/[0-9a-f-]{36}$/);
    assert.equal(await page.locator('main progress').count(), 1);
    await checkA11y(page);
    // The page's script polls the job and reloads the page when it ends.
    await page.locator('main a[href$="/errors.csv"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('main progress').getAttribute('value'), '100');
    const facts = await page.locator('main').innerText();
    assert.match(facts, /Rows rejected\s+1/);
    assert.match(facts, /Persons registered\s+300/);
    await checkA11y(page);
  } finally {
    await closePage(page);
  }
});
