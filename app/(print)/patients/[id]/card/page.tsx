import Link from 'next/link';
import { requirePageStaff } from '@/lib/auth/session';
import { readRefusedPage } from '@/app/_components/read-refused';
import { CardBack, CardFront } from '../../../_components/card-faces';
import { loadPrintPage } from '../../../_components/load-print';
import { PageSize } from '../../../_components/page-size';
import { PrintToolbar } from '../../../_components/print-toolbar';
import { QrChoice } from '../../../_components/qr-choice';
import type { QrMode } from '@/lib/cards/qr-target';
import styles from '../../../_components/print.module.css';

export const metadata = { title: 'Emergency pump card' };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** The wallet card, 85.6 × 54 mm: front and back as two printed pages. */
export default async function CardPage({ params, searchParams }: Props) {
  const { id } = await params;
  const staff = await requirePageStaff('cards:print', `/patients/${id}/card`);
  let loaded: Awaited<ReturnType<typeof loadPrintPage>>;
  try {
    loaded = await loadPrintPage(staff, id, await searchParams, 'card');
  } catch (error) {
    // READ_AUDIT_FAIL_CLOSED and the view cannot be audited: nothing of the record is printed.
    return readRefusedPage(error, styles.screen);
  }
  const { data, view, problem, problemKind, qr, qrProblem, qrMode, guide } = loaded;
  const letterHref = (size: 'a4' | 'letter') =>
    `/patients/${data.patient.id}/letter?pump=${data.pump.id}&size=${size}&qr=${qrMode}`;
  const qrHref = (mode: QrMode) => `/patients/${data.patient.id}/card?pump=${data.pump.id}&qr=${mode}`;
  const refusal = problem ?? qrProblem;

  return (
    <main className={refusal ? `${styles.screen} ${styles.blocked}` : styles.screen}>
      <PageSize size="card" />
      <PrintToolbar
        title="Emergency wallet card"
        data={data}
        kind="card"
        problem={refusal}
        problemKind={problem ? problemKind : 'refused'}
        hint="Print at 100 % (“actual size”) on card stock. Front and back are two pages: print double-sided (flip on the short edge) or glue them back to back, cut along the border and laminate. Reprint after every refill or dose change."
      >
        <p className={styles.sizeLinks}>
          Letter instead: <Link href={letterHref('a4')}>A4</Link>{' '}
          <Link href={letterHref('letter')}>US Letter</Link>
        </p>
      </PrintToolbar>
      <div className={styles.toolbarAside}>
        <QrChoice mode={qrMode} href={qrHref} />
      </div>
      <p className={styles.printRefusal}>
        This card was not printed. {refusal ?? 'Its text does not fit at the smallest legible size (7 pt): print the letter instead, or shorten the long fields on the patient record.'}
      </p>
      {view && (
        <div className={styles.sheets}>
          <div className={styles.sheetWrap}>
            <p className={styles.sheetCaption}>Front</p>
            <div className={styles.cardFrame}>
              <CardFront view={view} />
            </div>
          </div>
          <div className={styles.sheetWrap}>
            <p className={styles.sheetCaption}>Back</p>
            <div className={styles.cardFrame}>
              {qr && <CardBack view={view} qr={qr} guide={guide} />}
            </div>
          </div>
        </div>
      )}
    </main>
  );
}
