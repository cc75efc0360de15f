import AxeBuilder from '@axe-core/playwright';
import { PHONE_WORKLIST_PAGE_SIZE, phoneWorklistPageSize } from '../lib/http/phone';
import { expect, signIn, test } from './fixtures';

/** Set DOCS_SCREENSHOTS=1 to refresh docs/screenshots/ from this run; otherwise they go to the test's output. */
const shot = (name: string) => (process.env.DOCS_SCREENSHOTS ? `docs/screenshots/${name}` : test.info().outputPath(name));

interface WorklistJson {
  rows: { pumpId: number; patientName: string; physicianName: string | null; status: string; nextAppointmentAt: number | null }[];
  total: number;
  counts: Record<string, number>;
  today: string;
  timeZone: string;
}

const rank = {
  'Empty: withdrawal risk': 0,
  Critical: 1,
  'Overdue or high alert': 2,
  'Due soon or warning': 3,
  OK: 4,
} as const;

test('the worklist ranks the most urgent pumps first, with dates and alerts in words', async ({ page }) => {
  await signIn(page, 'nurse');
  await expect(page.getByRole('heading', { name: 'Refill worklist' })).toBeVisible();
  const rows = page.getByRole('table').getByRole('row');
  const statuses = await rows.locator('td:first-child .badge').allInnerTexts();
  expect(statuses.length).toBeGreaterThan(10);
  const ranks = statuses.map((s) => rank[s.trim() as keyof typeof rank]);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  // The demo's overdue patient comes before every due-soon and OK pump, right after the empty and past-alarm ones.
  const first = rows.nth(1);
  await expect(first).toContainText('Empty: withdrawal risk');
  await expect(first).toContainText('withdrawal');
  await expect(page.getByRole('row', { name: /Alvarez, Maria/ })).toContainText('Overdue');
});

test('search by MRN and by name, and filter by status', async ({ page }) => {
  await signIn(page, 'front-desk');
  await page.getByLabel('Search name or MRN').fill('Alvarez');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('row', { name: /Alvarez, Maria/ })).toBeVisible();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await page.getByRole('link', { name: 'Clear' }).click();
  // Clearing empties the typed search too, so the next filter is not silently narrowed by it.
  await expect(page.getByLabel('Search name or MRN')).toHaveValue('');
  await page.locator('select[name="status"]').selectOption('due-soon');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/status=due-soon/);
  await expect(page.locator('td:first-child .badge').first()).toHaveText('Due soon or warning');
  const statuses = await page.getByRole('table').locator('td:first-child .badge').allInnerTexts();
  expect(new Set(statuses)).toEqual(new Set(['Due soon or warning']));
});

test('on a 1280 px screen the whole worklist, alerts included, fits without scrolling sideways', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, 'nurse');
  const wrap = page.locator('.table-wrap');
  await expect(wrap.getByRole('row').nth(1)).toBeVisible();
  const { scroll, client } = await wrap.evaluate((el) => ({
    scroll: el.scrollWidth,
    client: el.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
  // The most urgent row's alert ends inside the table, readable without scrolling.
  const alertBox = await wrap.getByRole('row').nth(1).locator('td').last().boundingBox();
  const wrapBox = await wrap.boundingBox();
  expect(alertBox!.x + alertBox!.width).toBeLessThanOrEqual(wrapBox!.x + wrapBox!.width + 1);
});

test('at 1280×800 at least 12 pumps are on screen without scrolling, one line each', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, 'nurse');
  const rows = page.locator('table.worklist tbody tr');
  await expect(rows.nth(12)).toBeAttached();
  const inside = await rows.evaluateAll((trs) =>
    trs.filter((tr) => {
      const r = tr.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
    }).length,
  );
  expect(inside).toBeGreaterThanOrEqual(12);
  // One line per pump: no row taller than two lines of its text.
  const heights = await rows.evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
  expect(Math.max(...heights)).toBeLessThan(48);
  await page.screenshot({ path: shot('worklist.png') });
});

