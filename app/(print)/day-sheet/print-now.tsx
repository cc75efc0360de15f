'use client';

/** The day sheet's Print button: the browser's print dialog (the sheet prints landscape, without this bar). */
export function PrintNow() {
  return (
    <button type="button" onClick={() => window.print()}>
      Print the day sheet
    </button>
  );
}
