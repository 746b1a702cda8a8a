// A phone-sized screen (360 px): the home and login pages do not scroll sideways.

import { after, before, test } from 'node:test';
import {
  assertNoHorizontalScroll, assertNoProblems, closePage, launch, newPage, visit,
} from './lib.js';

const WIDTH = 360;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const lang of ['uz-Latn', 'ru']) {
  test(`home and login fit ${WIDTH}px (${lang})`, async () => {
    const page = await newPage(browser, { viewport: { width: WIDTH, height: 740 }, isMobile: true, hasTouch: true });
    try {
      for (const path of ['/', '/login']) {
        await visit(page, `${path}?lang=${lang}`);
        await assertNoHorizontalScroll(page, WIDTH);
      }
      assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
}
