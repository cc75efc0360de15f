// @vitest-environment jsdom
/**
 * The settings form: what it sends (numbers as numbers, a half-typed one as typed so the server names it, the
 * version it was loaded at), what it says after a policy change, holidays, and a concurrent edit (409).
 */
import '@testing-library/jest-dom/vitest';
import { QueryClientProvider } from '@tanstack/react-query';
import { DateOrderProvider } from '@/app/(staff)/_components/date-order';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClinicSettings } from '@/lib/query/appointments';
import { makeQueryClient } from '@/lib/query/client';
import { SettingsForm } from './settings-form';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));

const settings: ClinicSettings = {
  id: 1,
  version: 5,
  updatedAt: 0,
  name: 'North Clinic',
  timeZone: 'America/Chicago',
  phone24h: '+1 555 0100',
  phoneOffice: '+1 555 0101',
  address: '1 Main St',
  clinicWeekdays: [1, 2, 3, 4, 5],
  holidays: ['2026-12-25'],
  dayStartsAt: '08:00',
  dayEndsAt: '16:00',
  mfaRequiredRoles: ['admin', 'physician'],
  bufferDays: 7,
  dueSoonDays: 14,
  accuracyPct: 15,
  discrepancyFloorMl: 0.5,
  discrepancyLimitSmallMl: 1,
  discrepancyLimitLargeMl: 2,
  stabilityBufferDays: 7,
  dailyCapacity: 12,
  slotMinutes: 30,
  idleTimeoutMinutes: 15,
  titrationDayOffsets: [2, 7, 14],
  dateOrder: 'd/m/y',
};

let answers: { status: number; body: unknown }[];
let fetchMock: ReturnType<typeof vi.fn>;

beforeEach(() => {
  answers = [];
  fetchMock = vi.fn(async () => {
    const a = answers.shift() ?? { status: 500, body: { error: 'no answer set' } };
    return new Response(JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderForm() {
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <DateOrderProvider order="d/m/y">
        <SettingsForm initial={settings} canWrite zones={['America/Chicago', 'Europe/Berlin']} />
      </DateOrderProvider>
    </QueryClientProvider>,
  );
  return user;
}

const patchBody = (call = 0) => {
  const [url, init] = fetchMock.mock.calls[call] as [string, RequestInit];
  expect(url).toBe('/api/v1/settings');
  expect(init.method).toBe('PATCH');
  return JSON.parse(init.body as string) as Record<string, unknown>;
};

describe('the settings form', () => {
  it('sends the order dates typed in numbers are read in, chosen by its example', async () => {
    answers.push({ status: 200, body: { settings: { ...settings, version: 6, dateOrder: 'm/d/y' }, forecastsRefreshed: null } });
    const user = renderForm();
    const order = screen.getByRole('group', { name: 'Dates typed in numbers' });
    expect(within(order).getByRole('radio', { name: 'Day first: 2/12/2026 is 2 December 2026' })).toBeChecked();
    await user.click(within(order).getByRole('radio', { name: 'Month first: 12/2/2026 is 2 December 2026' }));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(patchBody()).toMatchObject({ version: 5, dateOrder: 'm/d/y' });
  });

  it('sends the version it was loaded at, numbers as numbers, and says how many forecasts a policy change moved', async () => {
    answers.push({
      status: 200,
      body: { settings: { ...settings, version: 6, bufferDays: 10 }, forecastsRefreshed: 42 },
    });
    const user = renderForm();
    const buffer = screen.getByLabelText('Buffer before the alarm date (days)');
    await user.clear(buffer);
    await user.type(buffer, '10');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(patchBody()).toMatchObject({
      version: 5,
      bufferDays: 10,
      dueSoonDays: 14,
      discrepancyFloorMl: 0.5,
    });
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Saved. The refill policy changed: 42 pump forecasts were recomputed.',
    );
  });

  it('adds a holiday once: the same date again is refused next to the field', async () => {
    answers.push({ status: 200, body: { settings, forecastsRefreshed: null } });
    const user = renderForm();
    const add = screen.getByLabelText('Add a holiday');
    await user.type(add, '2026-12-25');
    await user.click(screen.getByRole('button', { name: 'Add holiday' }));
    expect(screen.getByLabelText('Add a holiday')).toHaveAccessibleDescription(/is already listed/);
    await user.clear(add);
    await user.type(add, '2026-12-24');
    await user.click(screen.getByRole('button', { name: 'Add holiday' }));
    expect(screen.getByLabelText('Add a holiday')).not.toHaveAccessibleDescription(/already listed/);
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(patchBody().holidays).toEqual(['2026-12-24', '2026-12-25']);
  });

  it('sends the titration visits typed as a list of days, and a part that is not a number as typed', async () => {
    answers.push({ status: 200, body: { settings, forecastsRefreshed: null } });
    answers.push({
      status: 400,
      body: {
        error: 'Invalid settings',
        fields: { 'titrationDayOffsets.1': 'Titration visits must be whole numbers of days' },
      },
    });
    const user = renderForm();
    const days = screen.getByLabelText('Titration visits after an implant (days)');
    expect(days).toHaveValue('2, 7, 14');
    await user.clear(days);
    await user.type(days, '3, 10,21');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(patchBody().titrationDayOffsets).toEqual([3, 10, 21]);
    await user.clear(days);
    await user.type(days, '3, ten');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(patchBody(1).titrationDayOffsets).toEqual([3, 'ten']);
    expect(await screen.findByText('Titration visits must be whole numbers of days')).toBeVisible();
  });

  it('after a concurrent change (409) loads the latest settings instead of overwriting them', async () => {
    answers.push({ status: 409, body: { error: 'The settings were changed by someone else.' } });
    answers.push({ status: 200, body: { ...settings, version: 6, name: 'North Clinic (renamed)' } });
    const user = renderForm();
    await user.type(screen.getByLabelText('Clinic name'), ' typed');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The settings were changed by someone else.');
    await user.click(screen.getByRole('button', { name: 'Load the latest settings' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Loaded the latest settings');
    expect(screen.getByLabelText('Clinic name')).toHaveValue('North Clinic (renamed)');
    // Saved again, it is judged against the version now shown, not the one first loaded.
    answers.push({ status: 200, body: { settings: { ...settings, version: 7 }, forecastsRefreshed: null } });
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(patchBody(2)).toMatchObject({ version: 6, name: 'North Clinic (renamed)' });
  });
});
