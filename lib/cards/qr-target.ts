/**
 * Whether a QR code can work once the card leaves the clinic. A link to a loopback, private or link-local address
 * (or a name only a local network resolves) opens on no emergency department's phone, so the card refuses it; the
 * alternative is a QR code that carries the essential text itself and reads with no network at all.
 */
import type { CardView } from './view';

export type QrMode = 'link' | 'text';

const privateV4 = [
  /^127\./, // loopback
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./, // RFC 1918
  /^169\.254\./, // link-local
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./, // carrier-grade NAT
  /^0\./,
];

/** Null when a phone on the public internet could open the URL; else the reason it could not. */
export function unreachableReason(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `“${url}” is not a valid address.`;
  }
  const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `${parsed.host} is this computer only (loopback).`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    if (privateV4.some((r) => r.test(host))) return `${parsed.host} is a loopback or private network address.`;
    return null;
  }
  if (host.includes(':')) {
    if (host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:'))
      return `${parsed.host} is a loopback or private network address.`;
    return null;
  }
  if (!host.includes('.') || /\.(local|lan|internal|home|intranet|corp)$/.test(host))
    return `${parsed.host} is a name only the local network knows.`;
  return null;
}

export const publicUrlHelp =
  'Set PUBLIC_URL to the address the app is reachable at from the internet (for example PUBLIC_URL=https://pumps.example.org in the server’s environment) and restart it, or choose the offline QR code, which carries the essential facts as text.';

/**
 * The offline QR code's text: what an emergency physician needs with no network (drug, concentration, dose, the
 * 24/7 number, the danger), short enough for a QR code a phone reads at 15 mm. No name or date of birth: the card
 * carries those in print.
 */
export function offlineQrText(view: CardView): string {
  return [
    'INTRATHECAL DRUG PUMP - EMERGENCY',
    `Drug: ${view.drugName}`,
    `Concentration: ${view.concentration}`,
    `Dose: ${view.dailyDose}`,
    `Clinic 24/7: ${view.clinicPhone24h}`,
    view.front.danger,
  ].join('\n');
}
