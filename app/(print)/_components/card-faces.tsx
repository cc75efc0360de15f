/**
 * The two faces of the wallet card (85.6 × 54 mm). The front leads with the danger and the action in the largest
 * type on the card; then who, what drug, which pump, which dates, whom to call. The back says what to do. Body
 * text is never below 7 pt and labels never below 6 pt (FitBox floor, labels at max(6pt, …)); what does not fit
 * at that size collapses to "see letter", lowest data-collapse first.
 */
import type { ReactNode } from 'react';
import { nameSizeStep } from '@/lib/cards/wording';
import type { CardView } from '@/lib/cards/view';
import { FitBox } from './fit-box';
import styles from './print.module.css';

/** Run-in items end with a full stop (one, whatever the record's text ends with). */
const withStop = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** Body text floor on the card (issue 15: ≥ 7 pt body, ≥ 6 pt labels). */
export const CARD_MIN_PT = 7;

/** The QR code a page prints: its SVG, what it encodes (for the accessible name) and its caption. */
export interface PrintedQr {
  svg: string;
  label: string;
  caption: string;
}

/**
 * "Medtronic SynchroMed II 8637-40" with the model number kept on one line ("8637-" / "40" no more): the model
 * number where it appears in the text, else the last word.
 */
export function NoBreakTail({ text, keep }: { text: string; keep?: string }) {
  const at = keep ? text.lastIndexOf(keep) : -1;
  if (keep && at >= 0)
    return (
      <>
        {text.slice(0, at)}
        <span className={styles.nowrap}>{keep}</span>
        {text.slice(at + keep.length)}
      </>
    );
  const cut = text.lastIndexOf(' ');
  if (cut < 0) return <span className={styles.nowrap}>{text}</span>;
  return (
    <>
      {text.slice(0, cut + 1)}
      <span className={styles.nowrap}>{text.slice(cut + 1)}</span>
    </>
  );
}

/**
 * A paragraph that, when the face is full, shrinks to its tag and "see letter" (or a shorter text). `shortTag`
 * replaces the tag in the short form when the tag alone would not say what the letter holds. Nothing on the card
 * is ever left out without a word: a reader must know that the letter has more (issue 15, decision 026).
 */
function Collapsible({
  order,
  tag,
  shortTag,
  children,
  short = 'see letter.',
  className = styles.para,
  inline = false,
}: {
  order: number;
  tag: string;
  shortTag?: string;
  children: ReactNode;
  short?: ReactNode;
  className?: string;
  /** A run-in item of a shared paragraph (a span), so that short forms share a line. */
  inline?: boolean;
}) {
  const Element = inline ? 'span' : 'p';
  return (
    <Element className={inline ? undefined : className} data-collapse={order}>
      {shortTag ? (
        <>
          <span className={styles.tag} data-full="">
            {tag}
          </span>
          <span className={styles.tag} data-short="">
            {shortTag}
          </span>
        </>
      ) : (
        <span className={styles.tag}>{tag}</span>
      )}
      <span data-full="">{children}</span>
      <span data-short="">{short}</span>
    </Element>
  );
}

export function CardFront({ view }: { view: CardView }) {
  return (
    <FitBox className={styles.face} maxPt={8.5} minPt={CARD_MIN_PT} initialPt={7.5} label="Card front">
      <div className={styles.head} data-testid="card-headline">
        <p className={styles.headTitle}>
          <span className={styles.warnSign} aria-hidden="true">
            ⚠{' '}
          </span>
          {view.headline.title}
        </p>
        <p className={styles.headSub}>
          {view.headline.subtitle} <span className={styles.headAction}>{view.front.action}</span>
        </p>
      </div>

      <div className={styles.person}>
        <p
          className={styles.name}
          data-step={nameSizeStep(view.patientName)}
          data-testid="card-name"
          dir="auto"
        >
          {view.patientName}
        </p>
        <p className={styles.born}>
          <span className={styles.label}>Born</span> <strong>{view.dateOfBirth}</strong>
        </p>
      </div>

      <div className={styles.cols}>
        <dl className={styles.facts}>
          <dt>Drug</dt>
          <dd>{view.drugLabel}</dd>
          <dt>Dose</dt>
          <dd>
            {/* A number never on a line apart from its unit ("2000" / "mcg/mL" misreads on an emergency card). */}
            <span className={styles.nowrap}>{view.dailyDose}</span>{' '}
            <span className={styles.label}>Conc.</span>{' '}
            <span className={styles.nowrap}>{view.concentration}</span>
          </dd>
          <dt>Mode</dt>
          <dd className={styles.plain} data-collapse={2}>
            {view.mode} · <span className={styles.label}>Bolus</span>{' '}
            <span data-full="">{view.bolusDevice}</span>
            <span data-short="">{view.bolusDevice === 'None' ? 'None' : 'see letter'}</span>
          </dd>
        </dl>
        <dl className={styles.facts}>
          <dt>Pump</dt>
          <dd>
            <NoBreakTail text={view.pumpModel} keep={view.pumpModelNumber} />{' '}
            <span className={styles.plainInline}>· {view.reservoir} reservoir</span>
          </dd>
          <dt>Serial</dt>
          <dd>{view.serial}</dd>
          <dt>Implant</dt>
          <dd className={styles.plain} data-collapse={3}>
            <span data-full="">{view.implanted}</span>
            <span data-short="">see letter</span>
          </dd>
        </dl>
      </div>

      <dl className={styles.dates}>
        <div>
          <dt>Last refill</dt>
          <dd>{view.lastRefill}</dd>
        </div>
        <div>
          <dt>Refill due</dt>
          <dd>{view.refillDue}</dd>
        </div>
        <div>
          <dt>{view.constantFlow ? 'Reserve (no alarm)' : 'Alarm date'}</dt>
          <dd>{view.alarmDate}</dd>
        </div>
      </dl>
      <p className={styles.passed} data-collapse={4}>
        <span data-full="">{view.passedDate}</span>
      </p>

      <div className={styles.contact}>
        <p>
          <span className={styles.label}>Clinic</span> <strong>{view.clinicName}</strong> · {view.physician}
        </p>
        <p data-collapse={1}>
          <span className={styles.label}>Maker</span>{' '}
          <span data-full="">
            {view.supportLine.replace('clinician technical support', 'clinician support')}
          </span>
          <span data-short="">{view.pumpModel.split(' ')[0]}: see letter</span>
        </p>
      </div>
    </FitBox>
  );
}

