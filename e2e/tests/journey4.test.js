// Journey 4 (DESIGN §2), return and restart, end to end in the browser:
//
//   1. Returnee 7 (a citizen whose registry record has a return on it) signs in, finds their
//      own record id on the profile page and sees their pilot-round grant application in
//      review.
//   2. The reintegration officer opens that record (for reintegration support), reads the
//      returnee's region and adds a retraining course there, starting in a few days.
//   3. The officer records the returnee's intake (the return is already in the registry, so
//      no return date), plans a retraining service and, from the service plan, enrols the
//      returnee on the new course: the service is in progress and the course lists the trainee.
//   4. The returnee applies to the open second round with the browser form (eligible at once)
//      and finds the course under "My courses".
//   5. Each of the three committee members scores every pilot application waiting for them,
//      blind to who applied.
//   6. The officer decides the pilot call: the ranking awards the returnee's application; on
//      the application the officer releases tranche 1, records the six-month visit and
//      releases tranche 2.
//   7. The returnee sees the decision and its reason on their application.
//
// The steps run in order and share what they find (ids, names). They change the demo
// database, and so run once on a fresh demo (as CI does): the pilot call can be decided only
// once. Every page visited is checked with axe.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accounts, assertNoProblems, checkA11y, clickAndWait, closePage, digits, launch, mainSubmit,
  newPage, pathOf, signIn, visit,
} from './lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PILOT = 'Returnee small-business grants: district pilot';
const SECOND = 'Returnee small-business grants: second round';

/** A date `days` from today (the server counts days in UTC), as `YYYY-MM-DD`. */
function day(days = 0) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Text with the app's digit-group spaces (U+202F) and other odd spaces made plain. */
function norm(text) {
  return text.replace(/[\u00a0\u202f]/g, ' ').trim();
}

/** The text of the <dd> that follows the <dt> with this label (main's first such <dt>). */
async function fact(page, label) {
  const dd = page.locator('main dl.facts dt', { hasText: label }).first().locator('xpath=following-sibling::dd[1]');
  return norm(await dd.innerText());
}

/** The items of the list that follows main's <h2> with this text. */
async function listAfter(page, heading) {
  const items = page.locator('main h2', { hasText: heading }).first().locator('xpath=following-sibling::ul[1]/li');
  return (await items.allInnerTexts()).map(norm);
}

/** The last path segment of a link's href. */
async function idOf(link) {
  const href = await link.getAttribute('href');
  return new URL(href, 'http://x').pathname.split('/').pop();
}

// What the steps learn and pass on.
const j = {
  person: '', // returnee 7's registry id
  familyName: '', // for the blind-review check
  pilotApplication: '', // their application to the pilot call
  region: '', // the region's English name, as the officer's pages show it
  course: '', // the new course's id
  courseTitle: `Welding and metalwork for returnees ${digits(4)}`,
  intake: '',
  secondApplication: '',
};

const SECOND_ACTIVITY = 'Joinery making kitchen furniture to order';

