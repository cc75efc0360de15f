import { describe, expect, it } from 'vitest';
import { addressSignInAllowance, SIGN_INS_PER_ADDRESS_PER_MINUTE } from './throttle';

describe('the per-address sign-in limit', () => {
  it('allows 90 sign-ins a minute from one address and refuses the next, saying how long to wait', () => {
    const t0 = 1_000_000_000_000;
    for (let i = 0; i < SIGN_INS_PER_ADDRESS_PER_MINUTE; i++) expect(addressSignInAllowance('203.0.113.1', t0 + i * 100)).toBeNull();
    expect(addressSignInAllowance('203.0.113.1', t0 + 20_000)).toBe(40);
    // Another address has its own allowance.
    expect(addressSignInAllowance('203.0.113.2', t0 + 20_000)).toBeNull();
  });

  it('starts again a minute after the window opened, even when the address never went quiet', () => {
    const t0 = 2_000_000_000_000;
    // A steady clinic: one sign-in every half second for three minutes, from one NAT address.
    const refused: number[] = [];
    for (let t = 0; t < 180_000; t += 500) if (addressSignInAllowance('198.51.100.7', t0 + t) !== null) refused.push(t);
    // 120 a minute asked, 90 allowed: refusals only at the end of each minute, never for the rest of the run.
    expect(refused.length).toBe(3 * (120 - SIGN_INS_PER_ADDRESS_PER_MINUTE));
    expect(addressSignInAllowance('198.51.100.7', t0 + 180_000)).toBeNull();
  });
});
