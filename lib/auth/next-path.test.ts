import { describe, expect, it } from 'vitest';
import { safeNextPath } from './next-path';

describe('safeNextPath (the sign-in redirect)', () => {
  it('keeps a path of this app, with its query and fragment', () => {
    expect(safeNextPath('/patients/12?tab=visits#last')).toBe('/patients/12?tab=visits#last');
    expect(safeNextPath('/')).toBe('/');
    expect(safeNextPath('/appointments?date=2026-03-10')).toBe('/appointments?date=2026-03-10');
  });

  it('refuses the bypasses found in the penetration test and their relatives', () => {
    const attacks = [
      '/%5Cevil.example',
      '/%5cevil.example',
      '/%09/evil.example',
      '/%0a/evil.example',
      '/%00/evil.example',
      '//evil',
      '//evil.example/path',
      '/\\evil.example',
      '/\t/evil.example',
      '\\\\evil.example',
      'https://evil',
      'https://evil.example/patients',
      'http:evil.example',
      'javascript:alert(1)',
      '/%2F/evil.example',
      '/%2f%2fevil.example',
      'evil.example',
      ' /patients',
      '/%E0%A4%A',
    ];
    for (const next of attacks) expect(safeNextPath(next), next).toBeNull();
  });

  it('refuses nothing at all and absurdly long values', () => {
    expect(safeNextPath(undefined)).toBeNull();
    expect(safeNextPath('')).toBeNull();
    expect(safeNextPath(`/${'a'.repeat(3000)}`)).toBeNull();
  });
});