test('1. the returnee finds their record and their pilot application in review', async () => {
  const { returnee7 } = accounts();
  assert.ok(returnee7, 'the demo accounts have returnee7');
  const page = await newPage(browser);
  try {
    await signIn(page, returnee7.login, returnee7.password);
    await visit(page, '/account/profile?lang=en');
    const exportLink = page.locator('main a[href^="/api/v1/persons/"]');
    assert.equal(await exportLink.count(), 1, 'the profile links to the own record');
    j.person = (await exportLink.getAttribute('href')).split('/')[4];
    assert.match(j.person, new RegExp(`^${UUID}$`));
    j.familyName = (await fact(page, 'Name')).split(/\s+/)[0];
    assert.ok(j.familyName.length >= 2, `a family name on the profile: ${j.familyName}`);

    await visit(page, '/grants?lang=en');
    const mine = page.locator('main h2', { hasText: 'My applications' }).locator('xpath=following-sibling::ul[1]/li');
    const inReview = mine.filter({ hasText: '— in review' });
    assert.equal(await inReview.count(), 1, `one application in review: ${await mine.allInnerTexts()}`);
    j.pilotApplication = await idOf(inReview.locator('a'));
    // The pilot call is closed: a citizen's list of calls offers only the open one.
    const calls = await page.locator('main .cards a').allInnerTexts();
    assert.ok(calls.includes(SECOND), `the open call is listed: ${calls}`);
    assert.ok(!calls.includes(PILOT), 'the closed pilot call is not offered');

    await visit(page, `/grants/applications/${j.pilotApplication}?lang=en`);
    assert.equal(await fact(page, 'Status'), 'in review');
    assert.equal(await page.locator('main form').count(), 0, 'nothing for the applicant to do yet');
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});

test('2–3. the officer adds a course in the region, records the intake and enrols the returnee from the plan', async () => {
  assert.ok(j.person, 'step 1 found the returnee');
  const { reintegration_officer: officer } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, officer.login, officer.password);

    // The record, opened for reintegration support: the region, and the recorded return.
    await visit(page, `/people/${j.person}?purpose=reintegration&lang=en`);
    j.region = (await fact(page, 'Region')).split(' · ')[0].trim();
    assert.ok(j.region, 'the record names a region');
    const journeys = await page.locator('main ol.timeline li').allInnerTexts();
    assert.ok(journeys.some((t) => /Return/.test(t)), `a return on record: ${journeys}`);

    // A course in that region, starting in four days, added from the catalogue.
    await visit(page, '/courses?lang=en');
    await visit(page, '/courses/new?lang=en');
    await page.locator('#f-title').fill(j.courseTitle);
    await page.locator('#f-field').selectOption('construction');
    await page.locator('#f-provider').fill('District vocational college');
    await page.locator('#f-region').selectOption({ label: j.region });
    await page.locator('#f-starts_on').fill(day(4));
    await page.locator('#f-ends_on').fill(day(60));
    await page.locator('#f-places').fill('12');
    await clickAndWait(page, mainSubmit(page, '/courses'));
    assert.match(pathOf(page), new RegExp(`^/courses/${UUID}$`), 'lands on the course page');
    j.course = pathOf(page).split('/')[2];
    assert.equal(await page.locator('main h1').innerText(), j.courseTitle);
    assert.equal(await fact(page, 'Region'), j.region);
    assert.equal(await fact(page, 'Places left'), '12 / 12');
    assert.match(await page.locator('main').innerText(), /Nobody has enrolled yet/);
    await checkA11y(page);

    // The intake, from the record's button; the return is already recorded.
    await visit(page, `/people/${j.person}?purpose=reintegration`);
    await clickAndWait(page, page.locator(`main a[href="/returnees/new?person=${j.person}"]`));
    assert.equal(pathOf(page), `/returnees/new?person=${j.person}`);
    await checkA11y(page);
    await page.locator('#f-work_abroad').fill('Assembly line at a car plant, 11 months');
    await page.locator('#f-skills_gained').fill('Welding, Korean language (basic)');
    await page.locator('#f-income').selectOption('irregular');
    await page.locator('#f-debts').selectOption('manageable');
    await page.locator('#f-health').selectOption('good');
    await page.locator('#f-housing').selectOption('secure');
    await page.locator('#f-documents').selectOption('complete');
    await page.locator('#f-family').fill('Married, two children');
    await page.locator('input[name="screen_sleep"][value="1"]').check();
    await page.locator('#f-notes').fill('Wants to weld at home and start a small business.');
    await clickAndWait(page, mainSubmit(page, '/returnees'));
    assert.match(pathOf(page), new RegExp(`^/returnees/${UUID}$`), 'lands on the intake page');
    j.intake = pathOf(page).split('/')[2];
    const main = page.locator('main');
    assert.match(await main.innerText(), /Needs assessment/);
    assert.equal(await fact(page, 'Income now'), 'irregular income');
    assert.match(await fact(page, 'Distress screen'), /^1 \/ 15/);
    assert.equal(await page.locator('main [role="alert"]').count(), 0, 'not a high-risk screen');
    assert.match(await main.innerText(), /No services planned yet/);
    await checkA11y(page);

    // A retraining service in the plan…
    await page.locator('#f-service').selectOption('RS-TRN');
    await page.locator('#f-provider').fill('District vocational college');
    await page.locator('#f-due_on').fill(day(4));
    await clickAndWait(page, mainSubmit(page, `/returnees/${j.intake}/actions/service`));
    assert.equal(pathOf(page), `/returnees/${j.intake}`);
    const service = page.locator('main ul.stack li', { hasText: 'Retraining or language course' });
    assert.equal(await service.count(), 1, 'the service is in the plan');
    assert.match(await service.innerText(), /District vocational college · \d{4}-\d{2}-\d{2} · planned/);
    await checkA11y(page);

    // …turned into an enrolment on the new course, from the plan.
    const enrol = service.locator(`form[action^="/returnees/${j.intake}/actions/enrol-"]`);
    assert.equal(await enrol.count(), 1, 'the retraining service offers the region\'s courses');
    await enrol.locator('select[name="course"]').selectOption(j.course);
    await clickAndWait(page, enrol.locator('button[type="submit"]'));
    assert.equal(pathOf(page), `/returnees/${j.intake}`);
    const enrolled = page.locator('main ul.stack li', { hasText: 'Retraining or language course' });
    const text = await enrolled.innerText();
    assert.match(text, /· in progress/, `the service is in progress: ${text}`);
    assert.match(text, new RegExp(`${j.courseTitle} — District vocational college \\(${day(4)}\\)`));
    assert.equal(await enrolled.locator('form[action*="/actions/enrol-"]').count(), 0, 'no second enrolment offered');
    await checkA11y(page);

    // The course now lists the trainee, enrolled from a service plan.
    await visit(page, `/courses/${j.course}?lang=en`);
    assert.equal(await fact(page, 'Places left'), '11 / 12');
    const trainee = page.locator('main ul.stack li', { has: page.locator(`a[href="/people/${j.person}"]`) });
    assert.equal(await trainee.count(), 1, 'the returnee is on the trainee list');
    assert.match(await trainee.innerText(), /From a service plan · Enrolled/);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});

