import { describe, expect, it } from 'vitest';
import { fullName, sortableName } from './names';

describe('fullName: the patient’s own name order', () => {
  it('writes a given-first name given name first', () => {
    expect(fullName({ givenName: 'Anna', familyName: 'Schmidt', nameOrder: 'given-first' })).toBe('Anna Schmidt');
  });

  it('writes a Chinese family-first name family first, without a space (regression: “秀英 王”)', () => {
    expect(fullName({ givenName: '秀英', familyName: '王', nameOrder: 'family-first' })).toBe('王秀英');
  });

  it('keeps the space of a family-first name in Latin letters (Vietnamese, Hungarian)', () => {
    expect(fullName({ givenName: 'Van An', familyName: 'Nguyen', nameOrder: 'family-first' })).toBe('Nguyen Van An');
  });

  it('keeps the space when only one part is CJK', () => {
    expect(fullName({ givenName: 'Mei', familyName: '王', nameOrder: 'family-first' })).toBe('王 Mei');
  });

  it('writes an Arabic name in its logical order; the browser lays it out right to left', () => {
    expect(fullName({ givenName: 'فاطمة', familyName: 'الزهراء', nameOrder: 'given-first' })).toBe('فاطمة الزهراء');
  });

  it('trims, and prints one part alone when the other is blank', () => {
    expect(fullName({ givenName: '  Anna ', familyName: ' ', nameOrder: 'family-first' })).toBe('Anna');
  });
});

describe('sortableName', () => {
  it('is family, given whatever the display order', () => {
    expect(sortableName({ givenName: '秀英', familyName: '王' })).toBe('王, 秀英');
    expect(sortableName({ givenName: 'Anna', familyName: 'Schmidt' })).toBe('Schmidt, Anna');
  });
});
