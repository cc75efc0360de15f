/**
 * The audit trail: append-only. Every change (who, when, what, before and after), every view of a patient
 * record and every authentication event, with where the request came from (address and user agent). Written in
 * the same transaction as the change it records.
 *
 * Append-only is enforced by SQLite triggers (migration 0007). Tamper evidence: each row's `hash` is SHA-256
 * over its content and the previous row's hash, so an edited, removed or inserted row breaks the chain from
 * there on; `verifyAuditChain` (npm run audit:verify) recomputes it and names the first broken row.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import { and, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import * as s from '../schema';
import { clockNow } from '../../lib/clock';

/** Where a request came from, as the audit records it. */
export interface RequestOrigin {
  ipAddress: string | null;
  userAgent: string | null;
}

/** The request being handled, set by the API wrapper (lib/http/api.ts) so every row it writes carries it. */
const requestOrigins = new AsyncLocalStorage<RequestOrigin>();

export function withRequestOrigin<T>(origin: RequestOrigin, fn: () => T): T {
  return requestOrigins.run(origin, fn);
}

/**
 * The client address and user agent of a request. X-Forwarded-For is the one address the server wrote there
 * under the trusted-proxy rule (scripts/forwarded.mjs), never what a client sent.
 */
export function requestOriginOf(headers: Headers): RequestOrigin {
  const ip = headers.get('x-forwarded-for')?.split(',')[0]?.trim() || null;
  const ua = headers.get('user-agent')?.trim() || null;
  return { ipAddress: ip ? ip.slice(0, 64) : null, userAgent: ua ? ua.slice(0, 512) : null };
}

