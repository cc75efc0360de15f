/** Whether the database holds the seeded demo clinic (the seed marks it: clinics.is_demo). */
import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { clinics } from '../schema';

export function isDemoDatabase(db: Pick<Db, 'select'>): boolean {
  return db.select({ id: clinics.id }).from(clinics).where(eq(clinics.isDemo, true)).limit(1).get() != null;
}
