/** The fingerprint is what "current" means for a printed card: every printed field, not the printed-on date. */
import { describe, expect, it } from 'vitest';
import { cardFingerprint } from './fingerprint';
import type { CardView } from './view';

const view = {
  patientName: 'Maria Alvarez',
  allergies: 'None recorded',
  printedOn: '10 Mar 2026',
  underdose: { signs: ['a', 'b'] },
} as unknown as CardView;

describe('cardFingerprint', () => {
  it('is a SHA-256 hex digest that ignores key order and the printed-on date', () => {
    const again = { underdose: { signs: ['a', 'b'] }, printedOn: '11 Mar 2026', allergies: 'None recorded', patientName: 'Maria Alvarez' } as unknown as CardView;
    expect(cardFingerprint(view)).toMatch(/^[0-9a-f]{64}$/);
    expect(cardFingerprint(again)).toBe(cardFingerprint(view));
  });

  it('changes with any printed field, nested lists included', () => {
    expect(cardFingerprint({ ...view, allergies: 'Latex' })).not.toBe(cardFingerprint(view));
    expect(cardFingerprint({ ...view, underdose: { signs: ['b', 'a'] } } as unknown as CardView)).not.toBe(cardFingerprint(view));
  });
});
