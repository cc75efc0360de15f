/**
 * From the loaded card data to the strings the card and the letter print: units on every quantity, dates
 * with the month as a word (no day/month confusion between countries), wording chosen for the drug.
 */
import { format, parseISO } from 'date-fns';
import type { CardContent } from '@/db/queries/cards';
import {
  alarmText,
  catheterAccessPortCard,
  catheterAccessPortWarning,
  frontAction,
  headline,
  modeLabels,
  mriText,
  noActivePumpLine,
  riskFlagsBlock,
  overdoseSigns,
  passedDateLine,
  supportLine,
  underdoseSigns,
  withoutCitations,
  type AlarmText,
  type Headline,
  type RiskFlagsBlock,
  type SignsBlock,
} from '@/lib/cards/wording';
import { formatConcentration, formatDose, formatUl } from '@/lib/format';
import { fullName } from '@/lib/domain/names';

/** `9 Apr 1971`; a missing date says so rather than printing a dash nobody can act on. */
export function cardDate(date: string | null | undefined, missing = 'ask the clinic'): string {
  if (!date) return missing;
  return format(parseISO(date), 'd MMM yyyy');
}

export interface CardView {
  headline: Headline;
  /** The front's largest type: the danger and what to do. */
  front: { danger: string; action: string };
  /** What a passed refill or alarm date means. */
  passedDate: string;
  patientName: string;
  dateOfBirth: string;
  mrn: string;
  drugName: string;
  drugProduct: string;
  /** Generic name and product, e.g. "Baclofen (Lioresal Intrathecal)". */
  drugLabel: string;
  /** The same inside a sentence: "baclofen (Lioresal Intrathecal)", "ziconotide, Prialt (undiluted)". */
  drugInSentence: string;
  concentration: string;
  dailyDose: string;
  mode: string;
  /** A flex program's day, step by step ("00:00–07:00: 8 mcg/h"), and any timed boluses; empty otherwise. */
  schedule: string[];
  bolusDevice: string;
  pumpModel: string;
  /** The model number inside `pumpModel`, printed unbroken. */
  pumpModelNumber: string;
  serial: string;
  implanted: string;
  reservoir: string;
  alarmVolume: string;
  constantFlow: boolean;
  lastRefill: string;
  refillDue: string;
  alarmDate: string;
  alarmDateLabel: string;
  emptyDate: string;
  clinicName: string;
  clinicPhone24h: string;
  clinicOfficePhone: string | null;
  clinicAddress: string;
  physician: string;
  supportLine: string;
  underdose: SignsBlock;
  overdose: SignsBlock;
  alarms: AlarmText;
  mri: { short: string; emphasis: boolean; note: string };
  catheterPort: { card: string; full: string } | null;
  backupOral: string | null;
  allergies: string;
  allergiesRecorded: boolean;
  /** "Family caregiver, +1 555 0200 0000"; null when none is recorded. */
  caregiver: string | null;
  /** The patient's risk flags (boxed warning's "special attention" list, and hearing), null when none is set. */
  risks: RiskFlagsBlock | null;
  printedOn: string;
  programVersion: string;
  validity: string;
  /** The clinic-local date the card is valid until (the refill due date), null when unknown. */
  validUntilOn: string | null;
}

export const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Baclofen (Lioresal Intrathecal)"; a product that has parentheses of its own is not nested in more. */
export function drugLabel(drugName: string, product: string): string {
  if (product.toLowerCase().includes(drugName.toLowerCase())) return product; // "Infumorph (preservative-free morphine)"
  return product.includes('(') ? `${drugName}, ${product}` : `${drugName} (${product})`;
}

