/**
 * What the emergency card, the letter and the public emergency page say, in plain language for emergency
 * staff who have never seen an intrathecal pump. Pure: data in, text out.
 *
 * Clinical content follows the clinical reference (section E0: the intrathecal baclofen boxed warning; F1: the
 * manufacturer's emergency card and patient-facing overdose signs; F2: the card layout; C: alarms and MRI).
 * Nothing here cites a source on paper: the card must read at a glance.
 */

export type WithdrawalRisk = 'severe' | 'moderate' | 'low';
export type MriRule = 'interrogate-after' | 'empty-before' | 'no-effect-reported' | 'unknown';
export type { ProgramMode } from '@/lib/domain/vocabulary';
import type { ProgramMode } from '@/lib/domain/vocabulary';

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
      subtitle: 'Sudden loss of morphine causes opioid withdrawal and severe pain.',
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
  /** What to do, in order (letter and emergency page). */
  actions: string[];
  /** What to do, in one or two short sentences (wallet card). */
  cardAction: string;
}

/** Signs that the drug is no longer reaching the spine (pump empty, stopped, catheter problem). */
export function underdoseSigns(drug: DrugFacts): SignsBlock {
  const family = drugFamily(drug.name);
  if (family === 'baclofen') {
    return {
      heading: 'Baclofen withdrawal (pump empty, stopped or catheter problem)',
      shortHeading: 'Withdrawal',
      signs: [
        'return of stiffness and spasms, rigidity',
        'itching without a rash',
        'high fever',
        'confusion, altered mental state',
        'low blood pressure, tingling',
      ],
      actions: [
        'Emergency: it evolves over 1 to 3 days and can progress to rhabdomyolysis, multiple organ failure and death.',
        'It can look like sepsis, autonomic dysreflexia, malignant hyperthermia or neuroleptic malignant syndrome.',
        'Call the managing clinic now (24/7). The pump must be checked (interrogated) and intrathecal delivery restored.',
        'Oral baclofen is NOT a reliable substitute: it may not prevent or treat withdrawal.',
      ],
      cardAction:
        'Evolves over 1–3 days; can be fatal. Call the clinic now: the pump must be interrogated and intrathecal delivery restored. Oral baclofen is NOT a reliable substitute.',
    };
  }
  if (family === 'morphine') {
    return {
      heading: 'Opioid withdrawal (pump empty, stopped or catheter problem)',
      shortHeading: 'Withdrawal',
      signs: [
        'return of severe pain',
        'anxiety, agitation, sweating',
        'yawning, runny nose, goose bumps',
        'diarrhoea, cramps, fast heart rate',
      ],
      actions: [
        'Call the managing clinic now (24/7): the pump must be checked (interrogated) and refilled or restarted.',
      ],
      cardAction: 'Call the clinic now: the pump must be interrogated and refilled or restarted.',
    };
  }
  if (family === 'ziconotide') {
    return {
      heading: 'If the pump stops',
      shortHeading: 'Pump stopped',
      signs: ['return of pain (no withdrawal syndrome is known for ziconotide)'],
      actions: ['Call the managing clinic (24/7) to have the pump checked.'],
      cardAction: 'Call the clinic to have the pump checked.',
    };
  }
  return {
    heading: 'If the pump stops',
    shortHeading: 'Pump stopped',
    signs: ['return of the symptoms the pump treats'],
    actions: ['Call the managing clinic now (24/7): the pump must be checked (interrogated).'],
    cardAction: 'Call the clinic now: the pump must be interrogated.',
  };
}

/** Signs of too much drug (programming or refill error, drug injected into the wrong port or the pocket). */
export function overdoseSigns(drug: DrugFacts): SignsBlock {
  const family = drugFamily(drug.name);
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
        'Support as needed and call the managing clinic now: the pump can be stopped or reduced (no withdrawal).',
      ],
      cardAction: 'Call the clinic now: the pump can be stopped (no withdrawal).',
    };
  }
  const signs = [
    'drowsiness, lightheadedness',
    'slow or shallow breathing',
    'seizures',
    'loss of consciousness',
    'low body temperature',
  ];
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
        'Treat as an opioid overdose: support breathing; naloxone reverses morphine.',
        'Call the managing clinic now: the pump may need to be stopped.',
      ],
      cardAction:
        'Treat as opioid overdose (support breathing, naloxone); call the clinic: the pump may need to be stopped.',
    };
  }
  return {
    heading: `${capitalise(drug.name.toLowerCase())} overdose`,
    shortHeading: 'Overdose',
    signs,
    actions: [
      'Support breathing and circulation.',
      'Call the managing clinic now: the pump may need to be stopped or emptied.',
    ],
    cardAction: 'Support breathing; call the clinic now: the pump may need to be stopped.',
  };
}

export const modeLabels: Record<ProgramMode, string> = {
  simple: 'Simple continuous (same rate all day)',
  flex: 'Flex (rate varies over the day)',
  'constant-flow': 'Constant flow (fixed-rate pump)',
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
