/** One audit row as the audit screen, its API and its CSV read it (db/queries/audit.ts listAudit). */
export interface AuditEntry {
  id: number;
  at: number;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ipAddress: string | null;
  userAgent: string | null;
}
