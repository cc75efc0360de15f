/** The card's words must match the drug and the pump: the wrong warning on an emergency card is a hazard. */
import { describe, expect, it } from 'vitest';
import { pumpModelCatalog } from '@/db/catalog';
import { alarmText, headline, mriText, nameSizeStep, overdoseSigns, underdoseSigns, withoutCitations } from './wording';

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
  it('baclofen withdrawal: urgent, over 1–3 days, restore intrathecal delivery, oral baclofen not a substitute', () => {
    const block = underdoseSigns(baclofen);
    const text = [...block.actions, block.cardAction].join(' ');
    expect(text).toMatch(/1 (to|–) 3 days/);
    expect(text).toMatch(/fatal|death/);
    expect(text).toMatch(/intrathecal delivery restored/);
    expect(block.cardAction).toMatch(/Oral baclofen is NOT a reliable substitute/);
  });

  it('morphine overdose is treated as an opioid overdose', () => {
    expect(overdoseSigns(morphine).cardAction).toMatch(/opioid overdose/);
  });
});

describe('alarms and MRI follow the pump model', () => {
  const model = (number: string) => pumpModelCatalog.find((m) => m.modelNumber === number)!;

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
