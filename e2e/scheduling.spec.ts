/**
 * The clinic's day: booking from the offered slots and moving, a no-show putting the pump back at the top of the
 * worklist, and the week view. Every appointment a test books is cancelled again by the `booked` fixture.
 */
import AxeBuilder from '@axe-core/playwright';
import { request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import { expect, sessionCookie, signIn, test as base } from './fixtures';

interface Appointment {
  id: number;
  pumpId: number;
  patientName: string;
  date: string;
  time: string;
  startsAt: number;
  status: string;
  version: number;
}

interface Api {
  get<T>(path: string): Promise<T>;
  send(method: 'POST' | 'PATCH', path: string, data: unknown): Promise<{ status: number; body: unknown }>;
}

/** A front-desk API session, and clean-up: appointments registered with `track` are cancelled after the test. */
const test = base.extend<{ deskApi: Api; track: (id: number) => void }>({
  // The fixture callback is named `provide`, not `use`: React's hooks lint rule would take `use(...)` for a hook.
  deskApi: async ({ baseURL }, provide) => {
    const context: APIRequestContext = await playwrightRequest.newContext({ baseURL });
    const cookie = await sessionCookie(context, baseURL!, 'front-desk');
    const headers = { cookie, origin: baseURL! };
    await provide({
      get: async <T>(path: string) => {
        const response = await context.get(path, { headers });
        expect(response.status(), `GET ${path}`).toBe(200);
        return (await response.json()) as T;
      },
      send: async (method, path, data) => {
        const response = await context.fetch(path, {
          method,
          headers: { ...headers, 'content-type': 'application/json' },
          data: JSON.stringify(data),
        });
        return { status: response.status(), body: await response.json() };
      },
    });
    await context.dispose();
  },
  track: async ({ deskApi }, provide) => {
    const ids: number[] = [];
    await provide((id) => ids.push(id));
    for (const id of ids) {
      // Retry on 409: a change the test started may still be landing.
      for (let attempt = 0; attempt < 3; attempt++) {
        const a = await deskApi.get<Appointment>(`/api/v1/appointments/${id}`);
        if (a.status !== 'booked') break;
        const res = await deskApi.send('PATCH', `/api/v1/appointments/${id}`, {
          action: 'cancel',
          version: a.version,
          reason: 'e2e clean-up',
        });
        if (res.status !== 409) break;
      }
    }
  },
});

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `2026-11-23` as the calendar labels it: `Mon 23 Nov 2026`. */
function humanDate(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Clinic-local date and time of an instant. */
function local(at: number, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

test('the front desk books an appointment from the offered slots, then moves it', async ({
  page,
  deskApi,
  track,
}) => {
  await signIn(page, 'front-desk');
  await page.goto('/appointments');
  const booking = page.getByRole('form', { name: 'Book an appointment' });
  await booking.getByLabel('Patient name or MRN').fill('Brooks');
  await booking.getByRole('button', { name: /Choose SynchroMed II .* for Brooks, Samuel/ }).click();
  await expect(booking.getByText('Brooks, Samuel')).toBeVisible();

  const slots = booking.getByRole('group', { name: /Open slots on or before the refill due date/ });
  const first = slots.getByRole('radio').first();
  await first.check();
  const date = (await booking.getByLabel('Date').getAttribute('data-value'))!; // ISO; the box shows 4 Dec 2026
  const time = await booking.getByLabel('Time').inputValue();
  expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(time).toMatch(/^\d{2}:\d{2}$/);
  await booking.getByRole('button', { name: 'Book appointment' }).click();
  const status = booking.getByRole('status');
  await expect(status).toContainText(`Booked Brooks, Samuel`);
  await expect(status).toContainText(time);

  const [booked] = (
    await deskApi.get<{ appointments: Appointment[] }>(`/api/v1/appointments?from=${date}&to=${date}`)
  ).appointments.filter(
    (a) => a.patientName === 'Brooks, Samuel' && a.status === 'booked' && a.time === time,
  );
  expect(booked).toBeDefined();
  track(booked!.id);

  await status.getByRole('link', { name: 'Show that day' }).click();
  await expect(page).toHaveURL(new RegExp(`view=day&date=${date}`));
  // The booked row (a re-run on the same database also shows earlier, cancelled ones).
  const row = page
    .getByRole('row', { name: new RegExp(`^${time}–\\d\\d:\\d\\d Brooks, Samuel`) })
    .filter({ has: page.getByRole('button', { name: 'Move…' }) });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Move…' }).click();
  const move = page.getByRole('form', { name: 'Move the appointment of Brooks, Samuel' });
  // Another offered slot (the booked one is no longer offered).
  await move.getByRole('radio').first().check();
  const newDate = (await move.getByLabel('New date').getAttribute('data-value'))!;
  const newTime = await move.getByLabel('New time').inputValue();
  expect(`${newDate} ${newTime}`).not.toBe(`${date} ${time}`);
  await move.getByRole('button', { name: 'Save new time' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Moved: Brooks, Samuel' })).toBeVisible();

  const moved = await deskApi.get<Appointment & { sequence: number }>(`/api/v1/appointments/${booked!.id}`);
  expect(moved).toMatchObject({ date: newDate, time: newTime, status: 'booked', sequence: 1, version: 2 });
});

test('a no-show puts the patient back at the top of the worklist', async ({ page, deskApi }) => {
  const { timeZone } = await deskApi.get<{ timeZone: string }>('/api/v1/settings');
  const now = local(Date.now(), timeZone);
  // The demo seed books one appointment two hours before start-up and leaves it unmarked (db/seed.ts).
  const yesterday = new Date(Date.parse(`${now.date}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const found = (
    await deskApi.get<{ appointments: Appointment[] }>(
      `/api/v1/appointments?from=${yesterday}&to=${now.date}`,
    )
  ).appointments.find((a) => a.status === 'booked' && a.startsAt <= Date.now());
  expect(found, 'a booked appointment whose time has passed').toBeDefined();
  const missed = found!;

  await signIn(page, 'front-desk');
  await page.goto(`/?q=${encodeURIComponent(missed.patientName.split(',')[0]!)}`);
  const before = page.getByRole('row', { name: new RegExp(missed.patientName) });
  await expect(before).not.toContainText('none booked');

  await page.goto(`/appointments?view=day&date=${missed.date}`);
  const row = page
    .getByRole('row', { name: new RegExp(`${missed.patientName}`) })
    .filter({ hasText: missed.time });
  // A no-show asks to confirm first, and can be undone for a minute.
  await row.getByRole('button', { name: 'No-show…' }).click();
  await row.getByRole('button', { name: 'Record no-show' }).click();
  await expect(row).toContainText('Marked as a no-show');
  await expect(row.getByRole('button', { name: /^No-show/ })).toHaveCount(0);
  await expect(row.getByRole('button', { name: 'Undo no-show' })).toBeVisible();

  // On the worklist the pump now has no appointment and ranks first among the pumps of its status.
  await page.goto('/');
  const rows = page.getByRole('table').getByRole('row');
  const texts = await rows.allInnerTexts();
  const index = texts.findIndex((t) => t.includes(missed.patientName));
  expect(index).toBeGreaterThan(0);
  const mine = texts[index]!;
  expect(mine).toContain('none booked');
  const statusOf = (t: string) =>
    ['Empty: withdrawal risk', 'Critical', 'Overdue', 'Due soon', 'OK'].find((s) => t.includes(s));
  for (const above of texts.slice(1, index)) {
    // Every row above is more urgent, or of the same status and also without an appointment.
    const rank = (t: string) =>
      ['Empty: withdrawal risk', 'Critical', 'Overdue', 'Due soon', 'OK'].indexOf(statusOf(t) ?? 'OK');
    expect(rank(above) < rank(mine) || above.includes('none booked')).toBe(true);
  }
  expect(index).toBeLessThanOrEqual(10);
});

test('the week view shows the clinic’s appointments, with each day’s places taken', async ({
  page,
  deskApi,
}) => {
  const { timeZone } = await deskApi.get<{ timeZone: string }>('/api/v1/settings');
  // The week of the next booked appointment in the demo clinic.
  const today = local(Date.now(), timeZone).date;
  const ahead = new Date(Date.parse(`${today}T12:00:00Z`) + 20 * 86_400_000).toISOString().slice(0, 10);
  const upcoming = (
    await deskApi.get<{ appointments: Appointment[] }>(
      `/api/v1/appointments?from=${today}&to=${ahead}&status=booked`,
    )
  ).appointments;
  expect(upcoming.length).toBeGreaterThan(0);
  const target = upcoming[0]!;
  await signIn(page, 'front-desk');
  await page.goto(`/appointments?view=week&date=${target.date}`);
  const week = page.getByRole('list', { name: /^Week of / });
  const list = await deskApi.get<{
    from: string;
    to: string;
    appointments: Appointment[];
    days: { date: string; taken: number; capacity: number; open: boolean }[];
  }>(`/api/v1/appointments?from=${target.date}&to=${target.date}`);
  const day = week.getByRole('listitem', { name: humanDate(target.date), exact: true });
  for (const a of list.appointments) {
    await expect(
      day.getByRole('listitem').filter({ hasText: a.patientName }).filter({ hasText: a.time }).first(),
    ).toBeVisible();
  }
  const d = list.days[0]!;
  await expect(day).toContainText(`${d.taken} of ${d.capacity} places taken`);
  // Each appointment links to its patient.
  await expect(day.getByRole('link', { name: target.patientName }).first()).toHaveAttribute(
    'href',
    /^\/patients\/\d+$/,
  );
});

interface PumpSlots {
  pumpId: number;
  timeZone: string;
  refillDueOn: string;
  lowReservoirAlarmAt: number;
  emptyAt: number;
  slots: { date: string; time: string }[];
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The first Monday–Friday on or after `date` (the demo clinic's weekdays; it has no holidays then). */
function weekdayOnOrAfter(date: string): string {
  let d = date;
  while ([0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay())) d = addDays(d, 1);
  return d;
}

/** Books Samuel Brooks (no appointment in the demo seed) through the API on his first on-time slot. */
async function bookBrooks(deskApi: Api, track: (id: number) => void) {
  const { patients } = await deskApi.get<{ patients: { pumps: { id: number }[] }[] }>(
    '/api/v1/patients?q=Brooks&limit=1',
  );
  const pumpId = patients[0]!.pumps[0]!.id;
  const slots = await deskApi.get<PumpSlots>(`/api/v1/slots?pumpId=${pumpId}&count=1`);
  const res = await deskApi.send('POST', '/api/v1/appointments', { pumpId, ...slots.slots[0]! });
  expect(res.status).toBe(201);
  const booked = res.body as Appointment;
  track(booked.id);
  return { booked, slots };
}

test('moving a patient past the low-reservoir alarm asks for a reason and an explicit confirmation, then shows the warning', async ({
  page,
  deskApi,
  track,
}) => {
  const { booked, slots } = await bookBrooks(deskApi, track);
  // The case: two days after the low-reservoir alarm (on a clinic day).
  const alarm = local(slots.lowReservoirAlarmAt, slots.timeZone);
  const target = weekdayOnOrAfter(addDays(alarm.date, 2));

  await signIn(page, 'front-desk');
  await page.goto(`/appointments?view=day&date=${booked.date}`);
  const row = page
    .getByRole('row', { name: new RegExp(`^${booked.time}–\\d\\d:\\d\\d Brooks, Samuel`) })
    .filter({ has: page.getByRole('button', { name: 'Move…' }) });
  await row.getByRole('button', { name: 'Move…' }).click();
  const move = page.getByRole('form', { name: 'Move the appointment of Brooks, Samuel' });
  await move.getByLabel('New date').fill(target);
  await move.getByLabel('New time').fill('09:00');

  // The warning appears before saving, with the dates.
  const warning = move.getByRole('group', { name: 'After the low-reservoir alarm' });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(`the pump alarms on ${alarm.date}`);
  await expect(warning).toContainText(
    `the reservoir is empty on ${local(slots.emptyAt, slots.timeZone).date}`,
  );
  await expect(warning).toContainText(`The refill is due ${slots.refillDueOn}`);

  // Saving without the confirmations changes nothing and says what is missing.
  await move.getByRole('button', { name: 'Save new time' }).click();
  await expect(move.getByText('Give the reason for booking on this date.')).toBeVisible();
  await expect(move.getByText('Confirm that you are booking after the low-reservoir alarm.')).toBeVisible();
  expect(await deskApi.get<Appointment>(`/api/v1/appointments/${booked.id}`)).toMatchObject({
    date: booked.date,
    version: 1,
  });

  await warning
    .getByLabel('Reason for booking late')
    .fill('Family can only travel that week; physician informed');
  await warning.getByRole('checkbox', { name: 'I confirm booking after the low-reservoir alarm' }).check();
  await page.screenshot({ path: 'test-results/late-move-confirmation.png', fullPage: true });
  await move.getByRole('button', { name: 'Save new time' }).click();

  // The row leaves this day, and the page says where it went and what was confirmed.
  const notice = page.getByRole('status').filter({ hasText: 'Moved: Brooks, Samuel' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Booked late.');
  await expect(notice).toContainText(`the pump alarms on ${alarm.date}`);
  await expect(notice).toContainText('Reason given: Family can only travel that week; physician informed');
  await notice.getByRole('link', { name: 'Show that day' }).click();
  await expect(page).toHaveURL(new RegExp(`view=day&date=${target}`));
  await expect(
    page.getByRole('row', { name: /Brooks, Samuel/ }).filter({ hasText: 'After the low-reservoir alarm' }),
  ).toContainText('Reason: Family can only travel that week');

  expect(await deskApi.get(`/api/v1/appointments/${booked.id}`)).toMatchObject({
    date: target,
    time: '09:00',
    lateness: 'after-alarm',
    lateReason: 'Family can only travel that week; physician informed',
  });
});

test('a full day can be overbooked for an urgent patient with a reason', async ({
  page,
  deskApi,
  track,
  baseURL,
}) => {
  // Capacity 1 for this test: every day with an appointment is full (restored afterwards).
  const admin = await playwrightRequest.newContext({ baseURL });
  const headers = { cookie: await sessionCookie(admin, baseURL!, 'admin'), origin: baseURL! };
  const settings = (await (await admin.get('/api/v1/settings', { headers })).json()) as {
    version: number;
    dailyCapacity: number;
  };
  const patchSettings = async (body: Record<string, unknown>) => {
    const res = await admin.patch('/api/v1/settings', { headers, data: body });
    expect(res.status()).toBe(200);
    return ((await res.json()) as { settings: { version: number } }).settings.version;
  };
  let version = await patchSettings({ version: settings.version, dailyCapacity: 1 });
  try {
    const { booked, slots } = await bookBrooks(deskApi, track);
    void slots;
    // Another patient on Brooks's day: the day is full.
    await signIn(page, 'front-desk');
    await page.goto('/appointments');
    const booking = page.getByRole('form', { name: 'Book an appointment' });
    await booking.getByLabel('Patient name or MRN').fill('Rahman');
    await booking.getByRole('button', { name: /Choose .* for Rahman, Aisha/ }).click();
    await booking.getByLabel('Date').fill(booked.date);
    await booking.getByLabel('Time').fill('16:00');
    await booking.getByRole('button', { name: 'Book appointment' }).click();
    const overbook = booking.getByRole('group', { name: 'Overbook a full day' });
    await expect(overbook).toBeVisible();
    await expect(overbook).toContainText('is full');
    await overbook.getByLabel('Reason for overbooking').fill('Patient reports the pump alarm');
    await booking.getByRole('button', { name: 'Book appointment' }).click();
    const status = booking.getByRole('status');
    await expect(status).toContainText('Booked Rahman, Aisha');
    await expect(status).toContainText('Overbooked. Reason given: Patient reports the pump alarm');
    const day = await deskApi.get<{ appointments: (Appointment & { overbookReason: string | null })[] }>(
      `/api/v1/appointments?from=${booked.date}&to=${booked.date}&status=booked`,
    );
    const urgent = day.appointments.find((a) => a.overbookReason === 'Patient reports the pump alarm');
    expect(urgent).toBeDefined();
    track(urgent!.id);
  } finally {
    version = (await (await admin.get('/api/v1/settings', { headers })).json()).version as number;
    await patchSettings({ version, dailyCapacity: settings.dailyCapacity });
    await admin.dispose();
  }
});

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.length}`);
}

for (const [role, url] of [
  ['front-desk', '/appointments'],
  ['front-desk', '/appointments?view=week'],
  ['admin', '/settings'],
  ['nurse', '/patients/new'],
] as const) {
  test(`${url} has no serious or critical accessibility violations (${role})`, async ({ page }) => {
    await signIn(page, role);
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
}
