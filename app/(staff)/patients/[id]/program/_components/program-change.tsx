'use client';

import Link from 'next/link';
import { useId, useState } from 'react';
import type { ProgramFormContext } from '@/db/queries/programs';
import { formatConcentration, formatInstant, formatLocalDate } from '@/lib/format';
import { doseText } from '../../_components/labels';
import { ProgramForm, type ProgramChangeResult } from './program-form';

/**
 * The program form, then what was saved. The form is keyed by the program version (after a conflict, "Reload"
 * shows the other person's program, never the stale draft); the confirmation lives here, above the key, so that
 * the page can be read again after a save (its header names the new version) without losing it.
 */
export function ProgramChange({ context }: { context: ProgramFormContext }) {
  const id = useId();
  const [saved, setSaved] = useState<ProgramChangeResult | null>(null);
  const back = (
    <p>
      <Link className="button" href={`/patients/${context.patient.id}`}>
        Back to {context.patient.name}
      </Link>
    </p>
  );

  if (saved && !saved.program) {
    const o = saved.order;
    return (
      <section className="card stack" aria-labelledby={`${id}-saved`} role="status">
        <h2 id={`${id}-saved`}>Order saved for the next refill</h2>
        <p>
          {o.drugProduct} {formatConcentration(o.concentrationMcgPerMl * 1000, o.doseUnit)},{' '}
          {doseText(o.dailyDoseMcg, o.doseUnit)}. The program in the pump is unchanged until the nurse applies
          this order at the refill.
        </p>
        {back}
      </section>
    );
  }

  if (saved?.program) {
    const { program, forecast, previousDueOn } = saved;
    return (
      <section className="card stack" aria-labelledby={`${id}-saved`} role="status">
        <h2 id={`${id}-saved`}>Program version {program.versionNo} saved</h2>
        <p>
          {doseText(program.dailyDoseMcg, program.doseUnit)} from{' '}
          {formatInstant(program.effectiveAt, context.timeZone)}. Refill due{' '}
          <strong>{formatLocalDate(forecast.refillDueOn)}</strong>
          {previousDueOn !== forecast.refillDueOn ? ` (was ${formatLocalDate(previousDueOn)})` : ''}. Reprint
          the emergency card: the dose on it has changed.
        </p>
        {back}
      </section>
    );
  }

  return <ProgramForm key={context.program.versionNo} context={context} onSaved={setSaved} />;
}
