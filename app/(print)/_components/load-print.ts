/** What both print pages load: the patient's card data for one pump, its wording, and the QR code. */
import 'server-only';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { getDb } from '@/db';
import { recordRead } from '@/db/audit-read';
import { loadCard, resolveCardPump, type CardData } from '@/db/queries/cards';
import type { Staff } from '@/lib/auth/session';
import { emergencyUrl, publicOrigin, qrSvg } from '@/lib/cards/qr';
import { offlineQrText, publicUrlHelp, unreachableReason, type QrMode } from '@/lib/cards/qr-target';
import { NotFoundError } from '@/lib/errors';
import { requestNow } from '@/lib/clock';
import { printQueryFrom, type LetterSize } from '@/lib/validation/cards';
import { parseId } from '@/lib/validation/ids';
import { cardView, type CardView } from '@/lib/cards/view';
import type { PrintedQr } from './card-faces';

export interface PrintPageData {
  data: CardData;
  view: CardView | null;
  problem: string | null;
  /** 'no-active-pump': the patient's only pump was explanted; the page says so rather than refusing. */
  problemKind: 'refused' | 'no-active-pump' | null;
  size: LetterSize;
  emergencyUrl: string;
  qrMode: QrMode;
  /** The QR code to print, or null when none can work (then the page refuses to print). */
  qr: PrintedQr | null;
  /** Why the QR code cannot be printed, and how to fix it. */
  qrProblem: string | null;
  /** The footer's pointer to the guide: the link, or what the offline code holds. */
  guide: string;
}

export async function loadPrintPage(
  staff: Staff,
  rawId: string,
  rawSearch: Record<string, string | string[] | undefined>,
  page: 'card' | 'letter',
): Promise<PrintPageData> {
  let patientId: number;
  try {
    patientId = parseId(rawId, 'patient');
  } catch {
    notFound();
  }
  const query = printQueryFrom(rawSearch);
  const db = getDb();
  const now = requestNow();
  let data: CardData | null = null;
  try {
    const pumpId = resolveCardPump(
      db,
      staff.clinicId,
      patientId,
      query.success ? query.data.pump : undefined,
    );
    data = loadCard(db, staff.clinicId, patientId, pumpId, now);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  if (!data) notFound();
  // Printing shows a patient record: the view is audited like any other.
  recordRead(db, staff, { resource: 'patient', entityId: patientId, patientIds: [patientId], detail: { page, pumpId: data.pump.id } });

  const url = emergencyUrl(publicOrigin(await headers()), data.clinic.emergencyCode);
  const built = cardView(data);
  const view = 'view' in built ? built.view : null;
  const qrMode: QrMode = query.success ? query.data.qr : 'link';
  let qr: PrintedQr | null = null;
  let qrProblem: string | null = null;
  let guide = '';
  if (qrMode === 'text' && view) {
    // The offline code: the essential facts as text, readable with no network at all.
    const text = offlineQrText(view);
    qr = { svg: await qrSvg(text, 'L'), label: `QR code (text): ${text}`, caption: 'Scan: pump facts (offline)' };
    guide = '';
  } else if (qrMode === 'link') {
    const unreachable = unreachableReason(url);
    if (unreachable) {
      qrProblem = `The QR code would link to ${url}, which no phone outside this network can open: ${unreachable} ${publicUrlHelp}`;
    } else {
      qr = { svg: await qrSvg(url), label: `QR code: ${url}`, caption: 'Emergency guide' };
      guide = `Guide: ${url.replace(/^https?:\/\//, '')}`;
    }
  }
  return {
    data,
    view,
    problem: 'problem' in built ? built.problem : null,
    problemKind: 'problem' in built ? built.kind : null,
    size: query.success ? query.data.size : 'a4',
    emergencyUrl: url,
    qrMode,
    qr,
    qrProblem,
    guide,
  };
}
