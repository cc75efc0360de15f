/**
 * Each role's first screen after signing in: where it can work (issue 14, item 9). The admin has no clinical
 * records, so its home is the staff page, not the worklist that would answer "not allowed".
 */
import type { StaffRole } from '@/db/schema';
import { can } from './permissions';

export function homeFor(role: StaffRole): string {
  return can(role, 'patients:read') ? '/' : '/admin/staff';
}
