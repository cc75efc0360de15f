import { describe, expect, it } from 'vitest';
import type { CardContent } from '@/db/queries/cards';
import { drugCatalog } from '@/db/catalog';
import { cardView, drugLabel, programSchedule, type CardView } from './view';
import { noActivePumpLine } from './wording';

function content(overrides: { patient?: Partial<CardContent['patient']>; pump?: Partial<CardContent['pump']> } & Partial<Omit<CardContent, 'patient' | 'pump'>> = {}): CardContent {
  const { patient, pump, ...rest } = overrides;
  return {
    now: Date.UTC(2026, 2, 10, 15),
    today: '2026-03-10',
    clinic: { id: 1, emergencyCode: '0123456789abcdef01234567', name: 'Riverside', phone24h: '+1 555 010 0247', phoneOffice: null, address: '', timeZone: 'America/Chicago' },
    patient: {
      id: 1,
      mrn: '100',
      givenName: '秀英',
      familyName: '王',
      nameOrder: 'family-first',
      dateOfBirth: '1971-04-09',
      allergies: '',
      backupOralPlan: '',
      caregiverName: '',
      caregiverPhone: '',
      riskInjuryT6OrAbove: false,
      riskCommunication: false,
      riskPriorWithdrawal: false,
      riskHearingImpaired: false,
      ...patient,
    },
    physician: null,
    pump: { id: 7, serial: 'NGP1', implantedOn: '2022-05-17', reservoirUl: 20_000, alarmUl: 2000, flowUlPerDay: null, status: 'active', explantedOn: null, ...pump },
    activePump: null,
    model: { manufacturer: 'Medtronic', name: 'SynchroMed II', modelNumber: '8637-20', kind: 'programmable', mriRule: 'interrogate-after', mriNote: null, hasCatheterAccessPort: true, supportPhone: null },
    program: { id: 1, versionNo: 3, mode: 'simple', concentrationNgPerMl: 500_000, doseNgPerDay: 250_000, patientBolusDoseNg: null, patientBolusMaxPerDay: null, flexSteps: null, periodicBoluses: null, effectiveAt: 0 },
    drug: { name: 'baclofen', product: 'Lioresal Intrathecal', doseUnit: 'mcg', withdrawalRisk: 'severe' },
    lastVisit: null,
    forecast: null,
    ...rest,
  };
}

function viewOf(c: CardContent): CardView {
  const built = cardView(c);
  if (!('view' in built)) throw new Error(built.problem);
  return built.view;
}

describe('the card view (issue 15, item 7)', () => {
  it('prints the name in the patient’s own order (regression: “秀英 王”)', () => {
    expect(viewOf(content()).patientName).toBe('王秀英');
    expect(viewOf(content({ patient: { givenName: 'Anna', familyName: 'Schmidt', nameOrder: 'given-first' } })).patientName).toBe('Anna Schmidt');
  });

  it('never nests parentheses in a product name, for every catalogue product', () => {
    for (const p of drugCatalog) {
      for (const label of [drugLabel('Baclofen', p.product), drugLabel(p.name, p.product)]) {
        expect(label, p.product).not.toMatch(/\([^)]*\(/);
        expect(label, p.product).not.toMatch(/\)\s*\)/);
      }
    }
    const morphine = viewOf(content({ drug: { name: 'morphine', product: 'Infumorph (preservative-free morphine)', doseUnit: 'mcg', withdrawalRisk: 'moderate' } }));
    expect(morphine.drugInSentence).toBe('Infumorph (preservative-free morphine)');
    const prialt = viewOf(content({ drug: { name: 'ziconotide', product: 'Prialt (undiluted)', doseUnit: 'mcg', withdrawalRisk: 'low' } }));
    expect(prialt.drugInSentence).toBe('ziconotide, Prialt (undiluted)');
  });

  it('writes out a flex schedule step by step, with its timed boluses', () => {
    const lines = programSchedule(
      {
        mode: 'flex',
        flexSteps: [
          { start: '00:00', doseNgPerHour: 8000 },
          { start: '07:00', doseNgPerHour: 14_000 },
          { start: '22:00', doseNgPerHour: 8000 },
        ],
        periodicBoluses: [{ at: '12:00', doseNg: 25_000 }],
      },
      'mcg',
    );
    expect(lines).toEqual(['00:00–07:00: 8 mcg/h', '07:00–22:00: 14 mcg/h', '22:00–24:00: 8 mcg/h', '12:00: bolus 25 mcg']);
    expect(viewOf(content()).schedule).toEqual([]);
  });

  it('carries the caregiver and the risk flags; a baclofen patient on the boxed warning’s list is high risk', () => {
    const v = viewOf(content({ patient: { caregiverName: 'Li Wei', caregiverPhone: '+1 555 0200 0000', riskInjuryT6OrAbove: true, riskCommunication: true } }));
    expect(v.caregiver).toBe('Li Wei, +1 555 0200 0000');
    expect(v.risks?.heading).toMatch(/^High-risk patient/);
    expect(v.risks?.items).toEqual(['Spinal cord injury at T6 or above', 'Communication difficulty']);
    const none = viewOf(content());
    expect(none.caregiver).toBeNull();
    expect(none.risks).toBeNull();
    const hearing = viewOf(content({ patient: { riskHearingImpaired: true } }));
    expect(hearing.risks?.heading).toBe('Risk flags on record');
  });

  it('an explanted-only patient is told there is no active pump, not sent to a card that does not exist', () => {
    const built = cardView(content({ pump: { status: 'explanted', explantedOn: '2025-11-02' } }));
    expect(built).toEqual({
      kind: 'no-active-pump',
      problem: `The Medtronic SynchroMed II 8637-20 (serial NGP1) was explanted on 2 Nov 2025. ${noActivePumpLine}`,
    });
    const other = cardView(content({ pump: { status: 'explanted', explantedOn: '2025-11-02' }, activePump: { id: 9, serial: 'NGP2' } }));
    expect(other).toMatchObject({ kind: 'refused' });
    expect('problem' in other && other.problem).toContain('active pump (serial NGP2)');
  });
});
