'use client';

import { useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';

function overflows(el: HTMLElement): boolean {
  return el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
}

/**
 * A fixed-size printed area (a card face, a letter page) whose text is set as large as fits: the font size
 * steps down from `maxPt` until nothing overflows, never below `minPt`. Long names and notes therefore wrap
 * and shrink instead of being clipped. `data-fit` says "fits" or "overflow" (the Print button refuses the
 * latter), and the chosen size is in `data-font-pt`.
 */
export function FitBox({
  children,
  className,
  style,
  maxPt,
  minPt,
  initialPt,
  label,
}: {
  children: ReactNode;
  className?: string;
  style?: CSSProperties;
  maxPt: number;
  minPt: number;
  initialPt: number;
  label: string;
}) {
  const ref = useRef<HTMLElement>(null);
  const [fontPt, setFontPt] = useState(initialPt);
  const [fit, setFit] = useState<'pending' | 'fits' | 'overflow'>('pending');

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let cancelled = false;
    const run = () => {
      if (cancelled) return;
      let size = maxPt;
      el.style.fontSize = `${size}pt`;
      while (overflows(el) && size > minPt) {
        size = Math.max(minPt, Math.round((size - 0.25) * 100) / 100);
        el.style.fontSize = `${size}pt`;
      }
      setFontPt(size);
      setFit(overflows(el) ? 'overflow' : 'fits');
    };
    run();
    // Measure again once web fonts are in: a wider font could overflow.
    void document.fonts.ready.then(run);
    return () => {
      cancelled = true;
    };
  }, [maxPt, minPt, children]);

  return (
    <section
      ref={ref}
      aria-label={label}
      className={className}
      style={{ ...style, fontSize: `${fontPt}pt` }}
      data-fit={fit}
      data-font-pt={fontPt}
    >
      {children}
    </section>
  );
}
