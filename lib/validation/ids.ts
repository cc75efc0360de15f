import { NotFoundError } from '@/lib/errors';

/** A route id: a positive integer, else 404 (no hint whether such a record exists elsewhere). */
export function parseId(raw: string | undefined, what: string): number {
  if (!raw || !/^[1-9]\d{0,15}$/.test(raw)) throw new NotFoundError(`No such ${what}.`);
  const id = Number(raw);
  if (!Number.isSafeInteger(id)) throw new NotFoundError(`No such ${what}.`);
  return id;
}
