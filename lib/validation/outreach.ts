/**
 * The outreach list (issue 16 item 4) and the attendance link (item 5): POST /api/v1/patients/{id}/contacts,
 * PATCH /api/v1/follow-ups/{id}, PATCH /api/v1/attendance-requests/{id}, POST /api/v1/attendance/{token} (docs/api.md).
 */
import { z } from 'zod';
import { attendanceResponses, contactOutcomes } from '@/lib/domain/vocabulary';
import { localDate } from './common';
import { NOTE_MAX, PATIENT_NOTE_MAX } from './limits';

export const followUpSchema = z.object({
  dueOn: z
    .string({ message: 'Follow-up date must be a date, YYYY-MM-DD' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Follow-up date must be a date, YYYY-MM-DD')
    .refine((d) => localDate.safeParse(d).success, 'Follow-up date is not a real calendar date'),
  assigneeId: z.string({ message: 'Assignee must be a staff member of the clinic' }).min(1, 'Assignee must be a staff member of the clinic').max(64),
});

export const contactAttemptSchema = z.object({
  outcome: z.enum(contactOutcomes, { message: `Outcome must be one of: ${contactOutcomes.join(', ')}` }),
  note: z.string({ message: 'Note must be text' }).trim().max(NOTE_MAX, `Note must be at most ${NOTE_MAX} characters`).default(''),
  /** A follow-up call to make, created with the attempt; omitted or null for none. */
  followUp: followUpSchema.nullish(),
});
export type ContactAttemptBody = z.infer<typeof contactAttemptSchema>;

export const followUpPatchSchema = z.object({
  version: z.number({ message: 'Version read is required (reload the page)' }).int('Version read is required (reload the page)').min(1, 'Version read is required (reload the page)'),
  done: z.literal(true, { message: 'Done must be true (a task is closed, not reopened)' }),
});
export type FollowUpPatchBody = z.infer<typeof followUpPatchSchema>;

export const attendanceRequestPatchSchema = z.object({
  handled: z.literal(true, { message: 'Handled must be true' }),
});

/** What the patient's page posts (a plain HTML form: no script needed on the patient's phone). */
export const attendanceAnswerSchema = z.object({
  response: z.enum(attendanceResponses, { message: 'Choose whether you will come or need another time' }),
  note: z.string({ message: 'Note must be text' }).trim().max(PATIENT_NOTE_MAX, `Note must be at most ${PATIENT_NOTE_MAX} characters`).default(''),
});
export type AttendanceAnswer = z.infer<typeof attendanceAnswerSchema>;
