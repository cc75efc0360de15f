/**
 * The audit trail: append-only. Every change (who, when, what, before and after) and every view of a patient
 * record. Written in the same transaction as the change it records.
 */
import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import * as s from '../schema';

export interface Actor {
  id: string;
  name: string;
  clinicId: number;
}

export type AuditAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'view'
  | 'print'
  | 'acknowledge'
  | 'snooze'
  | 'review'
  | 'rotate'
  | 'revoke'
  | 'sign-in'
  | 'export'
  // Authentication and account events (issue 14, item 7).
  | 'sign-in-failed'
  | 'lockout'
  | 'sign-out'
  | 'password-change'
  | 'password-reset'
  | 'unlock';

export function audit(
  db: Pick<Db, 'insert'>,
  actor: Actor,
  action: AuditAction,
  entity: string,
  entityId: string | number | null,
  before: unknown = null,
  after: unknown = null,
): void {
  db.insert(s.auditLog)
    .values({
      clinicId: actor.clinicId,
      actorId: actor.id,
      actorLabel: actor.name,
      action,
      entity,
      entityId: entityId == null ? null : String(entityId),
      before: before ?? null,
      after: after ?? null,
    })
    .run();
}

export interface AuditFilter {
  actorId?: string;
  entity?: string;
  entityId?: string;
  action?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

export function listAudit(db: Pick<Db, 'select'>, clinicId: number, filter: AuditFilter) {
  const conditions: (SQL | undefined)[] = [eq(s.auditLog.clinicId, clinicId)];
  if (filter.actorId) conditions.push(eq(s.auditLog.actorId, filter.actorId));
  if (filter.entity) conditions.push(eq(s.auditLog.entity, filter.entity));
  if (filter.entityId) conditions.push(eq(s.auditLog.entityId, filter.entityId));
  if (filter.action) conditions.push(eq(s.auditLog.action, filter.action));
  if (filter.from != null) conditions.push(gte(s.auditLog.at, filter.from));
  if (filter.to != null) conditions.push(lte(s.auditLog.at, filter.to));
  const where = and(...conditions);
  const rows = db
    .select({
      id: s.auditLog.id,
      at: s.auditLog.at,
      actorId: s.auditLog.actorId,
      actorLabel: s.auditLog.actorLabel,
      action: s.auditLog.action,
      entity: s.auditLog.entity,
      entityId: s.auditLog.entityId,
      before: s.auditLog.before,
      after: s.auditLog.after,
    })
    .from(s.auditLog)
    .where(where)
    .orderBy(desc(s.auditLog.at), desc(s.auditLog.id))
    .limit(Math.min(filter.limit ?? 100, 10_000))
    .offset(filter.offset ?? 0)
    .all();
  const total = db.select({ n: sql<number>`count(*)` }).from(s.auditLog).where(where).get()?.n ?? 0;
  return { rows, total };
}
