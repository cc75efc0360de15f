/**
 * How every number of the app is written, one home for pages, alert text, cards and server messages
 * (docs/decisions/028-one-format.md): a decimal point, no thousands separator, no trailing zero, at most
 * `maxDecimals` decimals ("2000", "12.5", "0.25"). No separator because a number is shown as the nurse types it
 * into a field (the fields refuse "2,000": "1,5" could be 1.5 or 15) and as the vial and the programmer print it
 * ("2000 mcg/mL"); no trailing zero because "2.0 mL" can be misread as 20 mL (ISMP's error-prone abbreviations).
 */
const formatters = new Map<number, Intl.NumberFormat>();

export function formatDecimal(value: number, maxDecimals = 2): string {
  let f = formatters.get(maxDecimals);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: maxDecimals, minimumFractionDigits: 0, useGrouping: false });
    formatters.set(maxDecimals, f);
  }
  const text = f.format(value);
  return text === '-0' ? '0' : text;
}
