/**
 * Two-step sign-in (issue 14, item 4): an authenticator app (TOTP, RFC 6238) and ten one-time recovery codes,
 * through better-auth's twoFactor plugin (lib/auth/auth.ts). The plugin keeps the secret and the codes
 * (encrypted with the auth secret) and checks codes at sign-in; this module is the app's side of it: who must
 * use it (a clinic setting), enrolment, new recovery codes, switching it off, the admin's reset, and the audit
 * rows of each. Each step that needs the password counts it toward the sign-in lockout first (lib/auth/throttle.ts),
 * so these forms cannot be used to guess it.
 */
import 'server-only';
import QRCode from 'qrcode';
import { and, eq } from 'drizzle-orm';
import { APIError } from 'better-auth/api';
import { writeTransaction, type Db } from '@/db/client';
import { audit, type Actor } from '@/db/queries/audit';
import * as s from '@/db/schema';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { auth } from './auth';
import { clearFailures, lockoutMessage, recordFailure, reserveAttempt } from './throttle';

/** Where a staff member enrols, and where someone who must is sent before anything else. */
export const SECURITY_PATH = '/me/security';

/** Whether the clinic requires a second factor of this role (clinics.mfa_required_roles). */
export function mfaRequiredFor(db: Pick<Db, 'select'>, clinicId: number, role: s.StaffRole): boolean {
  const clinic = db.select({ roles: s.clinics.mfaRequiredRoles }).from(s.clinics).where(eq(s.clinics.id, clinicId)).get();
  return (clinic?.roles ?? []).includes(role);
}

export interface MfaStatus {
  enrolled: boolean;
  required: boolean;
  recoveryCodesLeft: number | null;
}

export async function mfaStatus(db: Pick<Db, 'select'>, staff: { id: string; clinicId: number; role: s.StaffRole }): Promise<MfaStatus> {
  const user = db.select({ enabled: s.users.twoFactorEnabled }).from(s.users).where(eq(s.users.id, staff.id)).get();
  const enrolled = user?.enabled ?? false;
  let recoveryCodesLeft: number | null = null;
  if (enrolled) {
    const codes = await auth()
      .api.viewBackupCodes({ body: { userId: staff.id } })
      .catch(() => null);
    recoveryCodesLeft = codes?.backupCodes.length ?? null;
  }
  return { enrolled, required: mfaRequiredFor(db, staff.clinicId, staff.role), recoveryCodesLeft };
}

/**
 * better-auth's error code, if the error is its APIError. Read by shape: a production bundle can hold more than
 * one copy of the class (better-auth/api and @better-auth/core), so instanceof alone misses some.
 */
function authErrorCode(error: unknown): string | null {
  if (!(error instanceof APIError) && (error as { name?: unknown } | null)?.name !== 'APIError') return null;
  const code = (error as { body?: { code?: unknown } }).body?.code;
  return typeof code === 'string' ? code : null;
}

interface Account {
  actor: Actor;
  email: string;
  now: number;
}

/**
 * Runs a better-auth call that checks the password, with the lockout around it: counted before, a failure
 * recorded, a success clearing the count. A wrong password is a field error on `password`.
 */
async function withPassword<T>(db: Db, account: Account, call: () => Promise<T>): Promise<T> {
  const reservation = reserveAttempt(db, account.email, account.now);
  if (!reservation.allowed) {
    const message = lockoutMessage(reservation.lockedUntil, account.now);
    throw new ValidationError(message, { password: message });
  }
  try {
    const result = await call();
    clearFailures(db, account.email, account.now);
    return result;
  } catch (error) {
    if (authErrorCode(error) === 'INVALID_PASSWORD') {
      recordFailure(db, account.email, account.now);
      throw new ValidationError('The password is not right.', { password: 'is not your password' });
    }
    throw error;
  }
}

/** Set-Cookie headers of a better-auth answer (a rotated session), to pass on in the route's response. */
export type AuthCookies = string[];

export interface Enrolment {
  /** The otpauth:// URI the authenticator app reads from the QR code. */
  otpauthUri: string;
  /** The same secret as text (base32), for typing into an app that cannot scan. */
  secret: string;
  /** The QR code of the URI, as an SVG document. */
  qrSvg: string;
  /** Shown once, before the first code confirms them; each opens one sign-in without the app. */
  recoveryCodes: string[];
}

/**
 * Starts an enrolment: a new secret and recovery codes, not yet in force. Sign-in asks for a code only once a
 * first code from the app has confirmed it (confirmEnrolment). Starting again replaces an unconfirmed secret.
 */
export async function startEnrolment(db: Db, account: Account, requestHeaders: Headers, password: string): Promise<Enrolment> {
  const result = await withPassword(db, account, () => auth().api.enableTwoFactor({ headers: requestHeaders, body: { password } })).catch((error: unknown) => {
    if (authErrorCode(error) === 'TOTP_ALREADY_ENABLED')
      throw new ValidationError('Two-step sign-in is already set up. Switch it off first to set up another app.', { password: 'two-step sign-in is already set up' });
    throw error;
  });
  if (!('totpURI' in result) || !result.totpURI) throw new Error('better-auth answered an enrolment without a TOTP URI');
  const secret = new URL(result.totpURI).searchParams.get('secret') ?? '';
  return { otpauthUri: result.totpURI, secret, qrSvg: await qrSvg(result.totpURI), recoveryCodes: result.backupCodes };
}

function setCookiesOf(headers: Headers): AuthCookies {
  return headers.getSetCookie();
}

