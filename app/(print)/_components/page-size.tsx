/**
 * The printed page size of the page that renders it (the card's 85.6 × 54 mm, A4 or US Letter), with no
 * printer margin: each sheet draws its own margins, so the screen preview and the paper match.
 */
export const pageSizes = {
  card: { width: '85.6mm', height: '54mm' },
  a4: { width: '210mm', height: '297mm' },
  letter: { width: '215.9mm', height: '279.4mm' },
} as const;

export type PageSizeName = keyof typeof pageSizes;

export function PageSize({ size }: { size: PageSizeName }) {
  const { width, height } = pageSizes[size];
  const css = `@page { size: ${width} ${height}; margin: 0; }
@media print {
  html, body { margin: 0 !important; padding: 0 !important; background: #fff !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;
  return <style>{css}</style>;
}
