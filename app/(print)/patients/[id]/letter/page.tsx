import Link from 'next/link';
import { requirePageStaff } from '@/lib/auth/session';
import { LetterSheet } from '../../../_components/letter-sheet';
import { loadPrintPage } from '../../../_components/load-print';
import { PageSize } from '../../../_components/page-size';
import { PrintToolbar } from '../../../_components/print-toolbar';
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
  const { data, view, problem, emergencyUrl, qrSvg, size } = await loadPrintPage(
    staff,
    id,
    await searchParams,
    'letter',
  );
  const href = (s: 'a4' | 'letter') => `/patients/${data.patient.id}/letter?pump=${data.pump.id}&size=${s}`;

  return (
    <main className={styles.screen}>
      <PageSize size={size} />
      <PrintToolbar
        title={`Emergency letter (${sizeLabels[size]})`}
        data={data}
        kind="letter"
        problem={problem}
        hint="Print at 100 % (“actual size”), one page. Give it to the patient with the wallet card; reprint after every refill or dose change."
      >
        <nav aria-label="Paper size" className={styles.sizeLinks}>
          Paper:
          {(['a4', 'letter'] as const).map((s) => (
            <Link key={s} href={href(s)} aria-current={s === size ? 'page' : undefined}>
              {sizeLabels[s]}
            </Link>
          ))}
          <Link href={`/patients/${data.patient.id}/card?pump=${data.pump.id}`}>Wallet card</Link>
        </nav>
      </PrintToolbar>
      {view && (
        <div className={styles.sheets}>
          <div className={styles.letterFrame}>
            <LetterSheet view={view} qrSvg={qrSvg} emergencyUrl={emergencyUrl} size={size} />
          </div>
        </div>
      )}
    </main>
  );
}