export function CardBack({ view, qr, guide }: { view: CardView; qr: PrintedQr; guide: string }) {
  return (
    <FitBox className={styles.face} maxPt={8} minPt={CARD_MIN_PT} initialPt={7} label="Card back">
      <div className={styles.backBody}>
        <div className={styles.qr}>
          {/* Server-made SVG from the qrcode package: no script; a link (clinic id only) or the offline facts. */}
          <div dangerouslySetInnerHTML={{ __html: qr.svg }} role="img" aria-label={qr.label} />
          {qr.caption}
        </div>
        <p className={styles.para}>
          <span className={styles.tag}>{view.underdose.shortHeading}</span>
          {(view.underdose.cardSigns ?? view.underdose.signs).join(', ')}.{' '}
          <strong>{view.underdose.cardAction}</strong>
        </p>
        <p className={styles.para} data-collapse={2}>
          <span className={styles.tag}>{view.overdose.shortHeading}</span>
          <span data-full="">{view.overdose.signs.join(', ')}. </span>
          <span data-short="">signs: see letter. </span>
          <strong>{view.overdose.cardAction}</strong>
        </p>
        <Collapsible order={1} tag="Alarms">
          {view.alarms.summary}
        </Collapsible>
        {view.mri.emphasis ? (
          <p className={`${styles.para} ${styles.boxed} ${styles.strong}`}>
            <span className={styles.tag}>MRI</span>
            {view.mri.short}
          </p>
        ) : (
          <Collapsible order={3} tag="MRI">
            {view.mri.short}
          </Collapsible>
        )}
        {view.catheterPort && (
          <p className={styles.para}>
            <span className={styles.tag}>Catheter port</span>
            <strong>{view.catheterPort.card}</strong>
          </p>
        )}
        {/* The backup plan, allergies, risk flags and the caregiver run in one paragraph: shortened, they share lines
            ("BACKUP ▸ see letter. ALLERGIES ▸ see letter. CAREGIVER ▸ see letter."), so a face that is full at the
            minimum size still says what the letter has, where it once left the last two out (decision 026). */}
        <p className={styles.para}>
          {view.backupOral && (
            <>
              <Collapsible inline order={4} tag="Backup">
                {withStop(view.backupOral)}
              </Collapsible>{' '}
            </>
          )}
          <Collapsible inline order={5} tag="Allergies" short={<strong>see letter.</strong>}>
            {view.allergiesRecorded ? <strong>{withStop(view.allergies)}</strong> : withStop(view.allergies)}
          </Collapsible>
          {view.risks && (
            <>
              {' '}
              {/* Shortened last, only when nothing else makes the face fit; then it still says the patient is high
                  risk (or has risk flags) and that the letter names them. */}
              <Collapsible inline order={6} tag={view.risks.shortHeading} shortTag={view.risks.cardSeeLetter}>
                {view.risks.items.join('; ')}.
              </Collapsible>
            </>
          )}
          {view.caregiver && (
            <>
              {' '}
              {/* Shortened first when the face is full: "CAREGIVER ▸ see letter.", so a reader knows there is one. */}
              <Collapsible inline order={0} tag="Caregiver">
                {withStop(view.caregiver)}
              </Collapsible>
            </>
          )}
        </p>
      </div>
      <p className={styles.backFoot}>
        Printed {view.printedOn} ({view.programVersion}). <strong>{view.validity}</strong> {guide}
      </p>
    </FitBox>
  );
}
