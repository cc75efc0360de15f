// @vitest-environment jsdom
/**
 * The program form's dose step preview (E7, reference.md S55): a change applied now is judged against the lowest
 * (or highest) dose in effect over the last 24 hours, so two small steps in a day cannot add up to a large one
 * unseen; beyond the usual step a second experienced person confirms with their own password. The server judges
 * it again (app/api/v1/pumps/[id]/programs/route.test.ts); these tests make sure the physician sees it first.
 */
import '@testing-library/jest-dom/vitest';
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forecastRequestOf, type ProgramFormContext } from '@/db/queries/programs';
import { forecast } from '@/lib/domain/forecast';
import { DAY, HOUR, example1 } from '@/lib/domain/test-factories';
import { makeQueryClient } from '@/lib/query/client';
import { forecastJson } from '@/db/queries/dtos';
import { refillContext } from '../../refill/_components/refill-form.fixtures';
import { ProgramForm } from './program-form';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));

const T0 = Date.UTC(2026, 2, 2, 15);
const NOW = T0 + 10 * DAY;

function programContext(
  doseHistory: ProgramFormContext['doseHistory'],
  currentMcgPerDay = 250,
): ProgramFormContext {
  const base = refillContext();
  const input = example1(T0, { now: NOW });
  return {
    now: NOW,
    timeZone: 'UTC',
    patient: { id: 3, name: base.patient.name, mrn: base.patient.mrn, spasticityOrigin: 'spinal' },
    pump: {
      id: 4,
      label: base.pump.label,
      serial: base.pump.serial,
      kind: 'programmable',
      reservoirMl: 20,
      alarmMl: 2,
      flowMlPerDay: null,
    },
    program: { ...base.program, dailyDoseMcg: currentMcgPerDay, continuousDoseMcgPerDay: currentMcgPerDay },
    doseHistory,
    pendingOrder: null,
    drugs: base.products,
    forecastRequest: forecastRequestOf(input),
    current: forecastJson(forecast(input), 'UTC'),
    verifiers: base.verifiers,
  };
}

/** 250 mcg/day since the implant, ten days ago. */
const steady = [{ effectiveAt: T0, supersededAt: null, doseMcgPerDay: 250 }];

beforeEach(() => {
  // The what-if forecast is not what these tests look at: the server refuses it, and the form says so.
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(JSON.stringify({ error: 'not in this test' }), { status: 503 })),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderForm(context: ProgramFormContext) {
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <ProgramForm context={context} />
    </QueryClientProvider>,
  );
  return user;
}

async function typeDose(user: ReturnType<typeof userEvent.setup>, mcgPerDay: string) {
  const dose = screen.getByLabelText(/^Daily dose \(mcg\/day\)/);
  await user.clear(dose);
  await user.type(dose, mcgPerDay);
}

describe('the dose step preview (E7)', () => {
  it('says within the usual step for +20 % and asks for no second person', async () => {
    const user = renderForm(programContext(steady));
    await typeDose(user, '300');
    expect(screen.getByText(/^Dose 250 mcg\/day →/)).toHaveTextContent(
      'Dose 250 mcg/day → 300 mcg/day (+20 %). Within the usual 30 % step.',
    );
    expect(screen.queryByText(/Second person: they confirm/)).toBeNull();
  });

  it('warns beyond the usual step for +60 % and asks a second person to confirm with their password', async () => {
    const user = renderForm(programContext(steady));
    await typeDose(user, '400');
    expect(screen.getByText(/^Dose 250 mcg\/day →/)).toHaveTextContent(
      'Beyond the usual 30 % step per 24 h for spinal origin (E7): a second experienced person must confirm.',
    );
    expect(screen.getByText('Second person: they confirm with their own password')).toBeInTheDocument();
    expect(screen.getByLabelText('Their password')).toBeInTheDocument();
  });

  it('judges a second step the same day against the dose of 24 hours ago, not the current one', async () => {
    // 250 → 300 this morning (+20 %); another +20 % now is +44 % over the 24 hours.
    const history = [
      { effectiveAt: T0, supersededAt: NOW - 6 * HOUR, doseMcgPerDay: 250 },
      { effectiveAt: NOW - 6 * HOUR, supersededAt: null, doseMcgPerDay: 300 },
    ];
    const user = renderForm(programContext(history, 300));
    await typeDose(user, '360');
    const notice = screen.getByText(/^Dose 300 mcg\/day →/);
    expect(notice).toHaveTextContent(
      'Dose 300 mcg/day → 360 mcg/day (+44 % from 250 mcg/day in effect within the last 24 h).',
    );
    expect(notice).toHaveTextContent(/Beyond the usual 30 % step per 24 h/);
  });
});
