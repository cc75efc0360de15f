/** The request's "now". Domain code takes it as an argument; only the edges read the clock. */
export function requestNow(): number {
  return Date.now();
}
