import { describe, expect, it } from 'vitest';
import { passwordWeakness, personalWords } from './password-strength';

describe('passwordWeakness', () => {
  it('refuses the passwords the penetration test got accepted, and other common shapes', () => {
    for (const weak of ['aaaaaaaaaaaa', 'password1234', 'qwertyuiop12', '123456789012', 'Password123!', 'letmein12345'])
      expect(passwordWeakness(weak), weak).toMatch(/too easy to guess/);
  });

  it('refuses a password built from the person\u2019s own name', () => {
    // Strong for a stranger, weak for a colleague who knows the name.
    expect(passwordWeakness('Zyxwarblek2026')).toBeNull();
    expect(passwordWeakness('Zyxwarblek2026', personalWords('Tamsin Zyxwarblek', 'tamsin.z@clinic.example'))).toMatch(/too easy to guess/);
  });

  it('accepts a passphrase of uncommon words', () => {
    expect(passwordWeakness('Quiet-Harbor-Lantern-42')).toBeNull();
    expect(passwordWeakness('correct horse battery staple')).toBeNull();
  });

  it('names the length limits', () => {
    expect(passwordWeakness('Xy7#kq')).toBe('must be at least 12 characters');
    expect(passwordWeakness('a'.repeat(129))).toBe('must be at most 128 characters');
  });
});
