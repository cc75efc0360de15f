// @vitest-environment jsdom
/**
 * The new-patient form's first program goes through the shared program entry (ProgramEditor): what it sends is
 * in the API's units (concentration exactly one of the catalogue's ng/mL values, doses in mcg whatever the drug's
 * display unit), its preview follows the program typed, and the server's field errors land next to the field.
 */
import '@testing-library/jest-dom/vitest';
import { QueryClientProvider } from '@tanstack/react-query';
import { DateOrderProvider } from '@/app/(staff)/_components/date-order';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewPatientOptions } from '@/db/queries/patient-lookup';
import { makeQueryClient } from '@/lib/query/client';
import { NewPatientForm } from './new-patient-form';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));

const options: NewPatientOptions = {
  models: [
    {
      id: 1,
      manufacturer: 'Medtronic',
      name: 'SynchroMed II',
      modelNumber: '8637-20',
      kind: 'programmable',
      reservoirUl: 20_000,
      defaultAlarmUl: 2_000,
      nominalFlowUlPerDay: null,
      labeledDrugs: ['baclofen', 'morphine'],
    },
  ],
  drugs: [
    {
      id: 1,
      name: 'baclofen',
      product: 'Lioresal Intrathecal',
      doseUnit: 'mcg',
      concentrationsNgPerMl: [50_000, 500_000, 2_000_000],
      usualMaxDoseNgPerDay: 1_000_000,
    },
    {
      id: 2,
      name: 'morphine',
      product: 'Infumorph',
      doseUnit: 'mg',
      concentrationsNgPerMl: [10_000_000, 25_000_000],
      usualMaxDoseNgPerDay: 15_000_000,
    },
  ],
  physicians: [],
};

let fetchMock: ReturnType<typeof vi.fn>;
let answer: { status: number; body: unknown };

beforeEach(() => {
  answer = { status: 400, body: { error: 'stopped by the test', fields: {} } };
  fetchMock = vi.fn(
    async () =>
      new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      }),
  );
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
        <NewPatientForm options={options} today="2026-03-02" />
      </DateOrderProvider>
    </QueryClientProvider>,
  );
  return user;
}

async function submit(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Add patient and pump' }));
  expect(fetchMock).toHaveBeenCalledTimes(1);
  const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
  expect(url).toBe('/api/v1/patients');
  return JSON.parse(init.body as string) as { program: Record<string, unknown> };
}

describe('the first program', () => {
  it('starts at the drug’s usual maintenance concentration and sends the catalogue’s exact value', async () => {
    const user = renderForm();
    expect(screen.getByLabelText('Concentration (mcg/mL)')).toHaveValue('500');
    await user.type(screen.getByLabelText('Daily dose (mcg/day)'), '250');
    const { program } = await submit(user);
    expect(program).toMatchObject({
      drugId: 1,
      concentrationNgPerMl: 500_000,
      mode: 'simple',
      doseMcgPerDay: 250,
      patientBolus: null,
    });
  });

  it('takes a morphine program in mg and sends it in mcg and ng/mL', async () => {
    const user = renderForm();
    await user.selectOptions(screen.getByLabelText('Drug product'), '2');
    const concentration = screen.getByLabelText('Concentration (mg/mL)');
    await user.selectOptions(concentration, '25');
    await user.type(screen.getByLabelText('Daily dose (mg/day)'), '2.5');
    const { program } = await submit(user);
    expect(program).toMatchObject({ drugId: 2, concentrationNgPerMl: 25_000_000, doseMcgPerDay: 2500 });
  });

  it('previews the daily volume and the days to the alarm volume of the flex steps typed', async () => {
    const user = renderForm();
    await user.selectOptions(screen.getByLabelText('Mode'), 'flex');
    await user.type(screen.getByLabelText('Step 1 dose (mcg/hour)'), '10');
    await user.click(screen.getByRole('button', { name: 'Add a step' }));
    const dose2 = screen.getByLabelText('Step 2 dose (mcg/hour)');
    await user.clear(dose2);
    await user.type(dose2, '20');
    // 12 h × 10 + 12 h × 20 = 360 mcg/day at 500 mcg/mL = 0.72 mL/day; (20 − 2) mL / 0.72 = 25 days.
    expect(screen.getByText(/^Daily volume/)).toHaveTextContent(
      'Daily volume 0.72 mL/day; about 25 days from the fill to the 2 mL alarm volume',
    );
    const { program } = await submit(user);
    expect(program).toMatchObject({
      mode: 'flex',
      flexSteps: [
        { start: '00:00', doseMcgPerHour: 10 },
        { start: '12:00', doseMcgPerHour: 20 },
      ],
    });
    expect(program.doseMcgPerDay).toBeUndefined();
  });

  it('sends the patient bolus limits once allowed', async () => {
    const user = renderForm();
    await user.type(screen.getByLabelText('Daily dose (mcg/day)'), '250');
    await user.click(screen.getByLabelText('Allow patient boluses'));
    await user.type(screen.getByLabelText('Bolus dose (mcg)'), '25');
    await user.type(screen.getByLabelText('At most per day'), '4');
    const { program } = await submit(user);
    expect(program.patientBolus).toEqual({ doseMcg: 25, maxPerDay: 4 });
  });

  it('shows the server’s concentration error next to the concentration', async () => {
    answer = {
      status: 400,
      body: {
        error: 'Invalid input',
        fields: { 'program.concentrationNgPerMl': 'Choose a concentration from the drug’s list' },
      },
    };
    const user = renderForm();
    await submit(user);
    expect(await screen.findByLabelText(/^Concentration \(mcg\/mL\)/)).toHaveAccessibleDescription(
      'Choose a concentration from the drug’s list',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Nothing was saved: correct the field marked in red.',
    );
  });
});
