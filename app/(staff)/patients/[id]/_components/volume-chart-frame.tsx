'use client';

import dynamic from 'next/dynamic';
import { stabilityShown, type VolumeChartProps } from './volume-chart-span';
import { WhenVisible } from './when-visible';

// recharts is most of the patient page's JavaScript and the chart sits below the fold: it is fetched only when the
// figure comes near the viewport, and never rendered on the server (it measures its container).
const VolumeChart = dynamic(() => import('./volume-chart').then((m) => m.VolumeChart), { ssr: false });

/**
 * The volume chart's figure: its text alternative and caption are in the first HTML, for screen readers and for
 * anyone whose browser has not drawn the chart yet; the drawing is loaded as the figure scrolls into view.
 */
export function VolumeChartFrame(props: VolumeChartProps) {
  return (
    <figure className="pt-chart">
      <WhenVisible
        role="img"
        aria-label={`Chart of reservoir volume over time. ${props.summary}`}
        className="pt-chart-box"
      >
        <VolumeChart {...props} />
      </WhenVisible>
      <figcaption className="small">
        {!stabilityShown(props) && (
          <span className="muted">
            The drug stability limit ({props.stabilityLabel}) is beyond the chart.{' '}
          </span>
        )}
        {props.summary}
      </figcaption>
    </figure>
  );
}
