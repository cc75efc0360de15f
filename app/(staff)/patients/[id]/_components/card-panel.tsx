/**
 * The patient page's emergency-card panel (a server component): when the card and the letter were last
 * printed, a prominent "Card outdated: reprint" when the dose or a refill changed since, and the print links.
 */
import Link from 'next/link';
import { getDb } from '@/db';
import { cardPanelData } from '@/db/queries/cards';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { formatInstant } from '@/lib/format';
import { requestNow } from '@/lib/clock';

export async function CardPanel({
  patientId,
  pumpId,
  headingLevel = 2,
}: {
  patientId: number;
  pumpId: number;
  headingLevel?: 2 | 3;
}) {
  const staff = await requirePageStaff('patients:read', `/patients/${patientId}`);
  let panel: ReturnType<typeof cardPanelData>;
  try {
    panel = cardPanelData(getDb(), staff.clinicId, pumpId, requestNow());
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const headingId = `card-panel-${pumpId}`;
  const printed = (p: typeof panel.lastCard) =>
    p ? `${formatInstant(p.printedAt, panel.timeZone)}${p.byName ? ` by ${p.byName}` : ''}` : 'never';
  const base = `/patients/${patientId}`;
  const mayPrint = can(staff.role, 'cards:print') && panel.pumpActive;

  return (
    <section className="card stack" aria-labelledby={headingId} data-testid="card-panel">
      <Heading id={headingId} style={{ margin: 0 }}>
        Emergency card
      </Heading>
      {panel.pumpActive && panel.cardOutdated && (
        <p className="notice danger" role="status">
          <strong>{panel.lastCard ? 'Card outdated: reprint' : 'No card printed yet: print one'}</strong>
          {panel.lastCard ? '. Something the card prints (dose, dates, allergies, names, phone numbers…) changed after it was printed.' : '.'}
        </p>
      )}
      <dl className="facts">
        <dt>Card last printed</dt>
        <dd>{printed(panel.lastCard)}</dd>
        <dt>Letter last printed</dt>
        <dd>
          {printed(panel.lastLetter)}
          {panel.lastLetter && panel.letterOutdated ? ' (outdated)' : ''}
        </dd>
      </dl>
      {mayPrint ? (
        <div className="flags" style={{ margin: 0 }}>
          <Link prefetch={false} className="button" href={`${base}/card?pump=${pumpId}`}>
            Print card
          </Link>
          <Link prefetch={false} className="button secondary" href={`${base}/letter?pump=${pumpId}&size=a4`}>
            Print letter (A4)
          </Link>
          <Link prefetch={false} className="button secondary" href={`${base}/letter?pump=${pumpId}&size=letter`}>
            Print letter (US Letter)
          </Link>
        </div>
      ) : (
        <p className="muted small" style={{ margin: 0 }}>
          {panel.pumpActive
            ? 'Printing emergency cards needs a nurse or physician.'
            : 'This pump is explanted: no card to print.'}
        </p>
      )}
    </section>
  );
}
