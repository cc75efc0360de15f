/**
 * How every number of the app is written, one home for pages, alert text, cards and server messages
 * (docs/decisions/028-one-format.md): a decimal point, no thousands separator, no trailing zero, at most
 * `maxDecimals` decimals ("2000", "12.5", "0.25"). No separator because a number is shown as the nurse types it
 * into a field (the fields refuse "2,000": "1,5" could be 1.5 or 15) and as the vial and the programmer print it
 * ("2000 mcg/mL"); no trailing zero because "2.0 mL" can be misread as 20 mL (ISMP's error-prone abbreviations).
 */
export function formatDecimal(value: number, maxDecimals = 2): string {
  // Rounds the shortest decimal that reads back as `value` (what `String(value)` prints: 117.815, not the double's
  // exact 117.81499…), half away from zero, as `Intl.NumberFormat` does: numbers.test.ts compares the two on any
  // double. Done by hand so that a page does not load ICU's data for its first Intl.NumberFormat, a long task on a
  // phone's CPU (docs/performance.md). `toFixed` would round the exact double: 1.005 to "1.00". Infinity, NaN and
  // numbers from 1e21 on (which String writes with an exponent) go to Intl.
  if (!Number.isInteger(maxDecimals) || maxDecimals < 0 || maxDecimals > 20)
    throw new RangeError(`maxDecimals must be a whole number from 0 to 20, got ${maxDecimals}`);
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return intlDecimal(value, maxDecimals);
  const [mantissa = '0', exponent = '0'] = String(Math.abs(value)).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  let digits = whole + fraction;
  let point = whole.length + Number(exponent); // where the decimal point falls in `digits`
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  const keep = point + maxDecimals;
  if (digits.length > keep) {
    const up = digits[keep]! >= '5';
    digits = digits.slice(0, keep);
    if (up) {
      const carried = incrementDecimal(digits);
      if (carried.length > digits.length) point += 1;
      digits = carried;
    }
  }
  const int = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits.slice(point).replace(/0+$/, '');
  const text = frac ? `${int}.${frac}` : int;
  return value < 0 && text !== '0' ? `-${text}` : text;
}

/** A string of decimal digits plus one ("199" → "200", "99" → "100", "" → "1"). */
function incrementDecimal(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return '1' + '0'.repeat(digits.length);
  return digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + '0'.repeat(digits.length - i - 1);
}

const formatters = new Map<number, Intl.NumberFormat>();

/** The same format through Intl. */
export function intlDecimal(value: number, maxDecimals = 2): string {
  let f = formatters.get(maxDecimals);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: maxDecimals, minimumFractionDigits: 0, useGrouping: false });
    formatters.set(maxDecimals, f);
  }
  const text = f.format(value);
  return text === '-0' ? '0' : text;
}
