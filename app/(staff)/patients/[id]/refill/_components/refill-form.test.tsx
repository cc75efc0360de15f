// @vitest-environment jsdom
/**
 * The refill form's live clinical checks, as the nurse meets them: the residual discrepancy as it is typed, the
 * critical-discrepancy confirmation, the bridge bolus prompt on a concentration change, the dose step preview, and
 * the physician's pending order applied by default. The server re-checks all of them (tests/ and db/ cover that);
 * these tests make sure the nurse sees them before saving, and that what is sent follows what was chosen.
 */
import '@testing-library/jest-dom/vitest';
import { QueryClientProvider } from '@tanstack/react-query';
import { DateOrderProvider } from '@/app/(staff)/_components/date-order';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '@/lib/query/client';
import type { RefillFormContext } from '@/db/queries/refills';
import { EXPECTED_RESIDUAL_ML, pendingOrder, refillContext } from './refill-form.fixtures';
import { RefillForm } from './refill-form';

let fetchMock: ReturnType<typeof vi.fn>;

beforeEach(() => {
  // The server's answer does not matter here: what the form sends does. A 409 keeps the form on screen.
  fetchMock = vi.fn(
    async () =>
      new Response(JSON.stringify({ error: 'stopped by the test' }), {
        status: 409,
        headers: { 'content-type': 'application/json' },
      }),
  );
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderForm(context: RefillFormContext = refillContext(), mayChangeDose = true) {
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <DateOrderProvider order="d/m/y">
        <RefillForm context={context} mayChangeDose={mayChangeDose} />
      </DateOrderProvider>
    </QueryClientProvider>,
  );
  return user;
}

/** The live discrepancy panel (role status, announced as it changes). */
const live = () => screen.getAllByRole('status').find((el) => el.className.includes('rf-live'))!;

/** Everything a refill needs besides the residual: the drug and the pocket-fill checklist (E6). */
async function fillTheRest(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByLabelText('Aspirated volume checked against the expected before filling'));
  await user.click(screen.getByLabelText('Needle placement in the reservoir confirmed'));
  await user.click(screen.getByLabelText('Template used to locate the port'));
  await user.click(screen.getByLabelText(/Aspiration back/));
  await user.type(screen.getByLabelText('Lot number'), 'LOT-1');
  await user.type(screen.getByLabelText('Expiry date'), '2027-12-31');
  await user.type(screen.getByLabelText(/Volume filled/), '20');
}

const save = (user: ReturnType<typeof userEvent.setup>) =>
  user.click(screen.getByRole('button', { name: 'Save refill' }));

/** The JSON body of the one POST the form made. */
function sentBody(): Record<string, unknown> {
  expect(fetchMock).toHaveBeenCalledTimes(1);
  const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
  expect(url).toBe('/api/v1/pumps/4/visits');
  return JSON.parse(init.body as string) as Record<string, unknown>;
}

describe('the live residual discrepancy', () => {
  it('shows the expected residual of the programmed delivery before anything is typed', () => {
    renderForm();
    expect(document.querySelector('.rf-expected strong')?.textContent).toBe(`${EXPECTED_RESIDUAL_ML} mL`);
    expect(live()).toHaveTextContent('Type the aspirated residual to see the discrepancy.');
  });

  it('says within tolerance when the aspirated volume matches the expected one', async () => {
    const user = renderForm();
    await user.type(screen.getByLabelText('Aspirated residual (mL)'), String(EXPECTED_RESIDUAL_ML));
    expect(live()).toHaveTextContent('Within tolerance');
    expect(screen.queryByLabelText(/I re-measured the aspirated volume/)).toBeNull();
  });

  it('flags 2 mL less than expected as over-delivery, without asking for a re-measurement', async () => {
    const user = renderForm();
    await user.type(screen.getByLabelText('Aspirated residual (mL)'), String(EXPECTED_RESIDUAL_ML - 2));
    // The discrepancy is expected − aspirated: more gone than programmed is positive.
    expect(live()).toHaveTextContent('Discrepancy +2 mL (+20 % of the delivered volume)');
    expect(live()).toHaveTextContent('Over-delivery');
    expect(screen.queryByLabelText(/I re-measured the aspirated volume/)).toBeNull();
  });

  it('flags 3.5 mL more than expected in a baclofen pump as a critical under-infusion, saved only once confirmed', async () => {
    const user = renderForm();
    const aspirated = EXPECTED_RESIDUAL_ML + 3.5;
    await user.type(screen.getByLabelText('Aspirated residual (mL)'), String(aspirated));
    expect(live()).toHaveTextContent('Discrepancy −3.5 mL (−35 % of the delivered volume)');
    expect(live()).toHaveTextContent('Under-infusion');
    expect(live()).toHaveTextContent('Critical');
    await fillTheRest(user);

    await save(user);
    expect(screen.getByText(/re-measure the aspirated volume, or confirm it to save/)).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();

    await user.click(screen.getByLabelText(`I re-measured the aspirated volume and confirm ${aspirated} mL`));
    await save(user);
    expect(sentBody()).toMatchObject({ aspiratedResidualMl: aspirated, confirmDiscrepancy: true });
  });

  it('follows the visit time: the same volume typed for an earlier visit is read against less delivery', async () => {
    const user = renderForm();
    await user.type(screen.getByLabelText('Aspirated residual (mL)'), String(EXPECTED_RESIDUAL_ML));
    expect(live()).toHaveTextContent('Within tolerance');
    // Ten days earlier, 5 mL less has been delivered: 10 mL left is 5 mL short of the expected 15 mL.
    await user.clear(screen.getByLabelText('Visit date'));
    await user.type(screen.getByLabelText('Visit date'), '2026-03-12');
    expect(document.querySelector('.rf-expected strong')?.textContent).toBe('15 mL');
    expect(live()).toHaveTextContent('Over-delivery');
  });
});

