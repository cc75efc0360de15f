'use client';

import { useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';

/**
 * Whether anything inside `el` reaches outside its content box: the box less its border and padding, so text
 * running into the padding or touching the border counts (issue 15: the old scrollHeight check ignored the bottom
 * padding). Measured from the rendered rectangles, so it works inside the screen preview's scale() too.
 */
function overflows(el: HTMLElement): boolean {
  return overflowingNode(el) != null;
}

/** The first node that reaches outside the content box, or null. */
function overflowingNode(el: HTMLElement): Node | null {
  const box = el.getBoundingClientRect();
  const scale = el.offsetWidth > 0 ? box.width / el.offsetWidth : 1;
  const css = getComputedStyle(el);
  const px = (v: string) => (parseFloat(v) || 0) * scale;
  const inner = {
    left: box.left + px(css.borderLeftWidth) + px(css.paddingLeft),
    right: box.right - px(css.borderRightWidth) - px(css.paddingRight),
    top: box.top + px(css.borderTopWidth) + px(css.paddingTop),
    bottom: box.bottom - px(css.borderBottomWidth) - px(css.paddingBottom),
  };
  const tolerance = 0.5 * scale;
  // Text nodes' own rectangles (a line box can be narrower than its element) and every element's box.
  const range = document.createRange();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // Text and inline boxes are the font's full height, taller than a tight line box: they are checked across
    // only; block boxes (whose height is their line boxes) are checked in both directions.
    let text = node.nodeType === Node.TEXT_NODE;
    let rects: DOMRectList;
    if (text) {
      if (!node.textContent?.trim()) continue;
      range.selectNodeContents(node);
      rects = range.getClientRects();
    } else {
      const child = node as Element;
      const display = getComputedStyle(child).display;
      if (display === 'none') continue;
      text = display === 'inline';
      rects = child.getClientRects();
    }
    for (const r of rects) {
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < inner.left - tolerance || r.right > inner.right + tolerance) return node;
      if (!text && (r.top < inner.top - tolerance || r.bottom > inner.bottom + tolerance)) return node;
    }
  }
  return null;
}

/**
 * A fixed-size printed area (a card face, a letter page) whose text is set as large as fits: the font size steps
 * down from `maxPt` until nothing overflows, never below `minPt` (the legibility floor). What still does not fit
 * at the floor is shortened: elements marked `data-collapse="N"` switch, lowest N first, to their short form
 * ("see letter"; CSS shows `[data-short]` and hides `[data-full]` once `data-collapsed` is set). `data-fit` says
 * "fits" or "overflow": the Print button and the print CSS refuse the latter. The size is in `data-font-pt`.
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
      const collapsible = [...el.querySelectorAll<HTMLElement>('[data-collapse]')].sort(
        (a, b) => Number(a.dataset.collapse) - Number(b.dataset.collapse),
      );
      for (const c of collapsible) delete c.dataset.collapsed;
      let size = maxPt;
      el.style.fontSize = `${size}pt`;
      while (overflows(el) && size > minPt) {
        size = Math.max(minPt, Math.round((size - 0.25) * 100) / 100);
        el.style.fontSize = `${size}pt`;
      }
      for (const c of collapsible) {
        if (!overflows(el)) break;
        c.dataset.collapsed = 'true';
      }
      setFontPt(size);
      const culprit = overflowingNode(el);
      // Says what does not fit (for the person fixing the record, and for tests).
      el.dataset.overflowAt = culprit ? (culprit.textContent ?? '').trim().slice(0, 60) : '';
      setFit(culprit ? 'overflow' : 'fits');
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
      data-min-pt={minPt}
    >
      {children}
    </section>
  );
}
