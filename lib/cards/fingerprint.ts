/**
 * The fingerprint of a printed card or letter: a SHA-256 of every field it prints. A print records the fingerprint
 * of what was on paper; the card is outdated whenever the fingerprint of what would print now differs, whatever
 * changed (an allergy, a name, the physician, the clinic's 24/7 phone, a date moved by an alarm-volume change).
 * The printed-on date is left out: printing the same facts tomorrow is not a change.
 */
import { createHash } from 'node:crypto';
import type { CardView } from './view';

/** JSON with object keys sorted, so that the same content always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function cardFingerprint(view: CardView): string {
  const { printedOn: _printedOn, ...printed } = view;
  return createHash('sha256').update(canonical(printed)).digest('hex');
}
