/** The screen-only bar above a print preview: back link, print status, the Print button. Hidden on paper. */
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { CardData } from '@/db/queries/cards';
import { formatInstant } from '@/lib/format';
import { fullName } from '@/lib/domain/names';
import { PrintButton } from './print-button';
import styles from './print.module.css';

export function PrintToolbar({
  title,
  data,
  kind,
  problem,
  problemKind = 'refused',
  hint,
  children,
}: {
  title: string;
  data: CardData;
  kind: 'card' | 'letter';
  problem: string | null;
  /** A patient with no active pump is told so as news (a status), not as a refusal (an alert). */
  problemKind?: 'refused' | 'no-active-pump' | null;
  hint?: ReactNode;
  children?: ReactNode;
}) {
  const validUntil = data.forecast?.refillDueOn ?? null;
  const passed = validUntil != null && validUntil < data.today;
  const last = kind === 'card' ? data.status.lastCard : data.status.lastLetter;
  const outdated = kind === 'card' ? data.status.cardOutdated : data.status.letterOutdated;
  const name = fullName(data.patient);
  return (
    <div className={styles.toolbar}>
      <div className={styles.toolbarRow}>
        <Link href={`/patients/${data.patient.id}`}>← Back to <bdi>{name}</bdi></Link>
      </div>
      <h1>
        {title}: <bdi>{name}</bdi>
      </h1>
      <div className={styles.toolbarRow}>
        <p>
          {last
            ? `Last ${kind} printed ${formatInstant(last.printedAt, data.clinic.timeZone)}${last.byName ? ` by ${last.byName}` : ''}.`
            : `No ${kind} printed yet for this pump.`}
        </p>
        {outdated && last && (
          <p className={styles.outdated} role="status">
            {kind === 'card' ? 'Card' : 'Letter'} outdated: reprint
          </p>
        )}
        {!outdated && last && <p role="status">This is the {kind} that was last printed: it is current.</p>}
      </div>
      {problem && problemKind === 'no-active-pump' ? (
        <p className="notice" role="status">
          {problem}
        </p>
      ) : problem ? (
        <p className="notice danger" role="alert">
          {problem}
        </p>
      ) : (
        <>
          {passed && (
            <p className="notice danger" role="alert">
              <strong>The “valid until” date ({validUntil}) has passed:</strong> the refill is overdue, so the
              dates on this {kind} are already in the past. Record the refill first, or make sure the patient knows
              the pump may run empty.
            </p>
          )}
          {!data.forecast && (
            <p className="notice warn">
              No forecast for this pump yet (no fill recorded): the refill and alarm dates print as “ask the
              clinic”.
            </p>
          )}
          <div className={styles.toolbarRow}>
            {data.fingerprint && (
              <PrintButton
                patientId={data.patient.id}
                pumpId={data.pump.id}
                kind={kind}
                fingerprint={data.fingerprint}
              />
            )}
            {children}
          </div>
          {hint && <p className={styles.hint}>{hint}</p>}
        </>
      )}
    </div>
  );
}
