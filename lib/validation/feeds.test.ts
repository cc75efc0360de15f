import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { feedLinkSchema, feedPath, feedTokenFromSegment, handoffSchema, rotateFeedSchema } from './feeds';

const token = crypto.randomBytes(32).toString('base64url');

describe('feedTokenFromSegment', () => {
  it('strips the .ics suffix of a well-formed address', () => {
    expect(token).toHaveLength(43);
    expect(feedTokenFromSegment(`${token}.ics`)).toBe(token);
    expect(feedTokenFromSegment(`${'-_'.repeat(21)}a.ics`)).toBe(`${'-_'.repeat(21)}a`);
  });

  it.each([
    ['no suffix', token],
    ['upper-case suffix', `${token}.ICS`],
    ['double suffix', `${token}.ics.ics`],
    ['too short', `${token.slice(1)}.ics`],
    ['too long', `${token}A.ics`],
    ['padding', `${token.slice(0, 42)}=.ics`],
    ['base64 +', `${token.slice(0, 42)}+.ics`],
    ['slash', `${token.slice(0, 42)}/.ics`],
    ['percent-encoding', `${token.slice(0, 40)}%2F.ics`],
    ['whitespace', ` ${token}.ics`],
    ['empty', '.ics'],
    ['nothing', ''],
  ])('refuses %s', (_, segment) => {
    expect(feedTokenFromSegment(segment)).toBeNull();
  });

  it('refuses a missing segment', () => {
    expect(feedTokenFromSegment(undefined)).toBeNull();
  });
});

describe('feedPath', () => {
  it('builds the patient and clinic addresses', () => {
    expect(feedPath('patient', token)).toBe(`/feeds/patients/${token}.ics`);
    expect(feedPath('clinic', token)).toBe(`/feeds/clinics/${token}.ics`);
  });
});

describe('rotateFeedSchema', () => {
  it('takes the id of the shown link, or null', () => {
    expect(rotateFeedSchema.parse({ replaces: null })).toEqual({ replaces: null });
    expect(rotateFeedSchema.parse({ replaces: 12 })).toEqual({ replaces: 12 });
  });

  it('says what is allowed', () => {
    const message = (input: unknown) => rotateFeedSchema.safeParse(input).error?.issues[0]?.message;
    expect(message({})).toMatch(/replaces must be the id of the calendar link shown on the page, or null/);
    expect(message({ replaces: 'x' })).toMatch(/replaces must be the id/);
    expect(message({ replaces: 0 })).toBe('replaces must be a positive id');
    expect(message({ replaces: 2.5 })).toBe('replaces must be a whole number');
  });
});

describe('the handout hand-off', () => {
  const link = {
    url: `https://pumps.example.org/feeds/patients/${token}.ics`,
    webcalUrl: `webcal://pumps.example.org/feeds/patients/${token}.ics`,
    qrSvgDataUrl: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
  };

  it('accepts what the API returns', () => {
    expect(feedLinkSchema.parse(link)).toEqual(link);
    expect(handoffSchema.parse({ ...link, patientId: 3, issuedAt: 1 })).toMatchObject({ patientId: 3 });
  });

  it('refuses script URLs and other image types, so nothing odd from storage reaches the page', () => {
    expect(feedLinkSchema.safeParse({ ...link, url: 'javascript:alert(1)' }).success).toBe(false);
    expect(feedLinkSchema.safeParse({ ...link, webcalUrl: 'javascript://x' }).success).toBe(false);
    expect(feedLinkSchema.safeParse({ ...link, qrSvgDataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }).success).toBe(false);
    expect(feedLinkSchema.safeParse({ ...link, qrSvgDataUrl: 'https://evil.example/qr.svg' }).success).toBe(false);
  });
});
