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
  },
  { message: 'Send a JSON object with pumpId and kind' },
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

export function printQueryFrom(params: Raw) {
  return z
    .object({ pump: pumpParam, size: sizeParam })
    .safeParse({
      pump: first(params.pump) || undefined,
      size: first(params.size)?.toLowerCase() || undefined,
    });
}

/** `?clinic=` on the public emergency page: ignored unless a plain positive id. */
export function clinicParamFrom(params: Raw): number | null {
  const raw = first(params.clinic);
  if (!raw || !/^[1-9]\d{0,9}$/.test(raw)) return null;
  return Number(raw);
}
