/**
 * The QR code on the card: a link to the public emergency page of the patient's clinic. It carries the
 * clinic id only, never anything about the patient. Rendered on the server as SVG (no script, prints sharp).
 */
import 'server-only';
import QRCode from 'qrcode';
import { env } from '@/lib/env';

/** The public origin: PUBLIC_URL when configured, else the origin the request came to. */
export function publicOrigin(requestHeaders: Headers): string {
  const configured = env().PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const host =
    requestHeaders.get('x-forwarded-host') ?? requestHeaders.get('host') ?? `localhost:${env().PORT}`;
  const proto =
    requestHeaders.get('x-forwarded-proto')?.split(',')[0]?.trim() ??
    (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${proto}://${host}`;
}

export function emergencyUrl(origin: string, clinicId: number): string {
  return `${origin}/emergency?clinic=${clinicId}`;
}

/** An SVG QR code (black on white, no margin: the card gives it a quiet zone). */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 0,
    color: { dark: '#000000', light: '#ffffff' },
  });
}
