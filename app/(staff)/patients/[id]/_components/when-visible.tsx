'use client';

import type { ComponentProps } from 'react';
import { useInView } from 'react-intersection-observer';

/**
 * A box whose children are rendered only once it comes near the viewport (and then stay). A child loaded with
 * next/dynamic is fetched only then: the patient page's charts keep recharts out of its first load.
 */
export function WhenVisible({ children, ...box }: ComponentProps<'div'>) {
  const { ref, inView } = useInView({ triggerOnce: true, rootMargin: '200px 0px' });
  return (
    <div ref={ref} {...box}>
      {inView ? children : null}
    </div>
  );
}
