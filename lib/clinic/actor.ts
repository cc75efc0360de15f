/**
 * Who acts in a use case, as the route handler resolved and authorized them: services never read cookies,
 * headers or roles. A decision that depends on the role beyond the route's permission (may this person prescribe?)
 * is made by the handler from lib/auth/permissions.ts and passed in here.
 */
import { type Db } from '@/db/client';
import { type Actor } from '@/db/queries/audit';
import { can } from '@/lib/auth/permissions';
import type { Staff } from '@/lib/auth/session';

export interface ClinicActor extends Actor {
  /** May order and change drug programs ('programs:write'): a physician. */
  prescribes: boolean;
}

/** The actor of a request: the signed-in staff member and what their role allows beyond the route's permission. */
export function clinicActor(staff: Pick<Staff, 'id' | 'name' | 'clinicId' | 'role'>): ClinicActor {
  return {
    id: staff.id,
    name: staff.name,
    clinicId: staff.clinicId,
    prescribes: can(staff.role, 'programs:write'),
  };
}

/** What a use case does inside its transaction. */
export type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'all' | 'run'>;
