/**
 * The patient's answer from the attendance page (/attend/[token]): public, the token is the only credential. A plain
 * HTML form posts here and is sent back to the page (303), which then shows the answer; a JSON client gets JSON.
 * Unknown tokens answer 404 to everyone; no answer names the patient or the appointment.
 */
import { getDb } from '@/db';
import { answerAttendance } from '@/lib/clinic/outreach';
import { requestNow } from '@/lib/clock';
import { attendanceLinkView } from '@/db/queries/outreach';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { isAttendanceTokenShape } from '@/lib/notifications/attendance';
import { errorResponse, isCrossSite, json, MAX_BODY_BYTES, parseWith } from '@/lib/http/api';
import { attendanceAnswerSchema } from '@/lib/validation/outreach';

export const dynamic = 'force-dynamic';

const noStore = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

export async function POST(request: Request, context: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await context.params;
  const isForm = (request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded');
  try {
    if (isCrossSite(request)) throw new ForbiddenError('Cross-site requests may not change data.');
    const text = await request.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ValidationError(`The request body is too large (limit ${MAX_BODY_BYTES / 1024} KiB).`);
    let raw: unknown;
    if (isForm) raw = Object.fromEntries(new URLSearchParams(text));
    else {
      try {
        raw = JSON.parse(text || 'null') as unknown;
      } catch {
        throw new ValidationError('The request body is not valid JSON.');
      }
    }
    // The token first: an unknown link is a 404 whatever the body says.
    const now = requestNow();
    if (!isAttendanceTokenShape(token) || attendanceLinkView(getDb(), token, now).state === 'unknown') throw new NotFoundError('This link is not valid.');
    const answer = parseWith(attendanceAnswerSchema, raw);
    const result = answerAttendance(getDb(), token, answer, now);
    if (isForm) return new Response(null, { status: 303, headers: { ...noStore, Location: `/attend/${encodeURIComponent(token)}` } });
    return json({ result }, { headers: noStore });
  } catch (error) {
    if (isForm && error instanceof ValidationError)
      return new Response(null, { status: 303, headers: { ...noStore, Location: `/attend/${encodeURIComponent(token)}?error=1` } });
    return errorResponse(error);
  }
}