describe('the bridge bolus prompt (E8)', () => {
  it('does not appear while the concentration stays the same', () => {
    renderForm();
    expect(screen.queryByText('Concentration change')).toBeNull();
    expect(screen.queryByLabelText('Bridge bolus given')).toBeNull();
  });

  it('appears on a concentration change and blocks the save until a bridge bolus or its absence is recorded', async () => {
    const user = renderForm();
    await user.type(screen.getByLabelText('Aspirated residual (mL)'), String(EXPECTED_RESIDUAL_ML));
    await user.selectOptions(screen.getByLabelText('Concentration'), '1000');
    expect(screen.getByText('Concentration change').closest('p')).toHaveTextContent(
      'from 500 mcg/mL to 1000 mcg/mL',
    );
    await fillTheRest(user);

    await save(user);
    expect(screen.getByText(/no bridge bolus is recorded \(E8\)/)).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();

    await user.click(screen.getByLabelText('I confirm saving without a bridge bolus'));
    await save(user);
    expect(sentBody()).toMatchObject({
      concentrationMcgPerMl: 1000,
      bridgeBolusGiven: false,
      confirmNoBridgeBolus: true,
    });
  });

  it('asks for the bridge volume once a bridge bolus is given, and shows what is left in the reservoir', async () => {
    const user = renderForm();
    await user.selectOptions(screen.getByLabelText('Concentration'), '1000');
    await user.click(screen.getByLabelText('Bridge bolus given'));
    expect(screen.queryByLabelText('I confirm saving without a bridge bolus')).toBeNull();
    await user.type(screen.getByLabelText(/Volume filled/), '20');
    await user.type(screen.getByLabelText(/Bridge bolus volume/), '0.5');
    // 20 mL filled less 0.5 mL drawn for the bolus.
    expect(screen.getByText(/Reservoir after the bolus/)).toHaveTextContent(
      'Reservoir after the bolus: 19.5 mL',
    );
  });
});