test('4. the returnee applies to the open round and finds the course under "My courses"', async () => {
  assert.ok(j.course, 'steps 2–3 created the course');
  const { returnee7 } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, returnee7.login, returnee7.password);
    await visit(page, '/grants?lang=en');
    await clickAndWait(page, page.locator('main .cards a', { hasText: SECOND }));
    await checkA11y(page);
    assert.equal(await page.locator('main h1').innerText(), SECOND);
    assert.equal(await fact(page, 'Status'), 'open for applications');
    const call = pathOf(page).split('/')[3];
    await page.locator('#f-activity').fill(SECOND_ACTIVITY);
    await page.locator('#f-sector_isco').selectOption('7522');
    await page.locator('#f-location').fill('Workshop in the family courtyard');
    await page.locator('#f-plan').fill(
      'A thicknesser, a router and a spray booth to make kitchen cabinets and wardrobes to order ' +
      'for the new houses of the district; two apprentices from the mahalla.',
    );
    await page.locator('#f-costs').fill('36 000 000');
    await page.locator('#f-own_contribution').fill('9 000 000');
    await page.locator('#f-requested').fill('27 000 000');
    await page.locator('#f-jobs_expected').fill('2');
    await clickAndWait(page, mainSubmit(page, `/grants/calls/${call}/applications`));
    assert.match(pathOf(page), new RegExp(`^/grants/applications/${UUID}$`), `lands on the application (at ${pathOf(page)})`);
    j.secondApplication = pathOf(page).split('/')[3];
    assert.equal(await page.locator('main h1').innerText(), SECOND_ACTIVITY);
    assert.equal(await fact(page, 'Status'), 'eligible', 'the rules are checked at once');
    assert.equal(await fact(page, 'Business activity'), `${SECOND_ACTIVITY} (Cabinet-makers)`);
    const checks = await listAfter(page, 'Eligibility check');
    assert.ok(checks.length >= 3 && checks.every((c) => c.startsWith('✓')), `every rule passed: ${checks}`);
    assert.match(await fact(page, 'Total costs'), /^36 000 000 · .*: 9 000 000 · .*: 27 000 000$/);
    await checkA11y(page);

    // A quote for the tools, attached to the plan (the type is read from the content).
    await page.locator('#f-file').setInputFiles({
      name: 'quote.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% quote for a band saw\n'),
    });
    await clickAndWait(page, mainSubmit(page, `/grants/applications/${j.secondApplication}/attachments`));
    assert.equal(pathOf(page), `/grants/applications/${j.secondApplication}`);
    assert.match(await page.locator('#files + ul').innerText(), /Document 1 · PDF/);
    await checkA11y(page);

    await visit(page, '/grants?lang=en');
    const mine = await listAfter(page, 'My applications');
    assert.ok(mine.some((t) => t.startsWith(`${SECOND_ACTIVITY} — eligible`)), `the new application is listed: ${mine}`);

    await visit(page, '/courses?lang=en');
    const myCourses = page.locator('main h2', { hasText: 'My courses' }).locator('xpath=following-sibling::ul[1]/li');
    const row = myCourses.filter({ has: page.locator(`a[href="/courses/${j.course}"]`) });
    assert.equal(await row.count(), 1, `the course is under "My courses": ${await myCourses.allInnerTexts()}`);
    assert.match(await row.innerText(), new RegExp(`${j.courseTitle} · ${day(4)} – ${day(60)} · Enrolled`));
    await clickAndWait(page, row.locator('a'));
    assert.match(await page.locator('main [role="status"]').innerText(), /Your enrolment: Enrolled/);
    assert.equal(await page.locator(`main form[action="/courses/${j.course}/enrol"]`).count(), 0, 'no second enrolment');
    await checkA11y(page);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});