test('on a phone (390×844) the rows are cards: nothing scrolls sideways, and the essentials are on screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'nurse');
  const row = page.getByRole('row', { name: /Alvarez, Maria/ });
  await expect(row).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // A card, not a table row: laid out as a grid, within the screen, taller than a line.
  expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe('grid');
  const box = (await row.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  for (const part of [row.getByRole('link', { name: 'Alvarez, Maria' }), row.locator('.badge'), row.locator('.wl-due'), row.locator('.wl-phone a')]) {
    const b = (await part.boundingBox())!;
    expect(b.x + b.width).toBeLessThanOrEqual(390);
  }
  await page.screenshot({ path: shot('worklist-phone.png') });
});

test.describe('on a phone’s browser (its user agent)', () => {
  test.use({
    viewport: { width: 390, height: 844 },
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  });

  test('the first page is the most urgent 20 (all the empty and critical ones if more), the pager and counts say how many more', async ({ page }) => {
    await signIn(page, 'nurse');
    const all = (await (await page.request.get('/api/v1/worklist?pageSize=200')).json()) as WorklistJson;
    const size = phoneWorklistPageSize(all.counts as { empty: number; critical: number });
    expect(size).toBeGreaterThanOrEqual(PHONE_WORKLIST_PAGE_SIZE);
    expect(all.total).toBeGreaterThan(size);
    const cards = page.locator('table.worklist tbody tr');
    await expect(cards).toHaveCount(size);
    // The same ranking as everywhere: the API's first ones, in order.
    const names = await cards.locator('.wl-patient a').allTextContents();
    expect(names).toEqual(all.rows.slice(0, size).map((r) => r.patientName));
    // Every card within its width: content-visibility clips what would overflow, so check each cell.
    const overflowing = await cards.locator('td').evaluateAll((tds) => tds.filter((td) => td.scrollWidth > td.clientWidth + 1).length);
    expect(overflowing).toBe(0);
    await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText(`Page 1 of ${Math.ceil(all.total / size)} · ${all.total} pumps`);
    const chips = page.getByRole('list', { name: 'Pumps by status' });
    for (const [status, n] of Object.entries(all.counts)) await expect(chips.locator(`.status-${status} strong`)).toHaveText(String(n));
    await page.getByRole('link', { name: 'Next →' }).click();
    await page.waitForURL(/page=2/);
    await expect(cards.first().locator('.wl-patient a')).toHaveText(all.rows[size]!.patientName);
  });
});

test('the worklist and a patient page hydrate without creating an Intl object, and print what the server printed', async ({ page }) => {
  // The first Intl formatter a page creates loads ICU's data: on a phone's CPU that was the longest task of the
  // worklist's load (docs/performance.md). The browser formats times from the zone table the server sends
  // (lib/domain/zone.ts) and numbers by hand (lib/domain/numbers.ts); a hydration mismatch would show as an error.
  await page.addInitScript(() => {
    const made: string[] = [];
    (window as unknown as { intlMade: string[] }).intlMade = made;
    for (const name of ['DateTimeFormat', 'NumberFormat', 'Collator', 'PluralRules', 'RelativeTimeFormat', 'ListFormat', 'Segmenter', 'DisplayNames'] as const) {
      const real = Intl[name];
      (Intl as Record<string, unknown>)[name] = new Proxy(real, {
        construct: (target, args: unknown[]) => (made.push(name), Reflect.construct(target, args) as object),
        apply: (target, self, args: unknown[]) => (made.push(name), Reflect.apply(target, self, args) as unknown),
      });
    }
    const wrap = (proto: object, method: string) => {
      const real = (proto as Record<string, (...a: unknown[]) => unknown>)[method]!;
      (proto as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
        made.push(method);
        return real.apply(this, args);
      };
    };
    wrap(String.prototype, 'localeCompare');
    wrap(Number.prototype, 'toLocaleString');
    for (const m of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) wrap(Date.prototype, m);
    for (const m of ['toLocaleUpperCase', 'toLocaleLowerCase']) wrap(String.prototype, m);
  });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, 'nurse');
  const madeOn = async (url: string) => {
    await page.goto(url);
    await page.waitForLoadState('load');
    // Hydrated: React has attached its props to the header's sign-out button.
    await page.waitForFunction(() => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Sign out');
      return button !== undefined && Object.keys(button).some((k) => k.startsWith('__reactProps$'));
    });
    // Then past the effects and the later hydration of the header's Suspense boundary: an idle period, two frames.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          requestIdleCallback(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve())), { timeout: 2000 }),
        ),
    );
    return page.evaluate(() => (window as unknown as { intlMade: string[] }).intlMade);
  };
  expect(await madeOn('/')).toEqual([]);
  const patient = page.getByRole('row', { name: /Alvarez, Maria/ }).getByRole('link', { name: /Alvarez, Maria/ });
  const href = await patient.getAttribute('href');
  expect(href).toMatch(/^\/patients\/\d+$/);
  expect(await madeOn(href!)).toEqual([]);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Alvarez');
  expect(errors).toEqual([]);
});

