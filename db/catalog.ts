/**
 * The pump-model and drug catalogue, from ../shared/domain/reference.md sections C and D. A value the
 * reference could not confirm stays null: staff enter it for each pump rather than trusting an invented one.
 */
import type { drugs, pumpModels } from './schema';

type NewPumpModel = typeof pumpModels.$inferInsert;
type NewDrug = typeof drugs.$inferInsert;

const synchroMedMri =
  'MR conditional. The magnet stops the pump motor during the scan; recovery can be delayed. Interrogate the pump after every MRI (reference.md S64, S66).';
const prometraMri =
  'The reservoir must be EMPTIED before any MRI: the magnetic field can open both valves and dump the reservoir. Reset the flow-activated valve after the scan (reference.md S25, S26).';

export const pumpModelCatalog: NewPumpModel[] = [
  {
    manufacturer: 'Medtronic',
    name: 'SynchroMed II',
    modelNumber: '8637-20',
    kind: 'programmable',
    reservoirUl: 20_000, // S7
    defaultAlarmUl: 2_000, // manufacturer-recommended alarm residual, S32
    nominalFlowUlPerDay: null,
    maxServiceYears: 7, // maximum 7 years, automatic shut-off: S6, S61
    eriToStopDays: 90, // stops about 90 days after ERI: S6, S61
    accuracyPct: null, // official specification not found (reference.md I)
    mriRule: 'interrogate-after',
    mriNote: synchroMedMri,
    hasCatheterAccessPort: true, // S3, S15
    supportPhone: 'Medtronic clinician technical support (US) 800-707-0933', // S94
    labeledDrugs: ['baclofen', 'morphine', 'ziconotide'], // S12, S23
    source: 'reference.md C: S6, S7, S32, S61, S64',
  },
  {
    manufacturer: 'Medtronic',
    name: 'SynchroMed II',
    modelNumber: '8637-40',
    kind: 'programmable',
    reservoirUl: 40_000, // S7
    defaultAlarmUl: 2_000, // S32
    nominalFlowUlPerDay: null,
    maxServiceYears: 7,
    eriToStopDays: 90,
    accuracyPct: null,
    mriRule: 'interrogate-after',
    mriNote: synchroMedMri,
    hasCatheterAccessPort: true,
    supportPhone: 'Medtronic clinician technical support (US) 800-707-0933',
    labeledDrugs: ['baclofen', 'morphine', 'ziconotide'],
    source: 'reference.md C: S6, S7, S32, S61, S64',
  },
  {
    manufacturer: 'Flowonix',
    name: 'Prometra II',
    modelNumber: '13827',
    kind: 'programmable',
    reservoirUl: 20_000, // S25, S59
    defaultAlarmUl: null, // pump alarm specification not found; the PTC refill date uses 3.0 mL (S28)
    nominalFlowUlPerDay: null,
    maxServiceYears: null, // battery "> 10 years" (S59, S62): no maximum stated
    eriToStopDays: null,
    accuracyPct: 15, // required 85–115 % delivery accuracy in the clinical study (S27)
    mriRule: 'empty-before',
    mriNote: prometraMri,
    hasCatheterAccessPort: null,
    supportPhone: null,
    labeledDrugs: ['baclofen', 'morphine', 'saline'], // S24, S70
    source: 'reference.md C: S25, S26, S27, S28, S59',
  },
  {
    manufacturer: 'Flowonix',
    name: 'Prometra II',
    modelNumber: '16827',
    kind: 'programmable',
    reservoirUl: 40_000, // S25, S59
    defaultAlarmUl: null,
    nominalFlowUlPerDay: null,
    maxServiceYears: null,
    eriToStopDays: null,
    accuracyPct: 15,
    mriRule: 'empty-before',
    mriNote: prometraMri,
    hasCatheterAccessPort: null,
    supportPhone: null,
    labeledDrugs: ['baclofen', 'morphine', 'saline'],
    source: 'reference.md C: S25, S26, S27, S28, S59',
  },
  {
    manufacturer: 'Codman (J&J MedTech)',
    name: 'Codman 3000 constant-flow pump',
    modelNumber: '3000',
    kind: 'constant-flow',
    reservoirUl: null, // "approximately one ounce", model-dependent (S46): entered per pump
    defaultAlarmUl: null, // no alarm electronics (S46); the clinic sets a reserve volume per pump
    nominalFlowUlPerDay: null, // fixed at implant by model: entered per pump (S46, S47)
    maxServiceYears: null, // no battery (S46)
    eriToStopDays: null,
    accuracyPct: null, // flow depends on temperature and pressure (reference.md I)
    mriRule: 'unknown',
    mriNote: 'MRI conditions not found in the reference: check the manufacturer labelling before any scan.',
    hasCatheterAccessPort: null,
    supportPhone: null,
    labeledDrugs: ['baclofen', 'morphine'],
    source: 'reference.md C: S46, S47',
  },
];

