'use client';

/** A print page's Print button: the browser's print dialog (the page prints without the bar it sits in). */
export function PrintPageButton({ label }: { label: string }) {
  return (
    <button type="button" onClick={() => window.print()}>
      {label}
    </button>
  );
}
