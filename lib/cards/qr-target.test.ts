/** The QR code must never point where a phone outside the clinic cannot go (issue 15). */
import { describe, expect, it } from 'vitest';
import { unreachableReason } from './qr-target';

describe('unreachableReason', () => {
  it.each([
    'http://localhost:4104/emergency?c=0123456789abcdef01234567',
    'http://127.0.0.1:3000/emergency',
    'http://10.0.0.5/emergency',
    'http://172.20.1.1/emergency',
    'http://192.168.1.20:3000/emergency',
    'http://169.254.3.3/emergency',
    'http://100.64.0.1/emergency',
    'http://[::1]:3000/emergency',
    'http://[fd00::1]/emergency',
    'http://[fe80::1]/emergency',
    'http://pumpserver/emergency',
    'http://pumps.local/emergency',
    'http://app.localhost/emergency',
    'not a url',
  ])('refuses %s', (url) => {
    expect(unreachableReason(url)).toEqual(expect.any(String));
  });

  it.each(['https://pumps.example.org/emergency?c=0123456789abcdef01234567', 'http://203.0.113.7/emergency', 'http://172.32.0.1/x', 'https://[2001:db8::1]/x'])(
    'accepts the public address %s',
    (url) => {
      expect(unreachableReason(url)).toBeNull();
    },
  );
});