const mcg = (value: number) => Math.round(value * 1000); // mcg → ng, exact for the values below

export const drugCatalog: NewDrug[] = [
  {
    name: 'baclofen',
    product: 'Lioresal Intrathecal',
    doseUnit: 'mcg',
    concentrationsNgPerMl: [mcg(50), mcg(500), mcg(2000)], // S21
    stabilityDays: 180, // maximum refill interval recommended for ITB pumps (S22)
    initialFillDays: null,
    usualMaxDoseNgPerDay: mcg(1000), // E9 soft limit (S20, S78)
    withdrawalRisk: 'severe', // boxed warning: do not discontinue abruptly (S1, S2)
    source: 'reference.md D: S1, S2, S20, S21, S22',
  },
  {
    name: 'baclofen',
    product: 'Gablofen',
    doseUnit: 'mcg',
    concentrationsNgPerMl: [mcg(50), mcg(500), mcg(1000), mcg(2000)], // S2, S73, S74
    stabilityDays: 180, // S22
    initialFillDays: null,
    usualMaxDoseNgPerDay: mcg(1000),
    withdrawalRisk: 'severe',
    source: 'reference.md D: S2, S22, S73',
  },
  {
    name: 'morphine',
    product: 'Infumorph (preservative-free morphine)',
    doseUnit: 'mg',
    concentrationsNgPerMl: [mcg(10_000), mcg(25_000)], // 10 and 25 mg/mL (S81, S82)
    stabilityDays: 90, // stable in the pump up to 90 days (S16)
    initialFillDays: null,
    usualMaxDoseNgPerDay: mcg(20_000), // caution above 20 mg/day (S81)
    withdrawalRisk: 'moderate', // opioid withdrawal on interruption (S89)
    source: 'reference.md D: S16, S81, S82',
  },
  {
    name: 'ziconotide',
    product: 'Prialt (undiluted)',
    doseUnit: 'mcg',
    concentrationsNgPerMl: [mcg(25)], // S56
    stabilityDays: 84, // refill at least every 84 days undiluted (S56)
    initialFillDays: 14, // a naive pump's first fill is replaced within 14 days (S56)
    usualMaxDoseNgPerDay: 19_200, // 19.2 mcg/day maximum (S83)
    withdrawalRisk: 'low', // no withdrawal syndrome reported (S108)
    source: 'reference.md D: S56, S83, S108',
  },
  {
    name: 'ziconotide',
    product: 'Prialt (diluted)',
    doseUnit: 'mcg',
    concentrationsNgPerMl: [mcg(5), mcg(10), mcg(25)],
    stabilityDays: 40, // refill at least every 40 days diluted (S56)
    initialFillDays: 14,
    usualMaxDoseNgPerDay: 19_200,
    withdrawalRisk: 'low',
    source: 'reference.md D: S56, S83, S109',
  },
];