test('each row has the patient’s phone to call, and says "alarm passed" rather than "0 d to alarm"', async ({ page }) => {
  await signIn(page, 'nurse');
  const alvarez = page.getByRole('row', { name: /Alvarez, Maria/ });
  const phone = alvarez.locator('.wl-phone a');
  const shown = await phone.innerText();
  expect(shown).toMatch(/\d/);
  await expect(phone).toHaveAttribute('href', `tel:${shown.trim().startsWith('+') ? '+' : ''}${shown.replace(/\D/g, '')}`);
  // Pumps past their alarm but not empty, read from the API: the demo's Carter, unless an earlier spec refilled
  // him (the wording itself is unit-tested in lib/format.test.ts, drugLeftText).
  const list = (await (await page.request.get('/api/v1/worklist?pageSize=50')).json()) as {
    rows: { patientName: string; lowReservoirAlarmAt: number | null; emptyAt: number | null; constantFlow: boolean }[];
    now: number;
  };
  const passed = list.rows.filter((r) => !r.constantFlow && r.lowReservoirAlarmAt != null && r.lowReservoirAlarmAt < list.now && (r.emptyAt == null || r.emptyAt > list.now));
  for (const r of passed) await expect(page.getByRole('row', { name: new RegExp(r.patientName) }).first().locator('.wl-left')).toContainText('alarm passed');
  await expect(page.locator('.wl-left').filter({ hasText: /\b0 d to/ })).toHaveCount(0);
  await expect(alvarez.locator('.wl-left')).toHaveText(/^\d+(\.\d+)? mL · /);
});

