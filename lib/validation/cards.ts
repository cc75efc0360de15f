/** Inputs of the emergency card and letter: the print record (JSON API) and the print pages' query strings. */
import { z } from 'zod';

export const cardKinds = ['card', 'letter'] as const;
export type CardKind = (typeof cardKinds)[number];

export const letterSizes = ['a4', 'letter'] as const;
export type LetterSize = (typeof letterSizes)[number];

const id = (label: string) =>
  z
    .number({ message: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .positive(`${label} must be a positive id`)
    .max(Number.MAX_SAFE_INTEGER, `${label} is too large`);

/** POST /api/v1/patients/{id}/card-prints */
export const cardPrintBody = z.strictObject(
  {
    pumpId: id('Pump'),
    kind: z.enum(cardKinds, { message: 'Kind must be "card" or "letter"' }),
    fingerprint: z
      .string({ message: 'Fingerprint is required: the print page sends the fingerprint of what it printed' })
      .regex(/^[0-9a-f]{64}$/, 'Fingerprint must be 64 lowercase hexadecimal characters (SHA-256)'),
  },
  { message: 'Send a JSON object with pumpId, kind and fingerprint' },
);
export type CardPrintBody = z.infer<typeof cardPrintBody>;

type Raw = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** `?pump=` on the print pages: optional, a positive integer id. */
export const pumpParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'Pump must be a positive id')
  .transform(Number)
  .optional();

/** `?size=a4|letter` on the letter page (A4 unless asked otherwise). */
export const sizeParam = z.enum(letterSizes, { message: 'Size must be a4 or letter' }).default('a4');

/** `?qr=link|text`: a link to the public emergency page (default) or the offline QR code carrying the facts. */
export const qrModes = ['link', 'text'] as const;
export const qrParam = z.enum(qrModes, { message: 'QR must be link or text' }).default('link');

export function printQueryFrom(params: Raw) {
  return z
    .object({ pump: pumpParam, size: sizeParam, qr: qrParam })
    .safeParse({
      pump: first(params.pump) || undefined,
      size: first(params.size)?.toLowerCase() || undefined,
      qr: first(params.qr)?.toLowerCase() || undefined,
    });
}

/**
 * `?c=` on the public emergency page: the clinic's emergency code (24 hex digits, db/schema.ts newEmergencyCode),
 * or null for anything else. A clinic id (`?clinic=1`, the links of cards printed before issue 14) names no clinic.
 */
export function emergencyCodeFrom(params: Raw): string | null {
  const raw = first(params.c)?.toLowerCase();
  return raw && /^[0-9a-f]{24}$/.test(raw) ? raw : null;
}
