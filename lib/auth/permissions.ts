/**
 * Who may do what. The single table behind every page, route handler and server action; docs/security.md
 * lists each route with the permission it needs, and e2e/security.spec.ts walks that table.
 */
import type { StaffRole } from '@/lib/domain/vocabulary';

export const permissions = {
  /**
   * Read patients for scheduling: name, date of birth, MRN, phone, appointments, due dates, the alarm and empty
   * dates and the urgency (the worklist, recall, appointments, the patient page's scheduling view). The front desk
   * stops here (issue 14): what it sees is narrowed on the server (db/queries/front-desk.ts).
   */
  'patients:read': ['physician', 'nurse', 'front-desk'],
  /**
   * The full clinical record: programs, doses and concentrations, visits and their notes, allergies, discrepancies,
   * orders, volumes, the alerts' sentences, the day sheet and FHIR. Those who treat the patient.
   */
  'clinical:read': ['physician', 'nurse'],
  /** Add or edit patients and pumps (demographics, explant, replace). */
  'patients:write': ['physician', 'nurse'],
  /**
   * Import a clinic's spreadsheet of patients and pumps (docs/import.md): the clinical staff who add patients one by
   * one. Not admins: the dry run shows every row's clinical record, and admins read none (docs/security.md).
   */
  'patients:import': ['physician', 'nurse'],
  'refills:write': ['physician', 'nurse'],
  'programs:write': ['physician'],
  'appointments:write': ['physician', 'nurse', 'front-desk'],
  /**
   * The outreach list (issue 16 item 4): log a call or message to a patient, create and close follow-up tasks, and
   * deal with a patient's request for another appointment time. Everyone who phones patients.
   */
  'outreach:write': ['physician', 'nurse', 'front-desk'],
  'alerts:acknowledge': ['physician', 'nurse'],
  /** Close a residual discrepancy (E5) with a review note: a physician evaluates it (reference.md E5, S33). */
  'discrepancies:review': ['physician'],
  'cards:print': ['physician', 'nurse'],
  'feeds:manage': ['physician', 'nurse'],
  /** A personal clinic calendar feed. */
  'feeds:own': ['physician', 'nurse', 'front-desk'],
  'forecast:calculate': ['physician', 'nurse'],
  'settings:write': ['admin'],
  'settings:read': ['admin', 'physician', 'nurse', 'front-desk'],
  'staff:manage': ['admin'],
  /**
   * The clinic's audit trail: who did and saw what, when and from where (docs/security.md "Who reads the audit").
   * Admins for accounts and access reviews; physicians for the clinical audit of their clinic.
   */
  'audit:read': ['admin', 'physician'],
  /** Field values of clinical records in the audit (doses, volumes, demographics, patient names): not admins. */
  'audit:values': ['physician'],
  /** Download the whole clinic (ZIP of CSV files) and the database backup, to move out or keep a copy (issue 17). */
  'clinic:export': ['admin'],
  'tokens:own': ['admin', 'physician', 'nurse', 'front-desk'],
  /** One's own password (and, with it, leaving a temporary password behind). */
  'account:own': ['admin', 'physician', 'nurse', 'front-desk'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof permissions;

export function can(role: StaffRole, permission: Permission): boolean {
  return (permissions[permission] as readonly StaffRole[]).includes(role);
}
