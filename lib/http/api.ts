/**
 * The one place where route handlers parse, authorize and map errors to HTTP. Handlers stay thin:
 * `export const POST = api({ permission, body: schema }, async ({ staff, body, params }) => result)`.
 */
import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import type { z } from 'zod';
import { can, type Permission } from '@/lib/auth/permissions';
import { DomainError, InvalidInputError } from '@/lib/domain/errors';
import { getDb } from '@/db';
import { recordRead, type ReadRecord } from '@/db/audit-read';
import { requestOriginOf, withRequestOrigin } from '@/db/queries/audit';
import { assertPasswordChosen, resolveStaff, type Staff } from '@/lib/auth/session';
import { AppError, ForbiddenError, UnauthorizedError, ValidationError } from '@/lib/errors';
import { fieldErrors } from '@/lib/validation/errors';
import { DISK_FULL_MESSAGE, noteStorageFailure } from '@/db/storage-state';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Permissions whose routes answer with patient data. A route behind one must declare what it reads (`reads`),
 * and the wrapper writes that request's one audit row (issue 14, item 7): the compiler refuses such a route
 * without the declaration, and tests/routes-audit.test.ts walks every route to check it at run time too.
 */
export type PatientDataPermission = 'patients:read' | 'clinical:read' | 'audit:read';
export const patientDataPermissions: readonly PatientDataPermission[] = ['patients:read', 'clinical:read', 'audit:read'];

/** What a read request showed, as the handler or the declaration names it. */
export interface ReadNote {
  /** A narrower name than the declaration's, when the route serves several (FHIR: 'fhir:Device'). */
  resource?: string;
  patientIds?: readonly number[];
  entityId?: string | number | null;
  detail?: Record<string, unknown>;
}

/**
 * A route's declaration of its read. `resource` names what is shown ('worklist', 'pump-visits'); the handler
 * names the patients with `read()` once it has loaded them. A declared read whose handler named no patients is
 * a server error, never an unaudited answer.
 */
export interface ReadDeclaration {
  resource: string;
  /** 'export' for a download (written even while reads are buffered: see db/audit-read.ts). */
  action?: 'view' | 'export';
}

type Options<B extends z.ZodType | undefined, P extends Permission> = {
  permission: P;
  body?: B;
} & (P extends PatientDataPermission ? { reads: ReadDeclaration } : { reads?: ReadDeclaration });

type Ctx<B> = {
  staff: Staff;
  body: B extends z.ZodType ? z.infer<B> : undefined;
  params: Record<string, string>;
  request: NextRequest;
  /** Names what this request read, for its audit row (see ReadDeclaration). */
  read: (note: ReadNote) => void;
};

/** What a route handler built by api() declares, for the test that walks every route. */
export interface RouteMeta {
  permission: Permission;
  reads?: ReadDeclaration;
}

export function json(data: unknown, init?: ResponseInit): NextResponse {
  return NextResponse.json(data, { ...init, headers: { 'Cache-Control': 'no-store', ...init?.headers } });
}

export function errorResponse(error: unknown): NextResponse {
  if (error instanceof InvalidInputError) return json({ error: error.message, fields: { [error.field]: error.message } }, { status: 400 });
  if (error instanceof DomainError) return json({ error: error.message }, { status: 400 });
  if (error instanceof ValidationError) return json({ error: error.message, fields: error.fields }, { status: 400 });
  if (error instanceof AppError) return json({ error: error.message }, { status: error.status });
  const unavailable = databaseUnavailable(error);
  if (unavailable) return unavailable;
  console.error('Unhandled error in API handler', error);
  return json({ error: 'Something went wrong on the server. Nothing was saved.' }, { status: 500 });
}

/** Seconds a client should wait before retrying a write that met a busy database. */
export const BUSY_RETRY_AFTER_S = 2;

/**
 * SQLite errors that say "not now" rather than "wrong request": 503. A write transaction starts with BEGIN
 * IMMEDIATE (db/client.ts writeTransaction), so SQLITE_BUSY past the busy timeout means nothing was written
 * and the same request may simply be sent again (Retry-After). A full disk or a read-only file is a server
 * fault an operator must fix; /readyz names it.
 */