/** A code from the app confirms the enrolment: from now on sign-in asks for one. Audited either way. */
export async function confirmEnrolment(db: Db, actor: Actor, requestHeaders: Headers, code: string): Promise<{ cookies: AuthCookies }> {
  const user = db.select({ enabled: s.users.twoFactorEnabled }).from(s.users).where(eq(s.users.id, actor.id)).get();
  if (user?.enabled) throw new ValidationError('Two-step sign-in is already set up.', { code: 'two-step sign-in is already set up' });
  const pending = db.select({ id: s.twoFactors.id }).from(s.twoFactors).where(eq(s.twoFactors.userId, actor.id)).get();
  if (!pending) throw new ValidationError('Start the set-up first: enter your password to get the QR code.', { code: 'start the set-up first' });
  try {
    const { headers } = await auth().api.verifyTOTP({ headers: requestHeaders, body: { code }, returnHeaders: true });
    writeTransaction(db, (tx) => audit(tx, actor, 'mfa-enrol', 'staff', actor.id, { enrolled: false }, { enrolled: true, method: 'totp' }));
    return { cookies: setCookiesOf(headers) };
  } catch (error) {
    if (authErrorCode(error) !== 'INVALID_CODE') throw error;
    writeTransaction(db, (tx) => audit(tx, actor, 'mfa-failed', 'staff', actor.id, null, { during: 'enrolment', secondFactor: 'totp' }));
    throw new ValidationError('That code is not the current one. Check the time on your phone and type the 6 digits the app shows now.', {
      code: 'is not the current code',
    });
  }
}

/** Ten new recovery codes; the old ones stop working. Audited (never the codes). */
export async function regenerateRecoveryCodes(db: Db, account: Account, requestHeaders: Headers, password: string): Promise<{ recoveryCodes: string[] }> {
  const result = await withPassword(db, account, () => auth().api.generateBackupCodes({ headers: requestHeaders, body: { password } })).catch((error: unknown) => {
    if (authErrorCode(error) === 'TWO_FACTOR_NOT_ENABLED') throw new ValidationError('Set up two-step sign-in first.', { password: 'two-step sign-in is not set up' });
    throw error;
  });
  writeTransaction(db, (tx) => audit(tx, account.actor, 'mfa-recovery-codes', 'staff', account.actor.id, null, { count: result.backupCodes.length }));
  return { recoveryCodes: result.backupCodes };
}

/**
 * Switches two-step sign-in off, unless the clinic requires it of the person's role: then only an admin's reset
 * (for a lost phone) removes it, and the person enrols again at the next sign-in.
 */
export async function disableMfa(
  db: Db,
  account: Account & { role: s.StaffRole },
  requestHeaders: Headers,
  password: string,
): Promise<{ cookies: AuthCookies }> {
  if (mfaRequiredFor(db, account.actor.clinicId, account.role))
    throw new ForbiddenError('Your clinic requires two-step sign-in for your role. If you lost your phone, ask an admin to reset it.');
  const user = db.select({ enabled: s.users.twoFactorEnabled }).from(s.users).where(eq(s.users.id, account.actor.id)).get();
  if (!user?.enabled) throw new ValidationError('Two-step sign-in is not set up.', { password: 'two-step sign-in is not set up' });
  const { headers } = await withPassword(db, account, () => auth().api.disableTwoFactor({ headers: requestHeaders, body: { password }, returnHeaders: true }));
  writeTransaction(db, (tx) => audit(tx, account.actor, 'mfa-disable', 'staff', account.actor.id, { enrolled: true }, { enrolled: false }));
  return { cookies: setCookiesOf(headers) };
}

/**
 * The admin's reset, for a lost or replaced phone: the authenticator and recovery codes are removed and the
 * person's sessions end. If their role requires it, they enrol again right after their next sign-in. Audited.
 */
export function resetStaffMfa(db: Db, actor: Actor, id: string, now: number): { wasEnrolled: boolean } {
  return writeTransaction(db, (tx) => {
    const user = tx
      .select({ id: s.users.id, name: s.users.name, enabled: s.users.twoFactorEnabled, updatedAt: s.users.updatedAt })
      .from(s.users)
      .where(and(eq(s.users.id, id), eq(s.users.clinicId, actor.clinicId)))
      .get();
    if (!user) throw new NotFoundError('No such staff member.');
    if (user.id === actor.id) throw new ValidationError('Manage your own two-step sign-in on the security page, or ask another admin.', { id: 'is your own account' });
    const removed = tx.delete(s.twoFactors).where(eq(s.twoFactors.userId, id)).run();
    tx.update(s.users)
      .set({ twoFactorEnabled: false, updatedAt: new Date(Math.max(now, user.updatedAt.getTime() + 1)) })
      .where(eq(s.users.id, id))
      .run();
    tx.delete(s.sessions).where(eq(s.sessions.userId, id)).run();
    const wasEnrolled = user.enabled || removed.changes > 0;
    audit(tx, actor, 'mfa-reset', 'staff', id, { name: user.name, enrolled: wasEnrolled }, { enrolled: false });
    return { wasEnrolled };
  });
}

/** The QR code of the otpauth URI as SVG: filled squares, as the card's (lib/cards/qr.ts), so phones read it. */
async function qrSvg(text: string): Promise<string> {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const quiet = 4;
  let d = '';
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (modules.get(x, y)) d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  const full = size + 2 * quiet;
  return Promise.resolve(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges"><rect width="${full}" height="${full}" fill="#ffffff"/><path fill="#000000" d="${d}"/></svg>`,
  );
}