test('5. the three committee members score the pilot applications, blind to the applicant', async () => {
  assert.ok(j.familyName, 'step 1 read the returnee\'s name');
  const all = accounts();
  for (const label of ['grant_reviewer', 'grant_reviewer2', 'grant_reviewer3']) {
    const reviewer = all[label];
    assert.ok(reviewer, `the demo accounts have ${label}`);
    const page = await newPage(browser);
    try {
      await signIn(page, reviewer.login, reviewer.password);
      await visit(page, '/reviews?lang=en');
      assert.ok(await page.locator('main ul.stack li', { hasText: PILOT }).count() > 0, 'the list names each review\'s call');
      const todo = await page.locator('main ul.stack li', { hasText: '— to do' }).locator('a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const href of todo) {
        await visit(page, `${href}?lang=en`);
        const text = await page.locator('main').innerText();
        if (!text.includes(PILOT)) continue; // another call's review, not this journey's
        assert.ok(!text.includes(j.familyName), `${label} sees no applicant's name`);
        assert.doesNotMatch(text, /PINFL/);
        const form = page.locator('main form#score');
        const criteria = form.locator('fieldset');
        assert.equal(await criteria.count(), 3, 'the pilot rubric has three criteria');
        for (let i = 0; i < 3; i++) {
          await form.locator(`input[name="score_${i}"][value="5"]`).check();
        }
        await form.locator('#f-comment').fill('Realistic costs; skills from abroad put to use.');
        await clickAndWait(page, form.locator('button[type="submit"]'));
        assert.equal(pathOf(page), href, 'back on the review');
        const done = page.locator('main h2', { hasText: 'Your review' }).locator('xpath=following-sibling::p[1]');
        assert.equal((await done.innerText()).trim(), 'scored: 5.000');
        assert.equal(await page.locator('main form#score').count(), 0, 'a review is final');
        await checkA11y(page);
      }
      // Nothing of the pilot call is left to score for this member.
      await visit(page, '/reviews?lang=en');
      for (const href of await page.locator('main ul.stack li', { hasText: '— to do' }).locator('a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
        await page.goto(`${href}?lang=en`);
        assert.ok(!(await page.locator('main').innerText()).includes(PILOT), `${label} left a pilot review undone`);
      }
      assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  }
});

test('6. the officer decides the pilot call, pays tranche 1, records the visit and pays tranche 2', async () => {
  assert.ok(j.pilotApplication, 'step 1 found the pilot application');
  const { reintegration_officer: officer } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, officer.login, officer.password);
    await visit(page, '/grants?lang=en');
    await clickAndWait(page, page.locator('main .cards a', { hasText: PILOT }));
    await checkA11y(page);
    const call = pathOf(page).split('/')[3];
    assert.equal(await fact(page, 'Status'), 'in committee review');
    const row = () => page.locator('main table tbody tr', { has: page.locator(`a[href="/grants/applications/${j.pilotApplication}"]`) });
    assert.equal(await row().count(), 1, 'the returnee\'s application is in the ranking');
    const before = (await row().locator('td').allInnerTexts()).map(norm);
    assert.equal(before[2], '5.000', `scored by all three: ${before}`);
    assert.equal(before[3], '3');
    const requested = before[4];

    await clickAndWait(page, mainSubmit(page, `/grants/calls/${call}/actions/decide`));
    assert.equal(pathOf(page), `/grants/calls/${call}`);
    assert.equal(await fact(page, 'Status'), 'decided');
    assert.equal(await page.locator(`main form[action="/grants/calls/${call}/actions/decide"]`).count(), 0);
    const decided = (await row().locator('td').allInnerTexts()).map(norm);
    assert.match(decided[0], /^[12]$/, `ranked: ${decided}`);
    assert.match(decided[5], /^awarded\s+awarded within the budget$/, `the decision and its reason: ${decided[5]}`);
    assert.equal(decided[6], requested, 'awarded what was asked');
    // The ranking is the page's first table (the outcomes follow it).
    const statuses = await page.locator('main table').first().locator('tbody tr td:nth-child(6)').allInnerTexts();
    assert.ok(statuses.every((s) => s.startsWith('awarded')), `both pilot plans fit the budget: ${statuses}`);
    await checkA11y(page);

    // The award: three reviews, two tranches.
    await clickAndWait(page, row().locator('a'));
    assert.equal(pathOf(page), `/grants/applications/${j.pilotApplication}`);
    assert.equal(await fact(page, 'Status'), 'awarded · awarded within the budget');
    assert.equal(await fact(page, 'Awarded'), `${requested} UZS`);
    const reviews = await listAfter(page, 'Reviews');
    assert.equal(reviews.length, 3, `three reviews: ${reviews}`);
    assert.ok(reviews.every((r) => /: scored · 5\.000$/.test(r)), `all scored 5: ${reviews}`);
    const tranches = () => listAfter(page, 'Tranches');
    assert.deepEqual((await tranches()).map((t) => t.replace(/\s*Release$/, '').replace(/^.*— /, '')),
      ['not yet paid', 'not yet paid']);
    await checkA11y(page);

    const app = `/grants/applications/${j.pilotApplication}`;
    await clickAndWait(page, mainSubmit(page, `${app}/actions/release-1`));
    assert.equal(await fact(page, 'Status'), 'being paid out · awarded within the budget');
    assert.match((await tranches())[0], /^Tranche 1: .* UZS — paid$/);
    assert.match(await page.locator('main h2', { hasText: 'Monitoring visit' }).innerText(), /\(6 months\)/);
    await checkA11y(page);

    await page.locator('#f-visited_on').fill(day(0));
    await page.locator('input[name="operating"][value="yes"]').check();
    await page.locator('#f-jobs_created').fill('2');
    await page.locator('#f-revenue_band').selectOption('5m_20m');
    await page.locator('#f-notes').fill('Workshop open; two apprentices at work.');
    await clickAndWait(page, mainSubmit(page, `${app}/actions/visit`));
    assert.equal(pathOf(page), app);
    const visits = await listAfter(page, 'Monitoring visits');
    assert.equal(visits.length, 1);
    assert.match(visits[0], new RegExp(`^6 months · ${day(0)} · operating · Jobs created: 2 · 5–20 million so‘m`));
    await checkA11y(page);

    // A photo of the workshop goes with the visit.
    const png = Buffer.from('89504e470d0a1a0a0000000d494844520000000100000001080600000000', 'hex');
    await page.locator('#f-photo').setInputFiles({ name: 'workshop.png', mimeType: 'image/png', buffer: png });
    await clickAndWait(page, mainSubmit(page, `${app}/visits/6/photos`));
    assert.equal(pathOf(page), app);
    assert.match(await page.locator('#files + ul').innerText(), /Visit photo \(6 months\) 1/);

    await clickAndWait(page, mainSubmit(page, `${app}/actions/release-2`));
    assert.equal(await fact(page, 'Status'), 'monitoring · awarded within the budget');
    assert.ok((await tranches()).every((t) => t.endsWith('— paid')), 'both tranches paid');
    assert.match(await page.locator('main h2', { hasText: 'Monitoring visit (' }).innerText(), /\(12 months\)/);
    await checkA11y(page);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});

test('7. the returnee sees the decision and its reason', async () => {
  const { returnee7 } = accounts();
  const page = await newPage(browser);
  try {
    await signIn(page, returnee7.login, returnee7.password);
    await visit(page, '/grants?lang=en');
    const mine = page.locator('main h2', { hasText: 'My applications' }).locator('xpath=following-sibling::ul[1]/li');
    const pilot = mine.filter({ has: page.locator(`a[href="/grants/applications/${j.pilotApplication}"]`) });
    assert.equal(await pilot.count(), 1);
    assert.match(await pilot.innerText(), /— monitoring · awarded within the budget$/);

    await clickAndWait(page, pilot.locator('a'));
    await checkA11y(page);
    assert.equal(await fact(page, 'Status'), 'monitoring · awarded within the budget');
    assert.match(await fact(page, 'Awarded'), /^\d[\d ]* UZS$/);
    const tranches = await listAfter(page, 'Tranches');
    assert.equal(tranches.length, 2);
    assert.ok(tranches.every((t) => t.endsWith('— paid')), `both tranches paid: ${tranches}`);
    // The officer's forms are not the applicant's.
    assert.equal(await page.locator('main form').count(), 0);
    assertNoProblems(page);
  } finally {
    await closePage(page);
  }
});
