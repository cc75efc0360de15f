/**
 * What the emergency card, the letter and the public emergency page say, in plain language for emergency
 * staff who have never seen an intrathecal pump. Pure: data in, text out.
 *
 * Clinical content follows the clinical reference (section E0: the intrathecal baclofen boxed warning; F1: the
 * manufacturer's emergency card and patient-facing overdose signs; F2: the card layout; C: alarms and MRI).
 * Nothing here cites a source on paper (the card must read at a glance); the comments cite reference.md's source
 * tags for every clinical sentence, and mark the ones the reference does not cover as needing clinician sign-off.
 */

export type WithdrawalRisk = 'severe' | 'moderate' | 'low';
export type MriRule = 'interrogate-after' | 'empty-before' | 'no-effect-reported' | 'unknown';
export type { ProgramMode } from '@/lib/domain/vocabulary';
import type { ProgramMode } from '@/lib/domain/vocabulary';
import { riskFlagLabels, type RiskFlags } from '@/lib/domain/risk';

export interface DrugFacts {
  /** Generic name as stored: 'baclofen', 'morphine', 'ziconotide', … */
  name: string;
  withdrawalRisk: WithdrawalRisk;
}

export interface ModelFacts {
  manufacturer: string;
  name: string;
  kind: 'programmable' | 'constant-flow';
  mriRule: MriRule;
  hasCatheterAccessPort: boolean | null;
}

type DrugFamily = 'baclofen' | 'morphine' | 'ziconotide' | 'other';

