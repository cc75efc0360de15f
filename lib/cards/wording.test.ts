/** The card's words must match the drug and the pump: the wrong warning on an emergency card is a hazard. */
import { describe, expect, it } from 'vitest';
import { pumpModelCatalog } from '@/db/catalog';
import {
  alarmText,
  frontAction,
  headline,
  mriText,
  nameSizeStep,
  overdoseSigns,
  pumpAbilities,
  supportLine,
  underdoseSigns,
  withoutCitations,
} from './wording';

const baclofen = { name: 'baclofen', withdrawalRisk: 'severe' as const };
const morphine = { name: 'morphine', withdrawalRisk: 'moderate' as const };
const ziconotide = { name: 'ziconotide', withdrawalRisk: 'low' as const };

describe('headline', () => {
  it('warns against stopping baclofen abruptly and says why', () => {
    expect(headline(baclofen)).toEqual({
      title: 'Implanted intrathecal baclofen pump: do not stop abruptly',
      subtitle: 'Sudden loss of baclofen can be life-threatening.',
    });
  });

  it('words morphine for opioid withdrawal', () => {
    expect(headline(morphine).title).toMatch(/morphine pump: do not stop abruptly/);
    expect(headline(morphine).subtitle).toMatch(/opioid withdrawal/);
  });

  it('never claims a withdrawal syndrome for ziconotide', () => {
    const h = headline(ziconotide);
    expect(h.title).not.toMatch(/abruptly/i);
    expect(h.subtitle).toMatch(/no known withdrawal syndrome/);
    expect(underdoseSigns(ziconotide).heading).not.toMatch(/withdrawal/i);
    expect(overdoseSigns(ziconotide).cardAction).toMatch(/no withdrawal/);
  });
});

describe('what to do', () => {
  it('baclofen withdrawal: urgent, over 1–3 days, restore intrathecal delivery, oral baclofen as a bridge only', () => {
    const block = underdoseSigns(baclofen);
    const text = [...block.actions, block.cardAction].join(' ');
    expect(text).toMatch(/1 (to|–) 3 days/);
    expect(text).toMatch(/fatal|death/);
    expect(text).toMatch(/Restore intrathecal delivery/);
    // Reference E-AE: high-dose benzodiazepines; oral baclofen 10–20 mg every 6 h (S17); cyproheptadine (S96).
    expect(text).toMatch(/high-dose benzodiazepines/);
    expect(text).toMatch(/10–20 mg every 6 hours/);
    expect(text).toMatch(/Cyproheptadine/);
    expect(text).toMatch(/may not prevent or treat intrathecal withdrawal/);
    expect(block.cardAction).toMatch(/high-dose benzodiazepines/);
    expect(block.cardAction).toMatch(/X-ray shows pump and catheter/);
  });

  it('never tells the physician oral baclofen is no substitute beside the patient’s backup plan (issue 15)', () => {
    const plan = 'Oral baclofen 20 mg every 6 hours until seen';
    const block = underdoseSigns(baclofen, { kind: 'programmable' }, plan);
    const text = [...block.actions, block.cardAction].join(' ');
    expect(text).not.toMatch(/not a reliable substitute/i);
    expect(text).toContain(`documented backup plan is “${plan}”`);
    expect(block.cardAction).toMatch(/backup oral baclofen below/);
    expect(underdoseSigns(baclofen).cardAction).toMatch(/oral baclofen 10–20 mg every 6 h/);
  });

  it('overdose: no antidote for baclofen or ziconotide, naloxone for morphine; each says how to stop delivery', () => {
    expect(overdoseSigns(baclofen).actions.join(' ')).toMatch(/no antidote for baclofen.*airway and breathing/i);
    expect(overdoseSigns(baclofen).cardAction).toMatch(/No antidote.*stop the pump/);
    expect(overdoseSigns(morphine).actions.join(' ')).toMatch(/naloxone reverses morphine/);
    expect(overdoseSigns(morphine).cardAction).toMatch(/naloxone/);
    expect(overdoseSigns(ziconotide).actions.join(' ')).toMatch(/no antidote/i);
    expect(overdoseSigns(ziconotide).actions.join(' ')).toMatch(/4\.6 hours/);
  });

  it('the front leads with the action: the 24/7 number and the emergency department', () => {
    expect(frontAction(baclofen, '+1 555 010 0247')).toEqual({
      danger: 'Withdrawal can be fatal within 1–3 days.',
      action: 'Call +1 555 010 0247 (24/7) and go to an emergency department.',
    });
    expect(frontAction(ziconotide, 'x').danger).not.toMatch(/withdrawal/i);
  });

  it('a manufacturer without a number on file points to the clinic instead of printing a dead end', () => {
    expect(supportLine('Medtronic', 'Medtronic clinician technical support (US) 800-707-0933')).toMatch(/800-707-0933/);
    expect(supportLine('Flowonix', null)).toBe('Flowonix: no 24 h number on file');
  });

  it('morphine overdose is treated as an opioid overdose', () => {
    expect(overdoseSigns(morphine).cardAction).toMatch(/opioid overdose/);
  });
});

describe('alarms and MRI follow the pump model', () => {
  const model = (number: string) => pumpModelCatalog.find((m) => m.modelNumber === number)!;

  it('a constant-flow pump (Codman 3000) is never "interrogated" or "stopped": its reservoir is emptied', () => {
    const codman = { kind: model('3000').kind };
    for (const drug of [baclofen, morphine, ziconotide]) {
      const words = [underdoseSigns(drug, codman), overdoseSigns(drug, codman)]
        .flatMap((b) => [...b.actions, b.cardAction])
        .join(' ');
      expect(words).not.toMatch(/must be interrogated|the pump interrogated|to stop the pump|can stop the pump/i);
      expect(words).toMatch(/empty the reservoir|empty the reservoir|emptying/i);
    }
    expect(pumpAbilities(codman).stop).toMatch(/cannot be stopped/);
    expect(pumpAbilities({ kind: 'programmable' }).check).toMatch(/interrogated/);
  });

  it('SynchroMed: two-tone is critical, single tone is not', () => {
    const text = alarmText(model('8637-40'));
    expect(text.summary).toMatch(/TWO-TONE = critical.*NOW.*Single tone/);
    expect(text.lines).toHaveLength(2);
  });

  it('a constant-flow pump has no alarm, and says so', () => {
    expect(alarmText(model('3000')).summary).toMatch(/NO alarm/);
  });

  it('Prometra must be emptied before MRI; SynchroMed is interrogated after', () => {
    expect(mriText(model('13827').mriRule!)).toMatchObject({ emphasis: true, short: expect.stringMatching(/EMPTIED BEFORE/) });
    expect(mriText(model('8637-20').mriRule!).short).toMatch(/interrogated\) right after every MRI/);
    expect(mriText('unknown').short).toMatch(/BEFORE any MRI/);
  });

  it('catalogue notes go on paper without internal citations', () => {
    expect(withoutCitations(model('8637-20').mriNote)).toBe(
      'MR conditional. The magnet stops the pump motor during the scan; recovery can be delayed. Interrogate the pump after every MRI.',
    );
    expect(withoutCitations('Empty it first [S25].')).toBe('Empty it first.');
  });
});

describe('name sizes', () => {
  it('steps down for long names instead of clipping them', () => {
    expect(nameSizeStep('Frank Miller')).toBe('l');
    expect(nameSizeStep('Maximiliana Alexandrina Featherstonehaugh-Montgomery-Wolfeschlegelsteinhausen')).toBe('xs');
  });
});