test('a constant-flow pump (Codman 3000) shows its reserve, not an alarm, on the worklist and the patient page', async ({ page }) => {
  await signIn(page, 'nurse');
  const walsh = page.getByRole('row', { name: /Walsh, Henry/ });
  await expect(walsh.locator('.wl-alarm')).toHaveText('Reserve, no alarm');
  await expect(walsh.locator('.wl-left')).toContainText(/d to reserve|reserve passed|reserve today/);
  await walsh.getByRole('link', { name: /Walsh, Henry/ }).click();
  await expect(page.getByText('Reserve (3 mL), no alarm', { exact: true })).toBeVisible();
  await expect(page.locator('dl.facts dt').filter({ hasText: /^Alarm \(/ })).toHaveCount(0);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: shot('patient-page-constant-flow.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: shot('patient-page-phone.png') });
});

test('"Today" lists today’s appointments and everything overdue; it is validated like the other filters', async ({ page }) => {
  await signIn(page, 'nurse');
  const all = (await (await page.request.get('/api/v1/worklist?pageSize=200')).json()) as WorklistJson;
  await page.getByRole('link', { name: 'Today: appointments and overdue' }).click();
  await page.waitForURL(/view=today/);
  await expect(page.getByRole('link', { name: 'Today: appointments and overdue' })).toHaveAttribute('aria-current', 'page');
  const today = (await (await page.request.get('/api/v1/worklist?view=today&pageSize=200')).json()) as WorklistJson;
  const localDay = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: today.timeZone }).format(at);
  const urgent = ['empty', 'critical', 'overdue'];
  expect(today.total).toBeLessThan(all.total);
  for (const r of today.rows) expect(urgent.includes(r.status) || (r.nextAppointmentAt != null && localDay(r.nextAppointmentAt) === today.today), r.patientName).toBe(true);
  // Every overdue-or-worse pump is there, and every pump booked today (the demo books Ward earlier today; specs
  // before this one may have recorded that visit, so which pumps are booked today is read from the API).
  for (const st of urgent) expect(today.counts[st]).toBe(all.counts[st]);
  const bookedToday = all.rows.filter((r) => r.nextAppointmentAt != null && localDay(r.nextAppointmentAt) === all.today);
  for (const r of bookedToday) expect(today.rows.map((t) => t.pumpId)).toContain(r.pumpId);
  await expect(page.locator('table.worklist tbody tr')).toHaveCount(today.rows.length);
  for (const r of bookedToday.slice(0, 3)) await expect(page.getByRole('row', { name: new RegExp(r.patientName) })).toBeVisible();

  const bad = await page.request.get('/api/v1/worklist?view=week');
  expect(bad.status()).toBe(400);
  expect(JSON.stringify(await bad.json())).toContain('must be today or mine');
});

test('"My patients" lists a physician’s managed patients; it is offered to physicians only', async ({ page, browser }) => {
  await signIn(page, 'physician');
  await page.getByRole('link', { name: 'My patients' }).click();
  await page.waitForURL(/view=mine/);
  const mine = (await (await page.request.get('/api/v1/worklist?view=mine&pageSize=200')).json()) as WorklistJson;
  expect(mine.rows.length).toBeGreaterThan(0);
  expect(new Set(mine.rows.map((r) => r.physicianName))).toEqual(new Set(['Dr. Ana Ortiz']));
  await expect(page.locator('table.worklist tbody tr')).toHaveCount(mine.rows.length);

  const nurseContext = await browser.newContext();
  const nurse = await nurseContext.newPage();
  await signIn(nurse, 'nurse');
  await expect(nurse.getByRole('navigation', { name: 'Worklist views' }).getByRole('link')).toHaveText(['All pumps', 'Today: appointments and overdue']);
  const refused = await nurse.request.get('/api/v1/worklist?view=mine');
  expect(refused.status()).toBe(400);
  expect(JSON.stringify(await refused.json())).toContain('for physicians');
  await nurseContext.close();
});

test('the worklist has no serious or critical accessibility violations', async ({ page }) => {
  await signIn(page, 'nurse');
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('signing in with a wrong password says so without revealing whether the account exists', async ({
  page,
}) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('nobody@demo.clinic');
  await page.getByLabel('Password').fill('wrong-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Invalid' })).toHaveText(
    'Invalid email or password.',
  );
});

