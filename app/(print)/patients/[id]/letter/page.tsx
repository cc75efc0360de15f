import Link from 'next/link';
import { requirePageStaff } from '@/lib/auth/session';
import { readRefusedPage } from '@/app/_components/read-refused';
import { LetterSheet } from '../../../_components/letter-sheet';
import { loadPrintPage } from '../../../_components/load-print';
import { PageSize } from '../../../_components/page-size';
import { PrintToolbar } from '../../../_components/print-toolbar';
import { QrChoice } from '../../../_components/qr-choice';
import type { QrMode } from '@/lib/cards/qr-target';
import styles from '../../../_components/print.module.css';

export const metadata = { title: 'Emergency letter' };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const sizeLabels = { a4: 'A4', letter: 'US Letter' } as const;

/** The one-page emergency letter, A4 or US Letter (?size=a4|letter). */
export default async function LetterPage({ params, searchParams }: Props) {
  const { id } = await params;
  const staff = await requirePageStaff('cards:print', `/patients/${id}/letter`);
  let loaded: Awaited<ReturnType<typeof loadPrintPage>>;
  try {
    loaded = await loadPrintPage(staff, id, await searchParams, 'letter');
  } catch (error) {
    // READ_AUDIT_FAIL_CLOSED and the view cannot be audited: nothing of the record is printed.
    return readRefusedPage(error, styles.screen);
  }
  const { data, view, problem, problemKind, qr, qrProblem, qrMode, emergencyUrl, size } = loaded;
  const href = (s: 'a4' | 'letter', mode: QrMode = qrMode) =>
    `/patients/${data.patient.id}/letter?pump=${data.pump.id}&size=${s}&qr=${mode}`;
  const refusal = problem ?? qrProblem;

  return (
    <main className={refusal ? `${styles.screen} ${styles.blocked}` : styles.screen}>
      <PageSize size={size} />
      <PrintToolbar
        title={`Emergency letter (${sizeLabels[size]})`}
        data={data}
        kind="letter"
        problem={refusal}
        problemKind={problem ? problemKind : 'refused'}
        hint="Print at 100 % (“actual size”), one page. Give it to the patient with the wallet card; reprint after every refill or dose change."
      >
        <nav aria-label="Paper size" className={styles.sizeLinks}>
          Paper:
          {(['a4', 'letter'] as const).map((s) => (
            <Link key={s} href={href(s)} aria-current={s === size ? 'page' : undefined}>
              {sizeLabels[s]}
            </Link>
          ))}
          <Link href={`/patients/${data.patient.id}/card?pump=${data.pump.id}&qr=${qrMode}`}>Wallet card</Link>
        </nav>
      </PrintToolbar>
      <div className={styles.toolbarAside}>
        <QrChoice mode={qrMode} href={(mode) => href(size, mode)} />
      </div>
      <p className={styles.printRefusal}>
        This letter was not printed. {refusal ?? 'Its text does not fit on one page: shorten the long fields on the patient record.'}
      </p>
      {view && (
        <div className={styles.sheets}>
          <div className={styles.letterFrame}>
            {qr && <LetterSheet view={view} qr={qr} emergencyUrl={emergencyUrl} qrMode={qrMode} size={size} />}
          </div>
        </div>
      )}
    </main>
  );
}
