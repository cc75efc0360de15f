/**
 * Typed dates in the clinic's order (decision 029): the admin sets the clinic to month first, and the front desk
 * books a visit by typing 12/17/YYYY and 2:30 pm, is told what each reads as (and that 2:30 pm must be written
 * 14:30), and the appointment is stored on 17 December at 14:30. Under day first the same text is refused.
 * Set DOCS_SCREENSHOTS=1 to refresh docs/screenshots/typed-dates.png from this run.
 */
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { expect, sessionCookie, signIn, test } from './fixtures';

/** The first 17 December from today on that is a weekday: 12/17/2026 when this was written. */
function nextWeekdayDecember17(today: Date): { iso: string; year: number } {
  for (let year = today.getFullYear(); ; year++) {
    const day = new Date(Date.UTC(year, 11, 17));
    if (day.getTime() > today.getTime() && day.getUTCDay() % 6 !== 0) return { iso: `${year}-12-17`, year };
  }
}

async function adminApi(baseURL: string) {
  const context: APIRequestContext = await playwrightRequest.newContext({ baseURL });
  const headers = { cookie: await sessionCookie(context, baseURL, 'admin'), origin: baseURL };
  const settings = async () =>
    (await (await context.get('/api/v1/settings', { headers })).json()) as { version: number; dateOrder: string };
  return { context, headers, settings };
}

test('a date typed 12/17/YYYY under month first is booked on 17 December, and refused under day first', async ({
  page,
  baseURL,
}) => {
  const admin = await adminApi(baseURL!);
  const original = (await admin.settings()).dateOrder;
  const { iso, year } = nextWeekdayDecember17(new Date());
  let appointmentId: number | undefined;
  try {
    // Day first: 12/17 has no month 17, and is refused rather than read the other way round.
    await admin.context.patch('/api/v1/settings', {
      headers: admin.headers,
      data: { version: (await admin.settings()).version, dateOrder: 'd/m/y' },
    });

    // The admin switches the clinic to month first in the settings form.
    await signIn(page, 'admin');
    await page.goto('/settings');
    const order = page.getByRole('group', { name: 'Dates typed in numbers' });
    await expect(order.getByRole('radio', { name: /Day first/ })).toBeChecked();
    await order.getByRole('radio', { name: /Month first/ }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    expect((await admin.settings()).dateOrder).toBe('m/d/y');

    await page.context().clearCookies();
    await signIn(page, 'front-desk');
    await page.goto('/appointments');
    const booking = page.getByRole('form', { name: 'Book an appointment' });
    await booking.getByLabel('Patient name or MRN').fill('Rahman');
    await booking.getByRole('button', { name: /Choose .* for Rahman, Aisha/ }).click();
    const date = booking.getByLabel('Date', { exact: true });
    const time = booking.getByLabel('Time', { exact: true });
    await date.fill(`12/17/${year}`);
    const weekday = new Date(Date.UTC(year, 11, 17)).toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' });
    await expect(date).toHaveAccessibleDescription(`= ${weekday} 17 Dec ${year}`);
    await expect(date).toHaveAttribute('data-value', iso);

    // 2:30 pm is refused, with the 24-hour time it would be.
    await time.fill('2:30 pm');
    await time.blur();
    await expect(time).toHaveAttribute('aria-invalid', 'true');
    await expect(time).toHaveAccessibleDescription(/Time: use the 24-hour clock: 14:30 for 2:30 pm/);
    if (process.env.DOCS_SCREENSHOTS === '1') {
      // The two fields, the date read in words and the time refused, with the patient chosen above them.
      await date.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      const [d, t] = [(await date.boundingBox())!, (await time.boundingBox())!];
      const top = d.y - 90;
      await page.screenshot({
        path: 'docs/screenshots/typed-dates.png',
        clip: { x: d.x - 16, y: top, width: t.x + t.width - d.x + 32, height: t.y + t.height + 70 - top },
      });
    }
    await time.fill('1430');
    await expect(time).toHaveAccessibleDescription(/= 14:30/);
    await expect(time).not.toHaveAttribute('aria-invalid', 'true');

    await booking.getByRole('button', { name: 'Book appointment' }).click();
    const status = booking.getByRole('status');
    // 17 December may be after this patient's refill due date: the form then asks why, as it would any booking.
    const lateReason = booking.getByLabel('Reason for booking late');
    await expect(status.or(lateReason)).toBeVisible();
    if (await lateReason.isVisible()) {
      await lateReason.fill('Patient asked for this date');
      await booking.getByRole('button', { name: 'Book appointment' }).click();
    }
    await expect(status).toContainText(`Booked Rahman, Aisha`);
    await expect(status).toContainText(`${weekday} 17 Dec ${year}, 14:30`);

    // What was stored: 17 December at 14:30, not 12 May or any other reading.
    const desk = await playwrightRequest.newContext({ baseURL });
    const deskHeaders = { cookie: await sessionCookie(desk, baseURL!, 'front-desk'), origin: baseURL! };
    const day = (await (
      await desk.get(`/api/v1/appointments?from=${iso}&to=${iso}&status=booked`, { headers: deskHeaders })
    ).json()) as { appointments: { id: number; patientName: string; date: string; time: string }[] };
    const booked = day.appointments.find((a) => a.patientName === 'Rahman, Aisha' && a.time === '14:30');
    expect(booked).toMatchObject({ date: iso, time: '14:30' });
    appointmentId = booked!.id;
    await desk.dispose();

    // The same text under day first is refused before anything is sent.
    await admin.context.patch('/api/v1/settings', {
      headers: admin.headers,
      data: { version: (await admin.settings()).version, dateOrder: 'd/m/y' },
    });
    await page.goto('/appointments');
    const goTo = page.getByRole('textbox', { name: 'Go to date' });
    await goTo.fill(`12/17/${year}`);
    await goTo.blur();
    await expect(goTo).toHaveAttribute('aria-invalid', 'true');
    await expect(goTo).toHaveAccessibleDescription(
      `Go to date: 12/17/${year} is not a date in this clinic’s order, DD/MM/YYYY (there is no month 17)`,
    );
    await goTo.fill(`17/12/${year}`);
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`date=${iso}`));
  } finally {
    if (appointmentId !== undefined) {
      const desk = await playwrightRequest.newContext({ baseURL });
      const headers = { cookie: await sessionCookie(desk, baseURL!, 'front-desk'), origin: baseURL! };
      const a = (await (await desk.get(`/api/v1/appointments/${appointmentId}`, { headers })).json()) as { version: number };
      await desk.patch(`/api/v1/appointments/${appointmentId}`, {
        headers,
        data: { action: 'cancel', version: a.version, reason: 'e2e clean-up' },
      });
      await desk.dispose();
    }
    await admin.context.patch('/api/v1/settings', {
      headers: admin.headers,
      data: { version: (await admin.settings()).version, dateOrder: original },
    });
    await admin.context.dispose();
  }
});