export function drugFamily(name: string): DrugFamily {
  const n = name.trim().toLowerCase();
  if (n.includes('baclofen')) return 'baclofen';
  if (n.includes('morphine')) return 'morphine';
  if (n.includes('ziconotide')) return 'ziconotide';
  return 'other';
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface Headline {
  /** The top line, in capitals on the card. */
  title: string;
  /** The one sentence that says why it matters. */
  subtitle: string;
}

/** The top of the card: "do not stop abruptly", worded for the drug (ziconotide has no withdrawal syndrome). */
export function headline(drug: DrugFacts): Headline {
  const family = drugFamily(drug.name);
  if (family === 'baclofen') {
    return {
      title: 'Implanted intrathecal baclofen pump: do not stop abruptly',
      subtitle: 'Sudden loss of baclofen can be life-threatening.',
    };
  }
  if (family === 'morphine') {
    return {
      title: 'Implanted intrathecal morphine pump: do not stop abruptly',
      subtitle: 'Sudden loss causes opioid withdrawal and severe pain.',
    };
  }
  if (family === 'ziconotide' || drug.withdrawalRisk === 'low') {
    return {
      title: `Implanted intrathecal ${drug.name.toLowerCase()} pump`,
      subtitle:
        family === 'ziconotide'
          ? 'Ziconotide has no known withdrawal syndrome; if the pump stops, pain returns.'
          : 'If the pump stops, symptoms return: contact the managing clinic.',
    };
  }
  return {
    title: `Implanted intrathecal ${drug.name.toLowerCase()} pump: do not stop abruptly`,
    subtitle: `Sudden loss of ${drug.name.toLowerCase()} can be dangerous.`,
  };
}

export interface SignsBlock {
  heading: string;
  /** The one-word label on the wallet card. */
  shortHeading: string;
  signs: string[];
  /** The signs in the fewest words, for the wallet card (the letter has the full list). */
  cardSigns?: string[];
  /** What to do, in order (letter and emergency page). */
  actions: string[];
  /** What to do, in one or two short sentences (wallet card). */
  cardAction: string;
}

/**
 * What the pump model allows: a programmable pump is read ("interrogated") and stopped with its programmer; a
 * constant-flow pump (Codman 3000, IsoMed) has no electronics, so it cannot be interrogated or stopped and delivery
 * ends only when its reservoir is emptied through the skin (reference C, B6: S46, S47, S7).
 */
export interface PumpAbilities {
  /** "the pump must be …" when delivery may have failed. */
  check: string;
  /** How delivery is stopped in an overdose. */
  stop: string;
  /** The same two, in the few words the wallet card has room for. */
  checkShort: string;
  stopShort: string;
}

export function pumpAbilities(model: Pick<ModelFacts, 'kind'>): PumpAbilities {
  if (model.kind === 'constant-flow') {
    return {
      check:
        'This constant-flow pump has no electronics: it cannot be interrogated or reprogrammed. The clinic checks the reservoir volume by emptying and measuring it, and refills it.',
      stop: 'It cannot be stopped or slowed: delivery ends only when trained staff empty the reservoir through the skin.',
      checkShort: 'reservoir checked and refilled (no interrogation)',
      stopShort: 'empty the reservoir (it cannot be stopped)',
    };
  }
  return {
    check: 'The pump must be interrogated with its programmer (clinic or manufacturer) and the reservoir volume checked.',
    stop: 'The clinic or the manufacturer can stop the pump with its programmer and empty the reservoir if needed.',
    checkShort: 'the pump interrogated',
    stopShort: 'stop the pump',
  };
}

/**
 * A plain X-ray shows the pump and the whole catheter: kink, break, disconnection or migration (reference F1:
 * the manufacturer's emergency card lists "radiologic exam of pump/catheter" [S94]).
 */
export const xRayLine = 'A plain X-ray shows the pump and the catheter (kink, break, disconnection).';

const HOURS_TO_DAYS = 'can be fatal within 1–3 days';

/** Signs that the drug is no longer reaching the spine (pump empty, stopped, catheter problem). */
export function underdoseSigns(
  drug: DrugFacts,
  model: Pick<ModelFacts, 'kind'> = { kind: 'programmable' },
  backupPlan = '',
): SignsBlock {
  const family = drugFamily(drug.name);
  const can = pumpAbilities(model);
  const hasBackup = backupPlan.trim() !== '';
  if (family === 'baclofen') {
    return {
      heading: 'Baclofen withdrawal (pump empty, stopped or catheter problem)',
      shortHeading: 'Withdrawal',
      // Early and late signs: S94, S92, S95 (reference E-AE and F1).
      signs: [
        'return of stiffness and spasms, rigidity',
        'itching without a rash',
        'high fever',
        'confusion, altered mental state',
        'low blood pressure, tingling',
      ],
      cardSigns: ['spasms, rigidity', 'itching without a rash', 'high fever', 'confusion', 'low blood pressure'],
      actions: [
        // 1–3 days: Coffey 2002 [S91]; 24–72 h to rhabdomyolysis, organ failure, death [S92]; boxed warning [S1][S2].
        'Emergency: it evolves over 1 to 3 days and can progress within 24–72 hours to rhabdomyolysis, multiple organ failure and death.',
        // Differential diagnosis from the manufacturer's emergency card [S94].
        'It can look like sepsis, autonomic dysreflexia, malignant hyperthermia or neuroleptic malignant syndrome.',
        // "restore ITB delivery" (reference E-AE management); device troubleshooting steps [S94].
        `Restore intrathecal delivery: call the managing clinic now (24/7). ${can.check} ${xRayLine}`,
        // High-dose benzodiazepines and supportive care (reference E-AE management [S17]).
        'Until delivery is restored: high-dose benzodiazepines and supportive care.',
        // Saulino 2016 [S17]: previous oral schedule in short withdrawal, 10–20 mg every 6 h in longer withdrawal.
        hasBackup
          ? `Oral baclofen as a bridge: the patient’s documented backup plan is “${backupPlan.trim()}”. In longer withdrawal 10–20 mg every 6 hours can be used.`
          : 'Oral baclofen as a bridge: the previous oral dose in withdrawal of short duration, 10–20 mg every 6 hours in longer withdrawal.',
        // Mohammed 2004 [S101]: oral replacement may not prevent or treat withdrawal.
        'Oral baclofen alone may not prevent or treat intrathecal withdrawal: give it while intrathecal delivery is restored, never instead.',
        // Meythaler 2003 [S96].
        'Cyproheptadine can be added as an adjunct.',
      ],
      cardAction: `Can be fatal in 1–3 days. Restore intrathecal delivery: call the clinic (${can.checkShort}; X-ray shows pump and catheter). Meanwhile high-dose benzodiazepines${hasBackup ? ' + backup oral baclofen below' : ' + oral baclofen 10–20 mg every 6 h'} (oral alone may not be enough).`,
    };
  }
  if (family === 'morphine') {
    return {
      heading: 'Opioid withdrawal (pump empty, stopped or catheter problem)',
      shortHeading: 'Withdrawal',
      // Opioid withdrawal on interruption [S89]; the sign list is general opioid-withdrawal knowledge (sign-off).
      signs: [
        'return of severe pain',
        'anxiety, agitation, sweating',
        'yawning, runny nose, goose bumps',
        'diarrhoea, cramps, fast heart rate',
      ],
      actions: [
        `Call the managing clinic now (24/7): intrathecal delivery must be restored. ${can.check} ${xRayLine}`,
        // INFERENCE (not in the reference): systemic opioids bridge pain and withdrawal. Needs clinician sign-off.
        'Until delivery is restored: treat pain and opioid withdrawal with systemic opioids, titrated and monitored (intrathecal doses are far smaller than systemic ones: do not convert 1:1).',
      ],
      cardAction: `Call the clinic now: delivery must be restored (${can.checkShort}); X-ray shows pump and catheter. Meanwhile treat pain and withdrawal with systemic opioids.`,
    };
  }
  if (family === 'ziconotide') {
    return {
      heading: 'If the pump stops',
      shortHeading: 'Pump stopped',
      // No withdrawal syndrome: older Prialt labelling [S108].
      signs: ['return of pain (no withdrawal syndrome is known for ziconotide)'],
      actions: [
        `Call the managing clinic (24/7) to have the pump checked. ${can.check} ${xRayLine}`,
        'Treat the pain; stopping ziconotide causes no withdrawal syndrome.',
      ],
      cardAction: `No withdrawal syndrome; pain returns. Call the clinic: ${can.checkShort}.`,
    };
  }
  return {
    heading: 'If the pump stops',
    shortHeading: 'Pump stopped',
    signs: ['return of the symptoms the pump treats'],
    actions: [`Call the managing clinic now (24/7). ${can.check} ${xRayLine}`],
    cardAction: `Call the clinic now: ${can.checkShort}.`,
  };
}

/** Signs of too much drug (programming or refill error, drug injected into the wrong port or the pocket). */
export function overdoseSigns(
  drug: DrugFacts,
  model: Pick<ModelFacts, 'kind'> = { kind: 'programmable' },
): SignsBlock {
  const family = drugFamily(drug.name);
  const can = pumpAbilities(model);
  // A refill into the pocket or the catheter access port is the classic fatal overdose (reference E-AE: 11 of 14
  // deaths [S42]; D: CAP injection [S3][S15]).
  const cause = 'Ask whether the pump was refilled recently: drug injected into the pocket or the side port.';
  if (family === 'ziconotide') {
    return {
      heading: 'Ziconotide overdose or side effects',
      shortHeading: 'Overdose',
      signs: [
        'confusion, hallucinations, severe mood change',
        'drowsiness, unresponsiveness',
        'dizziness, unsteady walking',
      ],
      actions: [
        // INFERENCE: no antidote is named in the reference (S84 covers overdose and the CSF half-life). Sign-off.
        'There is no antidote: give supportive care (airway, breathing, circulation).',
        // Can be stopped abruptly without withdrawal [S108]; CSF half-life 4.6 h [S84] (reference D).
        `${can.stop} Ziconotide can be stopped at once (no withdrawal); its half-life in the spinal fluid is about 4.6 hours.`,
        cause,
      ],
      cardAction: `No antidote: supportive care. Call the clinic now to ${can.stopShort} (no withdrawal).`,
    };
  }
  if (family === 'morphine') {
    return {
      heading: 'Morphine overdose',
      shortHeading: 'Overdose',
      signs: [
        'drowsiness, unresponsiveness',
        'slow or shallow breathing',
        'pinpoint pupils',
        'low blood pressure',
      ],
      actions: [
        // Naloxone reverses morphine: standard opioid-overdose care, not in the reference. Sign-off.
        'Treat as an opioid overdose: support breathing; naloxone reverses morphine. The pump keeps delivering: watch for recurrence and repeat or infuse naloxone as needed.',
        `Call the managing clinic now. ${can.stop}`,
        cause,
      ],
      cardAction: `Treat as opioid overdose: support breathing, naloxone (repeat: the pump keeps delivering). Call the clinic to ${can.stopShort}.`,
    };
  }
  const baclofen = family === 'baclofen';
  return {
    heading: `${capitalise(drug.name.toLowerCase())} overdose`,
    shortHeading: 'Overdose',
    // Patient-facing overdose signs [S95] (reference F1).
    signs: [
      'drowsiness, lightheadedness',
      'slow or shallow breathing',
      'seizures',
      'loss of consciousness',
      'low body temperature',
    ],
    actions: [
      // No antidote for baclofen: not stated in the reference. Needs clinician sign-off.
      baclofen
        ? 'There is no antidote for baclofen: support airway and breathing (ventilate if needed) and circulation; treat seizures.'
        : 'Support airway, breathing and circulation.',
      `Call the managing clinic now. ${can.stop}`,
      cause,
    ],
    cardAction: baclofen
      ? `No antidote: support airway and breathing. Call the clinic to ${can.stopShort}.`
      : `Support breathing. Call the clinic now to ${can.stopShort}.`,
  };
}

/**
 * The front of the card, in its largest type: the danger and the action (issue 15). The wording of the danger is
 * the drug's (baclofen: boxed warning [S1][S2], 1–3 days [S91]); the action is the same for every pump.
 */
export function frontAction(drug: DrugFacts, phone24h: string): { danger: string; action: string } {
  const family = drugFamily(drug.name);
  const danger =
    family === 'baclofen'
      ? `Withdrawal ${HOURS_TO_DAYS}.`
      : family === 'morphine'
        ? 'Sudden loss causes opioid withdrawal and severe pain.'
        : family === 'ziconotide'
          ? 'Too much causes confusion or hallucinations.'
          : 'If the pump stops, symptoms return.';
  return { danger, action: `Call ${phone24h} (24/7) and go to an emergency department.` };
}

/** What a passed date on the front means (the patient may still carry an old card). */
export function passedDateLine(constantFlow: boolean): string {
  return constantFlow
    ? 'Date passed? The pump may be empty: emergency.'
    : 'Alarm or refill date passed? The pump may be empty: emergency.';
}

/**
 * The manufacturer's 24 h line when the reference gives one (Medtronic clinician technical support 800-707-0933
 * [S94]); otherwise say plainly that there is none on file and point to the clinic, which has the device records.
 */
export function supportLine(manufacturer: string, supportPhone: string | null): string {
  if (supportPhone) return supportPhone;
  return `${manufacturer}: no 24 h number on file`;
}

export const modeLabels: Record<ProgramMode, string> = {
  simple: 'Simple continuous',
  flex: 'Flex (rate varies over the day)',
  'constant-flow': 'Constant flow (fixed rate)',
};

export interface AlarmText {
  /** The wallet card's line. */
  summary: string;
  lines: string[];
}

/** What the pump's alarm sounds mean. SynchroMed: two-tone critical, single tone non-critical; constant flow: none. */
export function alarmText(model: Pick<ModelFacts, 'kind' | 'name' | 'manufacturer'>): AlarmText {
  if (model.kind === 'constant-flow') {
    return {
      summary: 'This pump has NO alarm: it runs empty without warning.',
      lines: [
        'This pump has NO alarm: it gives no warning before it runs empty. The refill due date is the only protection.',
      ],
    };
  }
  if (/synchromed/i.test(model.name)) {
    return {
      summary:
        'TWO-TONE = critical (empty or stopped): call the clinic NOW. Single tone = low reservoir or battery: call today.',
      lines: [
        'TWO-TONE alarm (critical): the pump is empty or has stopped. Call the managing clinic immediately.',
        'SINGLE-TONE alarm (non-critical, repeats about hourly): reservoir low or battery near replacement. Call the clinic the same day.',
      ],
    };
  }
  return {
    summary: 'Any pump alarm: call the clinic now.',
    lines: ['Any alarm from the pump: call the managing clinic now; the pump must be checked.'],
  };
}

/** The pump's MRI rule, in the words a radiology department acts on. */
export function mriText(rule: MriRule): { short: string; emphasis: boolean } {
  switch (rule) {
    case 'interrogate-after':
      return {
        short:
          'The magnet stops the pump during the scan. The pump must be checked (interrogated) right after every MRI.',
        emphasis: false,
      };
    case 'empty-before':
      return {
        short:
          'The pump MUST BE EMPTIED BEFORE any MRI (the magnet can dump the drug: fatal overdose). Contact the clinic first.',
        emphasis: true,
      };
    case 'no-effect-reported':
      return {
        short:
          'No effect on this pump reported at 1.5 T. Check the manufacturer labelling and tell the clinic.',
        emphasis: false,
      };
    default:
      return {
        short: 'Conditions not known for this pump. Contact the managing clinic BEFORE any MRI.',
        emphasis: true,
      };
  }
}

export const catheterAccessPortCard =
  'NEVER inject refill drug into the side port (it goes straight to the spine): fatal overdose.';

export const catheterAccessPortWarning =
  'This pump has a catheter access port (side port) leading straight to the spinal catheter. NEVER inject refill drug into it: fatal overdose. Refills only through the central reservoir port, by trained staff.';

export interface RiskFlagsBlock {
  /** The letter's heading. */
  heading: string;
  /** The card's tag before the flags. */
  shortHeading: string;
  /** The card's tag when the flags do not fit at the minimum size: "High-risk patient ▸ see letter." */
  cardSeeLetter: string;
  items: string[];
}

/**
 * The patient's risk flags, for the card and the letter. For intrathecal baclofen the first three are the boxed
 * warning's "special attention" list (reference E0 and E13: SCI at T6 or above, communication difficulty, prior
 * withdrawal [S1][S2]): these patients are the ones in whom withdrawal is missed or hardest to survive. Hearing
 * impairment is on the record because the pump's alarm may go unheard (reference G2). The labels are
 * lib/domain/risk.ts's, the one home of what each flag means.
 */
export function riskFlagsBlock(
  drug: DrugFacts,
  flags: RiskFlags,
): RiskFlagsBlock | null {
  const items = (Object.keys(riskFlagLabels) as (keyof RiskFlags)[])
    .filter((key) => flags[key])
    .map((key) => riskFlagLabels[key]);
  if (items.length === 0) return null;
  const special = flags.riskInjuryT6OrAbove || flags.riskCommunication || flags.riskPriorWithdrawal;
  return drugFamily(drug.name) === 'baclofen' && special
    ? // "Special attention" to these patients: boxed warning [S1][S2] (reference E0).
      {
        heading: 'High-risk patient: special attention to withdrawal',
        shortHeading: 'High risk',
        cardSeeLetter: 'High-risk patient',
        items,
      }
    : { heading: 'Risk flags on record', shortHeading: 'Risk', cardSeeLetter: 'Risk flags', items };
}

/**
 * What the card page says for a patient whose only pump was explanted: there is no pump to put on a card. Not a
 * clinical statement; an old card the patient still carries describes a pump that is gone.
 */
export const noActivePumpLine =
  'The patient has no active pump, so there is no emergency pump card to print. A card the patient still carries describes the explanted pump: ask for it back.';

/**
 * The transfer record's closing note (issue 17, item 3). The receiving clinic interrogates the pump and compares
 * it with the record, as at every visit (reference G1 step 2: interrogate dose, concentration, mode, reservoir
 * volume, alarms [S9][S10][S17]); a constant-flow pump has no electronics, so its reservoir is measured when it is
 * emptied at the refill (reference B6, C [S46][S47]). Needs clinician sign-off as a sentence for another clinic.
 */
export function transferRecordNote(hasConstantFlow: boolean): string {
  return `This record shows what this clinic recorded. Before relying on it, interrogate the pump with its programmer and compare dose, concentration, mode and reservoir volume with this record${hasConstantFlow ? ' (a constant-flow pump cannot be interrogated: its reservoir is measured when it is emptied at the refill)' : ''}.`;
}

/** Drops citation tags like "(reference.md S64, S66)" from a catalogue note before it goes on paper. */
export function withoutCitations(note: string | null | undefined): string {
  if (!note) return '';
  return note
    .replace(/\s*\((?:reference\.md|S\d)[^)]*\)/g, '')
    .replace(/\s*\[S\d[^\]]*\]/g, '')
    .trim();
}

/** Font-size step for a name on a card: long names get smaller and wrap, never clipped. */
export function nameSizeStep(name: string): 'l' | 'm' | 's' | 'xs' {
  const n = name.length;
  if (n <= 26) return 'l';
  if (n <= 40) return 'm';
  if (n <= 64) return 's';
  return 'xs';
}

/** Same idea for shorter fields (drug products, serials, physician and clinic names). */
export function textSizeStep(text: string, comfortable: number): 'm' | 's' | 'xs' {
  if (text.length <= comfortable) return 'm';
  if (text.length <= comfortable * 1.6) return 's';
  return 'xs';
}