describe('the dose step preview (E7)', () => {
  it('says within the usual step for a small change and asks for no second person', async () => {
    const user = renderForm();
    await user.click(screen.getByLabelText('Change the daily dose at this refill'));
    const dose = screen.getByLabelText(/New daily dose/);
    await user.clear(dose);
    await user.type(dose, '275');
    const preview = screen.getByText(/^New dose/);
    expect(preview).toHaveTextContent('New dose 275 mcg/day (+10 %)');
    expect(preview).toHaveTextContent(/Within the usual \d+ % step/);
    expect(screen.getByLabelText(/Second person who verified/)).not.toHaveAccessibleName(/required/);
  });

  it('warns beyond the usual step and requires a second person before saving', async () => {
    const user = renderForm();
    await user.type(screen.getByLabelText('Aspirated residual (mL)'), String(EXPECTED_RESIDUAL_ML));
    await user.click(screen.getByLabelText('Change the daily dose at this refill'));
    const dose = screen.getByLabelText(/New daily dose/);
    await user.clear(dose);
    await user.type(dose, '400');
    expect(screen.getByText(/^New dose/)).toHaveTextContent('New dose 400 mcg/day (+60 %)');
    expect(screen.getByText(/Beyond the usual \d+ % step at a refill \(E7\)/)).toBeInTheDocument();
    expect(screen.getByLabelText(/Second person who verified \(required\)/)).toBeInTheDocument();
    await fillTheRest(user);

    await save(user);
    expect(screen.getByText(/a second person must confirm it with their own password/)).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('offers no dose change to a nurse who may not change it', () => {
    renderForm(refillContext(), false);
    expect(screen.queryByLabelText('Change the daily dose at this refill')).toBeNull();
    expect(screen.getByText(/A dose change is a physician’s order/)).toBeInTheDocument();
  });
});

describe('the physician’s pending order', () => {
  const withOrder = () => refillContext({ pendingOrder: pendingOrder() });

  it('is applied by default: its concentration is what goes in, and the save names the order', async () => {
    const user = renderForm(withOrder());
    const apply = screen.getByLabelText(/Apply this order at this refill/);
    expect(apply).toBeChecked();
    expect(screen.getByLabelText('Concentration')).toHaveValue('1000');
    expect(screen.getByText(/^New dose/)).toHaveTextContent('New dose 275 mcg/day (+10 %)');
    // Applying the order does not offer a dose change of its own.
    expect(screen.queryByLabelText('Change the daily dose at this refill')).toBeNull();

    await user.type(screen.getByLabelText('Aspirated residual (mL)'), String(EXPECTED_RESIDUAL_ML));
    await fillTheRest(user);
    await user.click(screen.getByLabelText('Bridge bolus given'));
    await user.type(screen.getByLabelText(/Bridge bolus volume/), '0.3');
    await save(user);
    expect(sentBody()).toMatchObject({
      applyOrderId: 77,
      concentrationMcgPerMl: 1000,
      newDoseMcgPerDay: null,
    });
  });

  it('unticked, the current drug and concentration come back and the save applies no order', async () => {
    const user = renderForm(withOrder());
    await user.click(screen.getByLabelText(/Apply this order at this refill/));
    expect(screen.getByLabelText('Concentration')).toHaveValue('500');
    expect(screen.queryByText('Concentration change')).toBeNull();
    expect(screen.queryByText(/^New dose/)).toBeNull();

    await user.type(screen.getByLabelText('Aspirated residual (mL)'), String(EXPECTED_RESIDUAL_ML));
    await fillTheRest(user);
    await save(user);
    expect(sentBody()).toMatchObject({ applyOrderId: null, concentrationMcgPerMl: 500 });
  });

  it('says who ordered what, and why', () => {
    renderForm(withOrder());
    const notice = screen.getByText('Order for this refill').closest('div')!;
    expect(within(notice).getByText(/by Dr Okafor/)).toHaveTextContent('Spasticity at night');
  });
});

describe('a form that helps (issue 18)', () => {
  it('starts "Volume filled" empty, with no near-capacity warning before anything is typed', () => {
    renderForm();
    expect(screen.getByLabelText(/Volume filled/)).toHaveValue('');
    expect(screen.queryByText(/do not overfill/)).toBeNull();
  });

  it.each(['-1', '3.3e1', '1,5'])(
    'refuses the residual %s with an error naming the field, instead of reading it as another number',
    async (typed) => {
      const user = renderForm();
      await user.type(screen.getByLabelText(/^Aspirated residual \(mL\)/), typed);
      // Not read as 33, 1.5 or −1: no discrepancy is computed from it.
      expect(live()).toHaveTextContent('Type the aspirated residual to see the discrepancy.');
      await fillTheRest(user);
      await save(user);
      const field = screen.getByLabelText(/^Aspirated residual \(mL\)/);
      expect(field).toHaveAttribute('aria-invalid', 'true');
      expect(field).toHaveAccessibleDescription(/Aspirated residual must be a number \(mL\)/);
      expect(fetchMock).not.toHaveBeenCalled();
    },
  );

  it('moves focus to the first invalid field on a refused submit', async () => {
    const user = renderForm();
    await save(user);
    // The residual is the first field of the form that is wrong (empty); focus lands there, not on the button.
    expect(screen.getByLabelText(/^Aspirated residual \(mL\)/)).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
