/** The one-page emergency letter (A4 or US Letter): the card's facts in full sentences for the emergency team. */
import type { QrMode } from '@/lib/cards/qr-target';
import type { CardView } from '@/lib/cards/view';
import { NoBreakTail, type PrintedQr } from './card-faces';
import { FitBox } from './fit-box';
import { pageSizes } from './page-size';
import styles from './print.module.css';

export function LetterSheet({
  view,
  qr,
  qrMode,
  emergencyUrl,
  size,
}: {
  view: CardView;
  qr: PrintedQr;
  qrMode: QrMode;
  emergencyUrl: string;
  size: 'a4' | 'letter';
}) {
  const { width, height } = pageSizes[size];
  return (
    <FitBox
      className={styles.letter}
      style={{ ['--sheet-w' as string]: width, ['--sheet-h' as string]: height }}
      maxPt={10.5}
      minPt={7}
      initialPt={9}
      label="Emergency letter"
    >
      <header className={styles.letterHead}>
        <div>
          <p className={styles.letterKicker}>Emergency medical information · please keep with the patient</p>
          <h2 className={styles.letterTitle}>
            <span aria-hidden="true">⚠ </span>
            {view.headline.title}
          </h2>
          <p className={styles.letterSub}>
            {view.headline.subtitle} {view.front.danger !== view.headline.subtitle && view.front.danger}{' '}
            {view.front.action}
          </p>
        </div>
        <div className={styles.letterQr}>
          <div dangerouslySetInnerHTML={{ __html: qr.svg }} role="img" aria-label={qr.label} />
          {qrMode === 'text' ? 'Pump facts as text (no network needed)' : 'Guidance for emergency staff'}
        </div>
      </header>

      <p className={styles.letterBox}>
        <strong>To the emergency team:</strong> <bdi>{view.patientName}</bdi>, born {view.dateOfBirth}, has a
        pump implanted under the skin of the abdomen. It delivers {view.drugInSentence} through a catheter
        directly into the spinal fluid (intrathecal). Intrathecal doses are far smaller
        than oral or intravenous doses. Please call the managing clinic,{' '}
        <strong>available 24/7 on {view.clinicPhone24h}</strong>, before anything is done to the pump.
      </p>

      <div className={styles.letterGrid}>
        <section>
          <h3>Patient</h3>
          <dl className={styles.letterFacts}>
            <dt>Name</dt>
            <dd dir="auto">{view.patientName}</dd>
            <dt>Date of birth</dt>
            <dd>{view.dateOfBirth}</dd>
            <dt>Clinic record no.</dt>
            <dd>{view.mrn}</dd>
            <dt>Allergies</dt>
            <dd>{view.allergies}</dd>
            {view.caregiver && (
              <>
                <dt>Caregiver</dt>
                <dd>{view.caregiver}</dd>
              </>
            )}
          </dl>
        </section>
        <section>
          <h3>Managing clinic</h3>
          <dl className={styles.letterFacts}>
            <dt>Clinic</dt>
            <dd>{view.clinicName}</dd>
            <dt>24/7 phone</dt>
            <dd className={styles.letterPhone}>{view.clinicPhone24h}</dd>
            {view.clinicOfficePhone && (
              <>
                <dt>Office</dt>
                <dd>{view.clinicOfficePhone}</dd>
              </>
            )}
            {view.clinicAddress && (
              <>
                <dt>Address</dt>
                <dd>{view.clinicAddress}</dd>
              </>
            )}
            <dt>Physician</dt>
            <dd>{view.physician}</dd>
          </dl>
        </section>
        <section>
          <h3>Drug in the pump</h3>
          <dl className={styles.letterFacts}>
            <dt>Drug</dt>
            <dd>{view.drugLabel}</dd>
            <dt>Concentration</dt>
            <dd>{view.concentration}</dd>
            <dt>Daily dose</dt>
            <dd>{view.dailyDose}</dd>
            <dt>Mode</dt>
            <dd>
              {view.mode}
              {view.schedule.length > 0 && (
                <span className={styles.schedule}>
                  {' '}
                  (pump clock): {view.schedule.join('; ')}
                </span>
              )}
            </dd>
            <dt>Bolus device</dt>
            <dd>{view.bolusDevice}</dd>
          </dl>
        </section>
        <section>
          <h3>Pump</h3>
          <dl className={styles.letterFacts}>
            <dt>Model</dt>
            <dd>
              <NoBreakTail text={view.pumpModel} keep={view.pumpModelNumber} />
            </dd>
            <dt>Serial</dt>
            <dd>{view.serial}</dd>
            <dt>Implanted</dt>
            <dd>{view.implanted}</dd>
            <dt>Reservoir</dt>
            <dd>
              {view.reservoir}
              {view.constantFlow ? ' (constant flow, no alarm)' : `, alarm at ${view.alarmVolume}`}
            </dd>
            <dt>Manufacturer</dt>
            <dd>{view.supportLine}</dd>
          </dl>
        </section>
      </div>

      {view.risks && (
        <section className={`${styles.letterSection} ${styles.letterBox}`}>
          <h3>{view.risks.heading}</h3>
          <p>{view.risks.items.join('; ')}.</p>
        </section>
      )}

      <section className={styles.letterSection}>
        <h3>Refill dates (valid until the next refill). {view.passedDate}</h3>
        <dl className={styles.letterDates}>
          <div>
            <dt>Last refill</dt>
            <dd>{view.lastRefill}</dd>
          </div>
          <div>
            <dt>Next refill due</dt>
            <dd>{view.refillDue}</dd>
          </div>
          <div>
            <dt>{view.alarmDateLabel}</dt>
            <dd>{view.alarmDate}</dd>
          </div>
          <div>
            <dt>Estimated empty</dt>
            <dd>{view.emptyDate}</dd>
          </div>
        </dl>
      </section>

      <div className={styles.letterGrid}>
        <section className={styles.letterSection}>
          <h3>{view.underdose.heading}</h3>
          <p>Signs: {view.underdose.signs.join('; ')}.</p>
          <ol>
            {view.underdose.actions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ol>
        </section>
        <section className={styles.letterSection}>
          <h3>{view.overdose.heading}</h3>
          <p>Signs: {view.overdose.signs.join('; ')}.</p>
          <ol>
            {view.overdose.actions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ol>
        </section>
      </div>

      <div className={styles.letterGrid}>
        <section className={styles.letterSection}>
          <h3>Pump alarms</h3>
          <ul>
            {view.alarms.lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </section>
        <section className={styles.letterSection}>
          <h3>MRI</h3>
          <p className={view.mri.emphasis ? `${styles.letterBox} ${styles.strong}` : undefined}>
            {view.mri.short}
          </p>
          {view.mri.note && <p className={styles.modelNote}>Model note: {view.mri.note}</p>}
        </section>
      </div>

      {view.catheterPort && (
        <section className={styles.letterSection}>
          <h3>Catheter access port</h3>
          <p>
            <strong>{view.catheterPort.full}</strong>
          </p>
        </section>
      )}

      {view.backupOral && (
        <section className={styles.letterSection}>
          <h3>Backup oral plan</h3>
          <p>{view.backupOral}</p>
        </section>
      )}

      <footer className={styles.letterFoot}>
        <p>
          Printed {view.printedOn} by {view.clinicName} ({view.programVersion}).{' '}
          <strong>{view.validity}</strong> A newer card or letter replaces this one.
        </p>
        {qrMode === 'link' && <p>Guidance for emergency staff: {emergencyUrl}</p>}
      </footer>
    </FitBox>
  );
}