function databaseUnavailable(error: unknown): NextResponse | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return json(
      { error: 'The database is busy with another write. Nothing was saved: try again in a moment.' },
      { status: 503, headers: { 'Retry-After': String(BUSY_RETRY_AFTER_S) } },
    );
  }
  noteStorageFailure(error);
  if (code.startsWith('SQLITE_FULL')) {
    console.error('Database cannot store writes: the disk is full', error);
    return json({ error: DISK_FULL_MESSAGE }, { status: 503 });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR')) {
    console.error('Database cannot store writes', error);
    return json({ error: 'The server cannot store data right now. Nothing was saved: tell your administrator.' }, { status: 503 });
  }
  return null;
}

/** Mutations must come from this site: browsers send Origin / Sec-Fetch-Site on cross-site requests. */
export function isCrossSite(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.get('origin');
  if (!origin) return false;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export async function readJsonBody(request: Request): Promise<unknown> {
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) throw new ValidationError(`The request body is too large (limit ${MAX_BODY_BYTES / 1024} KiB).`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ValidationError(`The request body is too large (limit ${MAX_BODY_BYTES / 1024} KiB).`);
  if (text.trim() === '') throw new ValidationError('The request body is empty: send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError('The request body is not valid JSON.');
  }
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fields = fieldErrors(result.error);
    throw new ValidationError(`Invalid input: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`, fields);
  }
  return result.data;
}

export function api<P extends Permission, B extends z.ZodType | undefined = undefined>(
  options: Options<B, P>,
  handler: (ctx: Ctx<B>) => Promise<unknown>,
) {
  const reads = options.reads;
  const route = async (request: NextRequest, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
    try {
      const mutation = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
      const bearer = request.headers.get('authorization')?.toLowerCase().startsWith('bearer ');
      if (mutation && !bearer && isCrossSite(request)) throw new ForbiddenError('Cross-site requests may not change data.');
      const staff = await resolveStaff(request.headers);
      if (!staff) throw new UnauthorizedError('Sign in first (or send a valid API token).');
      assertPasswordChosen(staff, options.permission);
      if (!can(staff.role, options.permission)) throw new ForbiddenError(`Your role (${staff.role}) may not do this.`);
      const params = (await context.params) ?? {};
      const body = options.body ? parseWith(options.body, await readJsonBody(request)) : undefined;
      const notes: ReadNote[] = [];
      const read = (note: ReadNote) => void notes.push(note);
      // Every audit row the handler writes records where the request came from.
      const result = await withRequestOrigin(requestOriginOf(request.headers), async () => {
        const answer = await handler({ staff, body: body as Ctx<B>['body'], params, request, read });
        // An answer refused by the handler (a FHIR 404) showed nothing; anything else is audited, once.
        if (reads && !(answer instanceof Response && answer.status >= 400)) recordRead(getDb(), staff, readRecordOf(reads, notes));
        return answer;
      });
      if (result instanceof Response) return result;
      return json(result, { status: mutation ? (request.method === 'POST' ? 201 : 200) : 200 });
    } catch (error) {
      return errorResponse(error);
    }
  };
  const meta: RouteMeta = { permission: options.permission, reads };
  return Object.assign(route, { meta });
}

/** The one audit row of a read request, from the notes of its declaration and its handler. */
export function readRecordOf(reads: ReadDeclaration, notes: readonly ReadNote[]): ReadRecord {
  const named = notes.filter((n) => n.patientIds !== undefined);
  if (named.length === 0) throw new Error(`The read of ${reads.resource} named no patients: its audit row cannot be written.`);
  const entityId = notes.find((n) => n.entityId != null)?.entityId ?? null;
  const detail = Object.assign({}, ...notes.map((n) => n.detail ?? {})) as Record<string, unknown>;
  return {
    resource: notes.find((n) => n.resource)?.resource ?? reads.resource,
    action: reads.action ?? 'view',
    entityId,
    patientIds: named.flatMap((n) => n.patientIds ?? []),
    detail,
  };
}
