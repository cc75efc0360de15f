/**
 * A refill form context for component tests: the reference.md B7-1 pump (SynchroMed II 20 mL, baclofen 250 mcg/day
 * at 500 mcg/mL, so 0.5 mL/day), filled to 20 mL twenty days before the visit. Expected residual: 20 − 20 × 0.5 =
 * 10 mL. Not part of the app.
 */
import type { RefillFormContext } from '@/db/queries/refills';
import type { OrderDto } from '@/db/queries/orders';
import { DAY, example1 } from '@/lib/domain/test-factories';

export const T0 = Date.UTC(2026, 2, 2, 15); // a Monday, 15:00 UTC
export const VISIT_AT = T0 + 20 * DAY;
export const EXPECTED_RESIDUAL_ML = 10;

const baclofen = {
  id: 1,
  name: 'baclofen',
  product: 'Lioresal Intrathecal',
  doseUnit: 'mcg' as const,
  concentrationsMcgPerMl: [500, 1000, 2000],
  stabilityDays: 180,
};

export function pendingOrder(overrides: Partial<OrderDto> = {}): OrderDto {
  return {
    id: 77,
    pumpId: 4,
    status: 'pending',
    timing: 'next-refill',
    drugId: 1,
    drugName: 'baclofen',
    drugProduct: 'Lioresal Intrathecal',
    doseUnit: 'mcg',
    concentrationMcgPerMl: 1000,
    mode: 'simple',
    dailyDoseMcg: 275,
    spec: { drugId: 1, concentrationMcgPerMl: 1000, mode: 'simple', doseMcgPerDay: 275 },
    reason: 'Spasticity at night',
    orderedByName: 'Dr Okafor',
    orderedAt: T0 + 10 * DAY,
    verifiedByName: null,
    appliedAt: null,
    appliedByName: null,
    cancelledAt: null,
    version: 1,
    ...overrides,
  };
}

export function refillContext(overrides: Partial<RefillFormContext> = {}): RefillFormContext {
  const state = example1(T0);
  return {
    now: VISIT_AT,
    today: '2026-03-22',
    timeZone: 'UTC',
    patient: { id: 3, name: 'Tran, Minh', mrn: 'MRN-3', spasticityOrigin: 'spinal', highRisk: false },
    pump: {
      id: 4,
      label: 'Medtronic SynchroMed II 8637-20',
      serial: 'NGP123',
      kind: 'programmable',
      reservoirMl: 20,
      alarmMl: 2,
      flowMlPerDay: null,
      deadSpaceMl: null,
    },
    program: {
      id: 9,
      versionNo: 1,
      drugId: 1,
      drugName: 'baclofen',
      drugProduct: 'Lioresal Intrathecal',
      doseUnit: 'mcg',
      concentrationMcgPerMl: 500,
      mode: 'simple',
      dailyDoseMcg: 250,
      continuousDoseMcgPerDay: 250,
      flexSteps: [],
      periodicBoluses: [],
      patientBolus: null,
      effectiveAt: T0,
      supersededAt: null,
      reason: 'Implant',
      prescriberName: 'Dr Okafor',
      enteredByName: 'Nurse Lee',
      verifiedByName: null,
      orderId: null,
    },
    products: [baclofen],
    state,
    lastVisitAt: T0,
    expectedResidualNowMl: EXPECTED_RESIDUAL_ML,
    currentDueOn: '2026-04-01',
    verifiers: [{ id: 'u-phys', name: 'Dr Okafor', role: 'physician' }],
    pendingOrder: null,
    fillWarnMarginMl: 2,
    appointments: [],
    ...overrides,
  };
}