test('a critical residual discrepancy stays open on the worklist after the refill is saved, ranks with the critical pumps, and closes only with a physician’s review', async ({
  page,
  browser,
}) => {
  await signIn(page, 'nurse');
  // Rahman is due soon with an appointment booked in time: nothing critical before this refill.
  await page.getByLabel('Search name or MRN').fill('Rahman');
  await page.getByRole('button', { name: 'Apply' }).click();
  const before = page.getByRole('row', { name: /Rahman, Aisha/ });
  await expect(before.locator('.badge')).not.toHaveText('Critical');
  await before.getByRole('link', { name: /Rahman, Aisha/ }).click();
  await page.getByRole('link', { name: 'Record refill' }).click();

  // Far more drug left in the reservoir than programmed (the 3.44 mL expected, 8.0 mL aspirated): a
  // possible motor stall of a baclofen pump, CRITICAL.
  const expected = parseFloat(await page.locator('.rf-expected strong').innerText());
  await page.getByLabel('Aspirated residual (mL)').fill((Math.round((expected + 4.56) * 10) / 10).toString());
  await expect(page.getByRole('status').filter({ hasText: 'Discrepancy' })).toContainText('Critical');
  // A critical value is saved only once the nurse has re-measured or confirmed it.
  await page.getByLabel(/I re-measured the aspirated volume and confirm/).check();
  await page.getByLabel('Aspirated volume checked against the expected before filling').check();
  await page.getByLabel('Needle placement in the reservoir confirmed').check();
  await page.getByLabel(/Aspiration back/).check();
  await page.getByLabel('Lot number').fill('E2E-STALL-1');
  await page.getByLabel('Expiry date').fill(`${new Date().getFullYear() + 1}-12-31`);
  await page.getByLabel(/Volume filled/).fill('20');
  await page.getByRole('button', { name: 'Save refill' }).click();
  await expect(page.getByRole('heading', { name: 'Refill saved: under-infusion flagged' })).toBeVisible();

  // Saved and just refilled, yet not OK: the E5 alert is open and the row is Critical, among the first rows.
  await page.goto('/');
  const rows = page.getByRole('table').getByRole('row');
  const row = page.getByRole('row', { name: /Rahman, Aisha/ });
  await expect(row.locator('.badge')).toHaveText('Critical');
  await expect(row).toContainText('E5 CRITICAL');
  // One line: the worst alert as a phrase; its full sentence when the nurse opens it.
  const summary = row.locator('summary');
  await expect(summary).toContainText('Residual volume discrepancy');
  await expect(row.getByText(/Residual discrepancy at the refill of/)).toBeHidden();
  await summary.click();
  await expect(row.getByText(/Residual discrepancy at the refill of/)).toBeVisible();
  const statuses = await rows.locator('td:first-child .badge').allInnerTexts();
  const names = await rows.locator('td:nth-child(2) a').allInnerTexts();
  const at = names.findIndex((n) => n.startsWith('Rahman, Aisha'));
  expect(at).toBeGreaterThanOrEqual(0);
  expect(statuses.slice(0, at).every((st) => st === 'Empty: withdrawal risk' || st === 'Critical')).toBe(true);
  await page.screenshot({ path: test.info().outputPath('worklist-open-e5.png'), fullPage: true });

  // The nurse cannot close it: no acknowledge, no snooze, no review.
  await row.getByRole('link', { name: /Rahman, Aisha/ }).click();
  const e5 = page.locator('.pt-alert').filter({ hasText: 'Residual discrepancy at the refill of' });
  await expect(e5).toContainText('Awaiting a physician’s review');
  await expect(e5.getByRole('button')).toHaveCount(0);

  // A physician reviews it with a note; the alert is gone and the pump leaves the critical rows.
  const physicianContext = await browser.newContext();
  const doctor = await physicianContext.newPage();
  await signIn(doctor, 'physician');
  await doctor.goto(page.url());
  const open = doctor.locator('.pt-alert').filter({ hasText: 'Residual discrepancy at the refill of' });
  await open.getByRole('button', { name: 'Review E5' }).click();
  await open.getByLabel(/Review note/).fill('Pump interrogated: motor stall suspected, catheter study booked, oral baclofen bridge.');
  await open.getByRole('button', { name: 'Save review' }).click();
  await expect(doctor.locator('.pt-alert').filter({ hasText: 'Residual discrepancy at the refill of' })).toHaveCount(0);
  await doctor.goto('/?q=Rahman');
  await expect(doctor.getByRole('row', { name: /Rahman, Aisha/ }).locator('.badge')).not.toHaveText('Critical');
  await expect(doctor.getByRole('row', { name: /Rahman, Aisha/ })).not.toContainText('Residual discrepancy');
  await physicianContext.close();
});
