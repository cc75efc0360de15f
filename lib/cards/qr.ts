/**
 * The QR code on the card: a link to the public emergency page of the patient's clinic. It carries the
 * clinic id only, never anything about the patient. Rendered on the server as SVG (no script, prints sharp).
 */
import 'server-only';
import QRCode from 'qrcode';

/** The public origin (one definition for every link the app hands out). */
export { requestOrigin as publicOrigin } from '@/lib/server/origin';

export function emergencyUrl(origin: string, clinicId: number): string {
  return `${origin}/emergency?clinic=${clinicId}`;
}

/**
 * An SVG QR code (black on white, no margin: the card gives it a quiet zone). The offline code's longer text uses
 * level L, so its modules stay large enough for a phone at 15 mm.
 */
export async function qrSvg(text: string, errorCorrectionLevel: 'L' | 'M' = 'M'): Promise<string> {
  return QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel,
    margin: 0,
    color: { dark: '#000000', light: '#ffffff' },
  });
}
