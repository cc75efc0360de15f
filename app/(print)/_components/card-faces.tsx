/** The two faces of the wallet card (85.6 × 54 mm): who, what drug, which pump, which dates, whom to call; then what to do. */
import { nameSizeStep } from '@/lib/cards/wording';
import type { CardView } from '@/lib/cards/view';
import { FitBox } from './fit-box';
import styles from './print.module.css';

export function CardFront({ view }: { view: CardView }) {
  return (
    <FitBox className={styles.face} maxPt={8} minPt={4.5} initialPt={6} label="Card front">
      <div className={styles.head} data-testid="card-headline">
        <p className={styles.headTitle}>
          <span className={styles.warnSign} aria-hidden="true">
            ⚠{' '}
          </span>
          {view.headline.title}
        </p>
        <p className={styles.headSub}>{view.headline.subtitle}</p>
      </div>

      <div className={styles.person}>
        <p className={styles.name} data-step={nameSizeStep(view.patientName)} data-testid="card-name">
          {view.patientName}
        </p>
        <p className={styles.born}>
          <span className={styles.label}>Born</span> <strong>{view.dateOfBirth}</strong>
        </p>
      </div>

      <div className={styles.cols}>
        <dl className={styles.facts}>
          <dt>Drug</dt>
          <dd>
            {view.drugName} ({view.drugProduct})
          </dd>
          <dt>Conc.</dt>
          <dd>{view.concentration}</dd>
          <dt>Dose</dt>
          <dd>{view.dailyDose}</dd>
          <dt>Mode</dt>
          <dd className={styles.plain}>{view.mode}</dd>
          <dt>Bolus</dt>
          <dd className={styles.plain}>{view.bolusDevice}</dd>
        </dl>
        <dl className={styles.facts}>
          <dt>Pump</dt>
          <dd>
            {view.pumpModel}
          </dd>
          <dt>Serial</dt>
          <dd>{view.serial}</dd>
          <dt>Implant</dt>
          <dd className={styles.plain}>{view.implanted}</dd>
          <dt>Reservoir</dt>
          <dd className={styles.plain}>{view.reservoir}</dd>
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

      <div className={styles.contact}>
        <p>
          <span className={styles.label}>Managing clinic</span> <strong>{view.clinicName}</strong> ·{' '}
          {view.physician}
        </p>
        <p className={styles.phoneLine}>
          <span className={styles.label}>24/7</span>
          <span className={styles.phone}>{view.clinicPhone24h}</span>
        </p>
        <p>
          <span className={styles.label}>Manufacturer</span> {view.supportLine}
        </p>
      </div>
    </FitBox>
  );
}

export function CardBack({
  view,
  qrSvg,
  emergencyUrl,
}: {
  view: CardView;
  qrSvg: string;
  emergencyUrl: string;
}) {
  const shortUrl = emergencyUrl.replace(/^https?:\/\//, '');
  return (
    <FitBox className={styles.face} maxPt={7} minPt={4.5} initialPt={5.5} label="Card back">
      <div className={styles.backBody}>
        <div className={styles.qr}>
          {/* Server-made SVG from the qrcode package: no script, no patient data (clinic id only). */}
          <div
            dangerouslySetInnerHTML={{ __html: qrSvg }}
            role="img"
            aria-label={`QR code: ${emergencyUrl}`}
          />
          Emergency guide
        </div>
        <p className={styles.para}>
          <span className={styles.tag}>{view.underdose.shortHeading}</span>
          {view.underdose.signs.join(', ')}. <strong>{view.underdose.cardAction}</strong>
        </p>
        <p className={styles.para}>
          <span className={styles.tag}>{view.overdose.shortHeading}</span>
          {view.overdose.signs.join(', ')}. <strong>{view.overdose.cardAction}</strong>
        </p>
        <p className={styles.para}>
          <span className={styles.tag}>Alarms</span>
          {view.alarms.summary}
        </p>
        <p className={view.mri.emphasis ? `${styles.para} ${styles.boxed} ${styles.strong}` : styles.para}>
          <span className={styles.tag}>MRI</span>
          {view.mri.short}
        </p>
        {view.catheterPort && (
          <p className={styles.para}>
            <span className={styles.tag}>Catheter port</span>
            <strong>{view.catheterPort.card}</strong>
          </p>
        )}
        {view.backupOral && (
          <p className={styles.para}>
            <span className={styles.tag}>Backup</span>
            {view.backupOral}
          </p>
        )}
        <p className={styles.para}>
          <span className={styles.tag}>Allergies</span>
          {view.allergiesRecorded ? <strong>{view.allergies}</strong> : view.allergies}
        </p>
      </div>
      <p className={styles.backFoot}>
        Printed {view.printedOn} ({view.programVersion}). <strong>{view.validity}</strong> Guide: {shortUrl}
      </p>
    </FitBox>
  );
}
