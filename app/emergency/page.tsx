/**
 * The public page for emergency staff, linked by the QR code on every pump card. No sign-in and no patient
 * data, ever: at most the managing clinic's name and 24/7 phone, found by the clinic's random emergency code in the
 * card's QR link (?c={code}); which the card shows anyway. Anything else (no code, an unknown code, a clinic id)
 * gets the same general page, so clinics cannot be listed by walking ids.
 */
import type { Metadata } from 'next';
import { getDb } from '@/db';
import { clinicByEmergencyCode } from '@/db/queries/clinics';
import { pumpModelCatalog } from '@/db/catalog';
import { overdoseSigns, pumpAbilities, underdoseSigns, xRayLine } from '@/lib/cards/wording';
import { emergencyCodeFrom } from '@/lib/validation/cards';
import styles from './emergency.module.css';

export const metadata: Metadata = { title: 'Intrathecal pump: guidance for emergency staff' };

// The same wording as the cards and letters (lib/cards/wording.ts, where each sentence cites its source). No
// patient is known here, so the oral-baclofen line gives the general bridging regimen, not a personal plan.
const baclofen = { name: 'baclofen', withdrawalRisk: 'severe' as const };
const morphine = { name: 'morphine', withdrawalRisk: 'moderate' as const };
const ziconotide = { name: 'ziconotide', withdrawalRisk: 'low' as const };
const baclofenWithdrawal = underdoseSigns(baclofen);
const morphineWithdrawal = underdoseSigns(morphine);
const ziconotideStopped = underdoseSigns(ziconotide);
const baclofenOverdose = overdoseSigns(baclofen);
const morphineOverdose = overdoseSigns(morphine);
const ziconotideOverdose = overdoseSigns(ziconotide);
const constantFlow = pumpAbilities({ kind: 'constant-flow' });
// The manufacturers' 24 h numbers the catalogue holds (reference F1: Medtronic 800-707-0933 [S94]).
const supportLines = [...new Set(pumpModelCatalog.flatMap((m) => (m.supportPhone ? [m.supportPhone] : [])))];

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