/** "Medtronic SynchroMed II 8637-40", "Codman 3000 constant-flow pump": no word said twice. */
export function pumpLabel(model: { manufacturer: string; name: string; modelNumber: string }): string {
  const named = model.name.includes(model.modelNumber) ? model.name : `${model.name} ${model.modelNumber}`;
  const brand = model.manufacturer.split(/[\s(]/)[0] ?? '';
  return brand && named.toLowerCase().startsWith(brand.toLowerCase()) ? named : `${model.manufacturer} ${named}`;
}

function caregiverLine(p: { caregiverName: string; caregiverPhone: string }): string | null {
  const parts = [p.caregiverName.trim(), p.caregiverPhone.trim()].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

function bolusDevice(data: CardContent, unit: 'mcg' | 'mg'): string {
  const p = data.program;
  if (!p || p.patientBolusDoseNg == null || p.patientBolusMaxPerDay == null) return 'None';
  const device = /medtronic/i.test(data.model.manufacturer)
    ? 'myPTM'
    : /flowonix/i.test(data.model.manufacturer)
      ? 'PTC'
      : 'Patient device';
  return `${device}: ${formatDose(p.patientBolusDoseNg, unit, '')} per bolus, up to ${p.patientBolusMaxPerDay}/day`;
}

/** "00:00–07:00: 8 mcg/h", one line per flex step, then "12:00: bolus 25 mcg" per timed bolus (pump clock). */
export function programSchedule(
  program: Pick<NonNullable<CardContent['program']>, 'mode' | 'flexSteps' | 'periodicBoluses'>,
  unit: 'mcg' | 'mg',
): string[] {
  const steps = program.mode === 'flex' ? (program.flexSteps ?? []) : [];
  const lines = steps.map((step, i) => {
    const end = steps[i + 1]?.start ?? '24:00';
    return `${step.start}–${end}: ${formatDose(step.doseNgPerHour, unit, '/h')}`;
  });
  for (const b of program.periodicBoluses ?? []) lines.push(`${b.at}: bolus ${formatDose(b.doseNg, unit, '')}`);
  return lines;
}

/** What the page says when a pump cannot have a card: the reason, and whether it is a refusal or plain news. */
export type CardProblem = { problem: string; kind: 'refused' | 'no-active-pump' };

/** Null when the card cannot be printed (no active program or drug), with the reason for the page to show. */
export function cardView(data: CardContent): { view: CardView } | CardProblem {
  if (data.pump.status !== 'active') {
    const explanted = `The ${pumpLabel(data.model)} (serial ${data.pump.serial}) was explanted on ${cardDate(data.pump.explantedOn, 'an unrecorded date')}`;
    return data.activePump
      ? { problem: `${explanted}: print the card of the patient’s active pump (serial ${data.activePump.serial}).`, kind: 'refused' }
      : { problem: `${explanted}. ${noActivePumpLine}`, kind: 'no-active-pump' };
  }
  if (!data.program || !data.drug)
    return { problem: 'This pump has no active drug program: record one before printing a card.', kind: 'refused' };
  const { program, drug, model, forecast } = data;
  const unit = drug.doseUnit;
  const drugFacts = { name: drug.name, withdrawalRisk: drug.withdrawalRisk };
  const constantFlow = model.kind === 'constant-flow';
  const mri = mriText(model.mriRule);
  const due = cardDate(forecast?.refillDueOn);
  const backup = data.patient.backupOralPlan.trim();
  const isBaclofen = /baclofen/i.test(drug.name);
  // The documented backup plan shapes the withdrawal wording only for the drug it is a backup for (oral baclofen).
  const underdose = underdoseSigns(drugFacts, model, isBaclofen ? backup : '');

  return {
    view: {
      headline: headline(drugFacts),
      front: frontAction(drugFacts, data.clinic.phone24h),
      passedDate: passedDateLine(constantFlow),
      patientName: fullName(data.patient),
      dateOfBirth: cardDate(data.patient.dateOfBirth, 'not recorded'),
      mrn: data.patient.mrn,
      drugName: capitalised(drug.name),
      drugProduct: drug.product,
      drugLabel: drugLabel(capitalised(drug.name), drug.product),
      drugInSentence: drugLabel(drug.name.toLowerCase(), drug.product),
      concentration: formatConcentration(program.concentrationNgPerMl, unit),
      dailyDose: formatDose(program.doseNgPerDay, unit),
      mode: modeLabels[program.mode],
      schedule: programSchedule(program, unit),
      bolusDevice: bolusDevice(data, unit),
      pumpModel: pumpLabel(model),
      pumpModelNumber: model.modelNumber,
      serial: data.pump.serial,
      implanted: cardDate(data.pump.implantedOn, 'not recorded'),
      reservoir: formatUl(data.pump.reservoirUl),
      alarmVolume: formatUl(data.pump.alarmUl),
      constantFlow,
      lastRefill: cardDate(data.lastVisit?.performedOn, 'not recorded'),
      refillDue: due,
      alarmDate: cardDate(forecast?.lowReservoirAlarmOn),
      // A constant-flow pump has no alarm: the date is when it reaches the clinic's reserve volume.
      alarmDateLabel: constantFlow ? 'Reserve reached (no alarm)' : 'Low-reservoir alarm',
      emptyDate: cardDate(forecast?.emptyOn),
      clinicName: data.clinic.name,
      clinicPhone24h: data.clinic.phone24h,
      clinicOfficePhone: data.clinic.phoneOffice,
      clinicAddress: data.clinic.address,
      physician: data.physician?.name ?? 'not recorded',
      supportLine: supportLine(model.manufacturer, model.supportPhone),
      underdose,
      overdose: overdoseSigns(drugFacts, model),
      alarms: alarmText(model),
      mri: { ...mri, note: withoutCitations(model.mriNote) },
      catheterPort: model.hasCatheterAccessPort
        ? { card: catheterAccessPortCard, full: catheterAccessPortWarning }
        : null,
      backupOral:
        backup !== '' ? backup : isBaclofen ? 'No backup oral baclofen plan on file: call the clinic.' : null,
      allergies: data.patient.allergies.trim() || 'None recorded',
      allergiesRecorded: data.patient.allergies.trim() !== '',
      caregiver: caregiverLine(data.patient),
      risks: riskFlagsBlock(drugFacts, data.patient),
      printedOn: cardDate(data.today),
      programVersion: `program v${program.versionNo}`,
      validity: `Valid until the next refill (due ${due}).`,
      validUntilOn: forecast?.refillDueOn ?? null,
    },
  };
}
