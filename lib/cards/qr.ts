/**
 * The QR code on the card: a link to the public emergency page of the patient's clinic. It carries the
 * clinic's emergency code only (random, so the page cannot be walked clinic by clinic), never anything about the
 * patient. Rendered on the server as SVG (no script, prints sharp).
 */
import 'server-only';
import QRCode from 'qrcode';

/** The public origin (one definition for every link the app hands out). */
export { requestOrigin as publicOrigin } from '@/lib/http/origin';

export function emergencyUrl(origin: string, emergencyCode: string): string {
  return `${origin}/emergency?c=${encodeURIComponent(emergencyCode)}`;
}

/**
 * An SVG QR code, black on white, no margin (the card gives it a quiet zone). Each dark module is a filled
 * square: the qrcode package's own SVG draws rows as strokes, which Chromium's PDF output thins to hairlines that
 * no scanner reads. The offline code's longer text uses level L, so its modules stay large enough at 15 mm.
 */
export async function qrSvg(text: string, errorCorrectionLevel: 'L' | 'M' = 'M'): Promise<string> {
  const { modules } = QRCode.create(text, { errorCorrectionLevel });
  const size = modules.size;
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (modules.get(x, y)) d += `M${x} ${y}h1v1h-1z`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#ffffff"/><path fill="#000000" d="${d}"/></svg>`;
}
