/**
 * The one-time attendance link of an appointment reminder (issue 16 item 5): /attend/<token>, where the patient
 * confirms or asks for another time without signing in.
 *
 * The token is an HMAC of the appointment and its start under the server's secret, so it is never stored: the
 * outbox keeps the reminder with a placeholder, the link is written into the message as it is sent, and a resend
 * after a crash (at-least-once, same Message-ID) carries the same link. The database keeps only the token's
 * SHA-256 (lib/token-hash.ts), as for every other bearer secret. A moved appointment gets a new token.
 */
import crypto from 'node:crypto';

/** Where the link goes in a stored reminder body; replaced at send time (db/notifications-worker.ts). */
export const ATTENDANCE_LINK_PLACEHOLDER = '{{attendance-link}}';

/** The line an appointment e-mail carries when links are on. */
export const ATTENDANCE_LINK_LINE = `Please confirm you will come, or ask for another time: ${ATTENDANCE_LINK_PLACEHOLDER}`;

/** 256 bits, base64url: what the URL carries. */
export function attendanceToken(secret: string, appointmentId: number, appointmentStartsAt: number): string {
  return crypto.createHmac('sha256', secret).update(`attendance-link:v1:${appointmentId}:${appointmentStartsAt}`).digest('base64url');
}

export function attendanceUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/attend/${token}`;
}

/** The body as sent: the placeholder replaced by the link (or, without one, the line removed). */
export function withAttendanceLink(body: string, url: string | null): string {
  if (!body.includes(ATTENDANCE_LINK_PLACEHOLDER)) return body;
  if (url) return body.replace(ATTENDANCE_LINK_PLACEHOLDER, url);
  return body.replace(`${ATTENDANCE_LINK_LINE}\n\n`, '').replace(ATTENDANCE_LINK_LINE, '');
}

/** A token as it may appear in a URL: exactly what attendanceToken makes (43 base64url characters). */
export function isAttendanceTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
