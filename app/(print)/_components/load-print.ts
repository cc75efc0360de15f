/** What both print pages load: the patient's card data for one pump, its wording, and the QR code. */
import 'server-only';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { getDb } from '@/db';
import { audit } from '@/db/queries/audit';
import { loadCard, resolveCardPump, type CardData } from '@/db/queries/cards';
import type { Staff } from '@/lib/auth/session';
import { emergencyUrl, publicOrigin, qrSvg } from '@/lib/cards/qr';
import { NotFoundError } from '@/lib/errors';
import { requestNow } from '@/lib/server/clock';
import { printQueryFrom, type LetterSize } from '@/lib/validation/cards';
import { parseId } from '@/lib/validation/ids';
import { cardView, type CardView } from '@/lib/cards/view';

export interface PrintPageData {
  data: CardData;
  view: CardView | null;
  problem: string | null;
  size: LetterSize;
  emergencyUrl: string;
  qrSvg: string;
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
  audit(db, staff, 'view', 'patient', patientId, null, { page, pumpId: data.pump.id });

  const url = emergencyUrl(publicOrigin(await headers()), data.clinic.id);
  const built = cardView(data);
  return {
    data,
    view: 'view' in built ? built.view : null,
    problem: 'problem' in built ? built.problem : null,
    size: query.success ? query.data.size : 'a4',
    emergencyUrl: url,
    qrSvg: await qrSvg(url),
  };
}
