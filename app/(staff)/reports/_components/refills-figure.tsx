'use client';

import dynamic from 'next/dynamic';
import { WhenVisible } from '../../patients/[id]/_components/when-visible';
import type { MonthBar } from './reports-chart';

const RefillsChart = dynamic(() => import('./reports-chart').then((m) => m.RefillsChart), { ssr: false });

/** The chart with a text equivalent (the same numbers are in the table beside it). */
export function RefillsFigure({ data }: { data: MonthBar[] }) {
  const summary = `Refills per month, on time and late: ${data.map((d) => `${d.label} ${d.onTime} on time, ${d.late} late`).join('; ')}.`;
  return (
    <figure className="pt-chart">
      <WhenVisible role="img" aria-label={summary} className="report-chart-box">
        <RefillsChart data={data} />
      </WhenVisible>
      <figcaption className="small muted">Refills on time (green) and late (red) per month; the numbers are in the table.</figcaption>
    </figure>
  );
}