export interface Actor {
  id: string;
  name: string;
  clinicId: number;
  /** Where the request came from; else the request being handled (withRequestOrigin), if any. */
  ipAddress?: string | null;
  userAgent?: string | null;
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
  | 'unlock'
  // Two-step sign-in (issue 14, item 4): an authenticator confirmed, switched off, reset by an admin, new
  // recovery codes, a wrong code at sign-in.
  | 'mfa-enrol'
  | 'mfa-disable'
  | 'mfa-reset'
  | 'mfa-recovery-codes'
  | 'mfa-failed'
  // The clinic and its first admin created by the first-run setup (issue 14, item 12).
  | 'setup';

export function audit(
  // Typed as callers have always passed it; every caller passes the connection or a transaction, which
  // can also read the chain's last hash (checked in appendAudit).
  db: Pick<Db, 'insert'>,
  actor: Actor,
  action: AuditAction,
  entity: string,
  entityId: string | number | null,
  before: unknown = null,
  after: unknown = null,
): void {
  appendAudit(db as Pick<Db, 'insert' | 'select'>, {
    clinicId: actor.clinicId,
    actorId: actor.id,
    actorLabel: actor.name,
    action,
    entity,
    entityId: entityId == null ? null : String(entityId),
    before: before ?? null,
    after: after ?? null,
    ipAddress: actor.ipAddress,
    userAgent: actor.userAgent,
  });
}

/** A row whose actor may be unknown (a failed sign-in for an email with no account). */
export interface AuditEvent {
  clinicId: number | null;
  actorId: string | null;
  actorLabel: string;
  action: AuditAction;
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** The fields the hash covers, in a fixed order, as stored (JSON columns as their text). */
function chainedContent(row: {
  clinicId: number | null;
  at: number;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: string | null;
  after: string | null;
  ipAddress: string | null;
  userAgent: string | null;
}) {
  return JSON.stringify([row.clinicId, row.at, row.actorId, row.actorLabel, row.action, row.entity, row.entityId, row.before, row.after, row.ipAddress, row.userAgent]);
}

export function auditHash(prevHash: string | null, content: string): string {
  return crypto.createHash('sha256').update(`${prevHash ?? ''}\n${content}`).digest('hex');
}

/**
 * Appends one row to the chain. Reading the last hash and inserting are synchronous with nothing between
 * them, and callers write inside a BEGIN IMMEDIATE transaction, so two rows never claim the same predecessor.
 */
export function appendAudit(db: Pick<Db, 'insert' | 'select'>, event: AuditEvent, at = clockNow()): void {
  if (typeof db.select !== 'function') throw new TypeError('audit needs a connection or transaction that can read the chain');
  const origin = requestOrigins.getStore();
  const ipAddress = event.ipAddress !== undefined ? event.ipAddress : (origin?.ipAddress ?? null);
  const userAgent = event.userAgent !== undefined ? event.userAgent : (origin?.userAgent ?? null);
  const before = event.before ?? null;
  const after = event.after ?? null;
  const prev = db.select({ hash: s.auditLog.hash }).from(s.auditLog).orderBy(desc(s.auditLog.id)).limit(1).get();
  const prevHash = prev?.hash ?? null;
  const content = chainedContent({
    clinicId: event.clinicId,
    at,
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId,
    // As drizzle stores a JSON column: JSON.stringify of the value.
    before: before === null ? null : JSON.stringify(before),
    after: after === null ? null : JSON.stringify(after),
    ipAddress,
    userAgent,
  });
  db.insert(s.auditLog)
    .values({
      clinicId: event.clinicId,
      at,
      actorId: event.actorId,
      actorLabel: event.actorLabel,
      action: event.action,
      entity: event.entity,
      entityId: event.entityId,
      before,
      after,
      ipAddress,
      userAgent,
      prevHash,
      hash: auditHash(prevHash, content),
    })
    .run();
}

export type ChainCheck =
  | { ok: true; rows: number; unchained: number }
  | { ok: false; rows: number; unchained: number; brokenAt: number; reason: string };

/**
 * Recomputes the chain in id order from the stored text. Rows written before the chain existed (no hash, all
 * before the first hashed row) are counted as unchained; after that, every row must carry the hash of its
 * content and its predecessor's hash.
 */
export function verifyAuditChain(db: Pick<Db, '$client'>): ChainCheck {
  const rows = db.$client
    .prepare(
      'SELECT id, clinic_id AS clinicId, created_at AS at, actor_id AS actorId, actor_label AS actorLabel, action, entity, entity_id AS entityId, before, after, ip_address AS ipAddress, user_agent AS userAgent, prev_hash AS prevHash, hash FROM audit_log ORDER BY id',
    )
    .iterate() as IterableIterator<Parameters<typeof chainedContent>[0] & { id: number; prevHash: string | null; hash: string | null }>;
  let count = 0;
  let unchained = 0;
  let previous: string | null | undefined;
  for (const row of rows) {
    count++;
    if (previous === undefined && row.hash === null) {
      unchained++;
      continue;
    }
    const fail = (reason: string): ChainCheck => ({ ok: false, rows: count, unchained, brokenAt: row.id, reason });
    if (row.hash === null) return fail('has no hash, after rows that have one (inserted around the chain)');
    const expectedPrev = previous ?? null;
    if (row.prevHash !== expectedPrev) return fail('does not follow the row before it (a row was removed, inserted or reordered)');
    if (auditHash(row.prevHash, chainedContent(row)) !== row.hash) return fail('content does not match its hash (the row was edited)');
    previous = row.hash;
  }
  return { ok: true, rows: count, unchained };
}

export interface AuditFilter {
  actorId?: string;
  entity?: string;
  entityId?: string;
  action?: string;
  /** Rows about this patient: changes to their record and every read that named them. */
  patientId?: number;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

/** The most rows one listing returns: the CSV export's limit. */
export const MAX_AUDIT_ROWS = 100_000;

/**
 * The names an audit listing shows for the ids in its rows (lib/audit/present.ts): staff of the clinic, and the
 * patients and pumps the rows are about. Patient names and pump models are loaded only `withValues`
 * (audit:values): without it the reader gets MRNs and ids.
 */
export function auditLookupsFor(
  db: Pick<Db, 'select'>,
  clinicId: number,
  ids: { patientIds: Iterable<number>; pumpIds: Iterable<number> },
  withValues: boolean,
) {
  const staff = new Map(
    db
      .select({ id: s.users.id, name: s.users.name })
      .from(s.users)
      .where(eq(s.users.clinicId, clinicId))
      .all()
      .map((u) => [u.id, u.name]),
  );
  const pumpIds = [...new Set(ids.pumpIds)];
  const pumpRows = pumpIds.length
    ? db
        .select({ id: s.pumps.id, patientId: s.pumps.patientId, serial: s.pumps.serial, model: s.pumpModels.modelNumber })
        .from(s.pumps)
        .innerJoin(s.patients, eq(s.patients.id, s.pumps.patientId))
        .innerJoin(s.pumpModels, eq(s.pumpModels.id, s.pumps.modelId))
        .where(and(eq(s.patients.clinicId, clinicId), inArray(s.pumps.id, pumpIds)))
        .all()
    : [];
  const pumps = new Map(pumpRows.map((p) => [p.id, { patientId: p.patientId, label: withValues ? `${p.model} SN ${p.serial}` : null }]));
  const patientIds = [...new Set([...ids.patientIds, ...pumpRows.map((p) => p.patientId)])];
  const patients = new Map(
    (patientIds.length
      ? db
          .select({ id: s.patients.id, mrn: s.patients.mrn, givenName: s.patients.givenName, familyName: s.patients.familyName })
          .from(s.patients)
          .where(and(eq(s.patients.clinicId, clinicId), inArray(s.patients.id, patientIds)))
          .all()
      : []
    ).map((p) => [p.id, { mrn: p.mrn, name: withValues ? `${p.familyName}, ${p.givenName}` : null }]),
  );
  const drugs = new Map(
    db
      .select({ id: s.drugs.id, product: s.drugs.product, doseUnit: s.drugs.doseUnit })
      .from(s.drugs)
      .all()
      .map((d) => [d.id, { product: d.product, doseUnit: d.doseUnit }]),
  );
  return { staff, pumps, patients, drugs };
}

export function listAudit(db: Pick<Db, 'select'>, clinicId: number, filter: AuditFilter) {
  const conditions: (SQL | undefined)[] = [eq(s.auditLog.clinicId, clinicId)];
  if (filter.actorId) conditions.push(eq(s.auditLog.actorId, filter.actorId));
  if (filter.entity) conditions.push(eq(s.auditLog.entity, filter.entity));
  if (filter.entityId) conditions.push(eq(s.auditLog.entityId, filter.entityId));
  if (filter.action) conditions.push(eq(s.auditLog.action, filter.action));
  if (filter.patientId != null) {
    const id = filter.patientId;
    conditions.push(
      sql`((${s.auditLog.entity} = 'patient' AND ${s.auditLog.entityId} = ${String(id)}) OR json_extract(${s.auditLog.after}, '$.patientId') = ${id} OR EXISTS (SELECT 1 FROM json_each(${s.auditLog.after}, '$.patientIds') WHERE value = ${id}))`,
    );
  }
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
      ipAddress: s.auditLog.ipAddress,
      userAgent: s.auditLog.userAgent,
    })
    .from(s.auditLog)
    .where(where)
    .orderBy(desc(s.auditLog.at), desc(s.auditLog.id))
    .limit(Math.min(filter.limit ?? 100, MAX_AUDIT_ROWS))
    .offset(filter.offset ?? 0)
    .all();
  const total = db.select({ n: sql<number>`count(*)` }).from(s.auditLog).where(where).get()?.n ?? 0;
  return { rows, total };
}