export default async function EmergencyPage({ searchParams }: Props) {
  const code = emergencyCodeFrom(await searchParams);
  const clinic = code != null ? clinicByEmergencyCode(getDb(), code) : undefined;

  return (
    <main className={styles.page}>
      <p className={styles.kicker}>For emergency staff</p>
      <h1>Patient with an implanted intrathecal drug pump</h1>
      <div className={styles.alert}>
        <p>
          <strong>Do not let the pump stop abruptly.</strong> Sudden loss of intrathecal baclofen can be
          life-threatening. Call the clinic that manages the pump: its 24/7 number is on the patient’s wallet
          card or letter
          {clinic ? ' and below' : ''}.
        </p>
      </div>

      {clinic ? (
        <section className={styles.clinic} aria-labelledby="clinic-heading">
          <h2 id="clinic-heading" className={styles.clinicHeading}>
            Managing clinic
          </h2>
          <p className={styles.clinicName}>{clinic.name}</p>
          <p>
            24/7:{' '}
            <span className={styles.phone}>
              <a href={telHref(clinic.phone24h)}>{clinic.phone24h}</a>
            </span>
          </p>
        </section>
      ) : (
        <p>
          <strong>Managing clinic:</strong> use the 24/7 phone number printed on the patient’s card. It also
          names the drug, the dose, the pump model and the managing physician.
        </p>
      )}

      <nav aria-label="On this page">
        <ul className={styles.toc}>
          <li>
            <a href="#pump">The pump</a>
          </li>
          <li>
            <a href="#withdrawal">Baclofen withdrawal</a>
          </li>
          <li>
            <a href="#overdose">Overdose</a>
          </li>
          <li>
            <a href="#other-drugs">Morphine, ziconotide</a>
          </li>
          <li>
            <a href="#alarms">Alarms</a>
          </li>
          <li>
            <a href="#mri">MRI</a>
          </li>
          <li>
            <a href="#port">Catheter access port</a>
          </li>
          <li>
            <a href="#contact">Reaching the clinic</a>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="pump">
        <h2 id="pump">What the pump is</h2>
        <p>
          A pump sits under the skin of the abdomen. A thin catheter runs from it to the spine and delivers
          the drug straight into the spinal fluid (intrathecal). Intrathecal doses are tiny compared with oral
          or intravenous doses.
        </p>
        <ul>
          <li>
            <strong>Baclofen</strong> for severe spasticity (the most common). <strong>Morphine</strong> or{' '}
            <strong>ziconotide</strong> for pain.
          </li>
          <li>
            <strong>Programmable pumps</strong> (for example Medtronic SynchroMed, Flowonix Prometra) are read
            and adjusted with a programmer held over the skin (“interrogation”) by the managing clinic or the
            manufacturer’s representative.
          </li>
          <li>
            <strong>Constant-flow pumps</strong> (for example Codman 3000) run at a fixed rate, have no
            battery and <strong>no alarm</strong>.
          </li>
          <li>
            The reservoir is refilled through the skin every few weeks to months. A missed refill empties the
            pump.
          </li>
        </ul>
      </section>

      <section aria-labelledby="withdrawal">
        <h2 id="withdrawal">Baclofen withdrawal: urgent</h2>
        <p>
          Causes: the pump ran empty (missed refill), the battery ended, the pump stopped, or the catheter is
          kinked, blocked, disconnected or moved.
        </p>
        <h3>Signs</h3>
        <ul>
          <li>
            Early: return of stiffness and spasms, itching without a rash, low blood pressure, tingling.
          </li>
          <li>
            Then: high fever, confusion or altered mental state, exaggerated rebound spasticity and muscle
            rigidity.
          </li>
          <li>Severe: muscle breakdown (rhabdomyolysis), failure of several organs, death.</li>
        </ul>
        <p>
          <strong>It evolves over 1 to 3 days and can be fatal.</strong> It can look like sepsis, autonomic
          dysreflexia, malignant hyperthermia or neuroleptic malignant syndrome. Patients at higher risk:
          spinal cord injury at T6 or above, difficulty communicating, earlier withdrawal episodes.
        </p>
        <h3>What to do</h3>
        <ol>
          {baclofenWithdrawal.actions.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ol>
        <p>
          On a <strong>constant-flow pump</strong> (Codman 3000, IsoMed): {constantFlow.check}
        </p>
      </section>

      <section aria-labelledby="overdose">
        <h2 id="overdose">Overdose</h2>
        <p>
          Causes: a programming or concentration error, or refill drug injected into the pocket under the skin
          or into the catheter access port instead of the reservoir.
        </p>
        {[baclofenOverdose, morphineOverdose, ziconotideOverdose].map((block) => (
          <div key={block.heading}>
            <h3>{block.heading}</h3>
            <p>Signs: {block.signs.join('; ')}.</p>
            <ol>
              {block.actions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ol>
          </div>
        ))}
        <p>
          On a <strong>constant-flow pump</strong>: {constantFlow.stop}
        </p>
      </section>

      <section aria-labelledby="other-drugs">
        <h2 id="other-drugs">Morphine and ziconotide pumps: if the pump stops</h2>
        {[morphineWithdrawal, ziconotideStopped].map((block) => (
          <div key={block.heading}>
            <h3>{block.heading.replace('If the pump stops', 'Ziconotide: if the pump stops')}</h3>
            <p>Signs: {block.signs.join('; ')}.</p>
            <ol>
              {block.actions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ol>
          </div>
        ))}
      </section>

      <section aria-labelledby="alarms">
        <h2 id="alarms">What the alarm sounds mean</h2>
        <ul>
          <li>
            <strong>SynchroMed, two-tone alarm (critical):</strong> the reservoir is empty, the battery has
            ended or the motor has stopped. Drug is no longer flowing.{' '}
            <strong>Call the managing clinic immediately.</strong>
          </li>
          <li>
            <strong>SynchroMed, single-tone alarm (non-critical),</strong> repeating about every hour: the
            reservoir is low or the battery needs replacing soon. Call the clinic the same day.
          </li>
          <li>
            <strong>Constant-flow pumps have no alarm:</strong> they run empty without warning. The refill due
            date on the card is the only protection.
          </li>
          <li>Other models, or any alarm you cannot identify: call the managing clinic now.</li>
        </ul>
      </section>

      <section aria-labelledby="mri">
        <h2 id="mri">MRI</h2>
        <ul>
          <li>
            <strong>SynchroMed:</strong> the magnet stops the pump motor during the scan, and restarting can
            be delayed. <strong>The pump must be interrogated right after every MRI.</strong>
          </li>
          <li>
            <strong>Prometra:</strong>{' '}
            <span className={styles.caps}>the pump must be emptied before any MRI.</span> The magnetic field
            can open its valves and release the whole reservoir at once: a fatal overdose.
          </li>
          <li>
            Any other or unknown pump: contact the managing clinic before the scan. The card states the rule
            for this pump.
          </li>
        </ul>
      </section>

      <section aria-labelledby="port">
        <h2 id="port">Catheter access port: never inject into it</h2>
        <p>
          Some pumps (for example SynchroMed) have a second, side port that leads straight into the spinal
          catheter, bypassing the reservoir.{' '}
          <strong>Refill drug injected there is a direct, possibly fatal, overdose.</strong> Never access the
          pump unless trained: refills go only into the central reservoir port, by staff of the managing
          clinic, using the manufacturer’s refill kit and the programmer.
        </p>
      </section>

      <section aria-labelledby="contact">
        <h2 id="contact">Reaching the managing clinic</h2>
        <ul>
          <li>
            The 24/7 phone of the managing clinic and the managing physician are on the front of the patient’s
            wallet card.
          </li>
          <li>
            The card also names the pump maker and its support line, which can help interrogate the pump.
            {supportLines.map((line) => (
              <span key={line}>
                {' '}
                <strong>{line}</strong>.
              </span>
            ))}
          </li>
          <li>{xRayLine}</li>
          <li>
            The card shows the date it was printed and is valid until the next refill: if its refill due date
            has passed, the dose on it may be out of date. Confirm with the clinic.
          </li>
        </ul>
        <p className={styles.small}>
          General information for professionals. It does not replace the advice of the clinic that manages
          this patient’s pump.
        </p>
      </section>
    </main>
  );
}
