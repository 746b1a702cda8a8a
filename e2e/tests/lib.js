// Shared helpers for the Safar browser tests: a headless Chromium, fresh contexts, the demo
// accounts, form submission that waits for the page that answers, and `checkA11y`, which runs
// axe-core (every rule enabled by default, colour contrast included) on the current page.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.SAFAR_CHROMIUM || '/usr/bin/chromium';

export const BASE_URL = (process.env.SAFAR_URL || '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('SAFAR_URL is not set: run the suite through e2e/run.sh');
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Generous but bounded: a debug build on two cores hashes passwords (Argon2) slowly.
const TIMEOUT_MS = 20_000;

/** The demo accounts written by `safar demo`: role -> { login, password }. */
export function accounts() {
  const file = process.env.SAFAR_ACCOUNTS;
  if (!file) throw new Error('SAFAR_ACCOUNTS is not set: run the suite through e2e/run.sh');
  const byRole = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [role, login, password] = line.split('\t');
    byRole[role] = { login, password };
  }
  for (const role of ['admin', 'citizen']) {
    assert.ok(byRole[role], `${file} has no ${role} account`);
  }
  return byRole;
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context (no cookies) with a page. The browser asks for Uzbek, so the app's
 * default language (uz-Latn) is what a first visit shows. The page's own CSP stays in force:
 * axe is injected through the DevTools protocol, which CSP does not govern.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    locale: 'uz-UZ',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  // Uncaught script errors and CSP violations are defects on any page.
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`uncaught error on ${page.url()}: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
      page.problems.push(`CSP violation on ${page.url()}: ${msg.text()}`);
    }
  });
  // A page that asks for confirmation must not block the run.
  page.on('dialog', (dialog) => dialog.accept());
  return page;
}

/** Asserts that no script error or CSP violation happened on the page so far. */
export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the browser reported problems');
}

/** Closes the page's context (and so its cookies). */
export async function closePage(page) {
  await page.context().close();
}

/** Runs axe on the current page; fails listing every violation (id, impact, help, targets). */
export async function checkA11y(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) {
    await page.evaluate(AXE_SOURCE);
  }
  const results = await page.evaluate(async () => {
    // Every rule axe enables by default (WCAG A/AA and best practices), colour contrast explicitly.
    const r = await window.axe.run(document, {
      resultTypes: ['violations'],
      rules: { 'color-contrast': { enabled: true } },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  if (results.length > 0) {
    const lang = await page.evaluate(() => document.documentElement.lang);
    const lines = [`axe found ${results.length} violation(s) on ${page.url()} (lang=${lang}):`];
    for (const v of results) {
      lines.push(`- [${v.id}] (${v.impact}) ${v.help}`);
      for (const t of v.targets) {
        lines.push(`    at ${t.target}`);
        if (t.summary) lines.push(`      ${t.summary.replace(/\n\s*/g, ' | ')}`);
      }
    }
    assert.fail(lines.join('\n'));
  }
}

/** Navigates to a path, checks accessibility there and returns the navigation response. */
export async function visit(page, path) {
  const response = await page.goto(path, { waitUntil: 'load' });
  assert.ok(response, `no response for ${path}`);
  await checkA11y(page);
  return response;
}

/** Clicks something that navigates (a link or a submit button); returns the final response. */
export async function clickAndWait(page, locator) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
  return response;
}

/** The submit button of the main content's form (not the header's sign-out button). */
export function mainSubmit(page, formAction) {
  return page.locator(`main form[action="${formAction}"] button[type="submit"]`);
}

/**
 * Signs in through the login form and returns the landing response. Opens /login first (and
 * checks it with axe) unless `onLoginPage` says the page is already there.
 */
export async function signIn(page, login, password, { onLoginPage = false } = {}) {
  if (!onLoginPage) {
    await visit(page, '/login');
  }
  await page.locator('#f-email').fill(login);
  await page.locator('#f-password').fill(password);
  const response = await clickAndWait(page, mainSubmit(page, '/login'));
  assert.notEqual(new URL(page.url()).pathname, '/login', `signing in as ${login} failed (HTTP ${response?.status()})`);
  await checkA11y(page);
  return response;
}

/** Signs out with the header's button and checks the page it lands on. */
export async function signOut(page) {
  await clickAndWait(page, page.locator('header form[action="/logout"] button[type="submit"]'));
  await checkA11y(page);
}

/** The path (and query) of the page's URL. */
export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

/** Switches language with the link in nav.langs, checking <html lang> and accessibility. */
export async function switchLanguage(page, tag) {
  await clickAndWait(page, page.locator(`nav.langs a[href*="lang=${tag}"]`));
  assert.equal(await htmlLang(page), tag, `<html lang> after choosing ${tag}`);
  await checkA11y(page);
}

export async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.getAttribute('lang'));
}

/** Asserts the page has no horizontal scrolling at its current viewport. */
export async function assertNoHorizontalScroll(page, width) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `${page.url()} scrolls sideways at ${width}px: scrollWidth=${scrollWidth}`);
}

/** A random string of digits. */
export function digits(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 10);
  return s;
}

/** A strong random password (letters, digits, dashes; well over the minimum length). */
export function strongPassword() {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let s = '';
  for (let i = 0; i < 20; i++) {
    s += alphabet[Math.floor(Math.random() * alphabet.length)];
    if (i % 5 === 4 && i < 19) s += '-';
  }
  return s;
}

/** A valid PINFL: gender/century digit, DDMMYY, six digits, check digit (weights 7, 3, 1). */
export function pinfl(date, female) {
  const [y, m, d] = date.split('-');
  const century = Math.floor((Number(y) - 1800) / 100);
  const first = 1 + 2 * century + (female ? 1 : 0);
  const body = `${first}${d}${m}${y.slice(2)}${digits(6)}`;
  const weights = [7, 3, 1];
  const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * weights[i % 3], 0);
  return `${body}${sum % 10}`;
}
