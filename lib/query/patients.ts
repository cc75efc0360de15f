/**
 * React Query options and mutation calls for the patient page, the refill visit and the program change. The patient
 * page prefetches `patientAlertsQuery` on the server and hydrates it; mutations invalidate it with `refetchAfter`
 * (./keys.ts), and the server-rendered parts of a page are refreshed with router.refresh() by the component that
 * changed them.
 */
import { queryOptions } from '@tanstack/react-query';
import type { AlertDto, PatientDetail, ProgramDto, VisitDto } from '@/db/queries/patients';
import type { ChangedProgram } from '@/lib/clinic/change-program';
import type { RecordedVisit } from '@/db/queries/refills';
import type { forecastJson } from '@/db/queries/dtos';
import type { ChangeProgramInput } from '@/lib/validation/program';
import type {
  AlertActionInput,
  DiscrepancyReviewInput,
  ReplacePumpInput,
  UpdatePatientInput,
  UpdatePumpInput,
} from '@/lib/validation/patient';
import type { RecordVisitBody } from '@/lib/validation/refill';
import { fetchJson } from './client';
import { queryKeys } from './keys';

export type ForecastJson = ReturnType<typeof forecastJson>;
export type { AlertDto, ChangedProgram, PatientDetail, ProgramDto, RecordedVisit, VisitDto };

/** Each pump's alerts, as the patient page's alert lists show them (the only part of the record read on the client). */
export type PumpAlerts = { pumpId: number; alerts: AlertDto[] }[];

/** The alerts of a record as GET /api/v1/patients/{id} answers it: every pump that has a forecast. */
export const alertsOfRecord = (detail: Pick<PatientDetail, 'pumps'>): PumpAlerts =>
  detail.pumps.flatMap((p) => (p.forecast ? [{ pumpId: p.id, alerts: p.forecast.alerts }] : []));

/**
 * The patient page's alert lists: prefetched by the page from the record it rendered and hydrated (only the
 * alerts, not the whole record a second time); refetched from GET /api/v1/patients/{id} after a write.
 */
export const patientAlertsQuery = (patientId: number) =>
  queryOptions({
    queryKey: queryKeys.patients.alerts(patientId),
    queryFn: async () => alertsOfRecord(await fetchJson<PatientDetail>(`/api/v1/patients/${patientId}`)),
  });

/** The what-if forecast of POST /api/v1/forecast for a program form's current values. */
export const forecastPreviewQuery = (request: unknown, enabled: boolean) =>
  queryOptions({
    queryKey: queryKeys.forecastPreview(request),
    queryFn: () =>
      fetchJson<ForecastJson>('/api/v1/forecast', { method: 'POST', body: JSON.stringify(request) }),
    enabled,
    staleTime: 60_000,
    retry: false,
  });

const send = <T>(url: string, method: 'POST' | 'PATCH', body: unknown) =>
  fetchJson<T>(url, { method, body: JSON.stringify(body) });

/** The body as sent (performedAt an ISO string), not as the server parses it (epoch ms). */
export const recordVisit = (pumpId: number, input: Partial<RecordVisitBody>) =>
  send<RecordedVisit>(`/api/v1/pumps/${pumpId}/visits`, 'POST', input);
export const changeProgram = (pumpId: number, input: Partial<ChangeProgramInput>) =>
  send<ChangedProgram>(`/api/v1/pumps/${pumpId}/programs`, 'POST', input);
export const actOnAlert = (pumpId: number, input: AlertActionInput) =>
  send<{ alerts: AlertDto[] }>(`/api/v1/pumps/${pumpId}/alerts`, 'POST', input);
export const reviewDiscrepancy = (pumpId: number, visitId: number, input: DiscrepancyReviewInput) =>
  send<{ visitId: number; reviewedAt: number; alerts: AlertDto[] }>(
    `/api/v1/pumps/${pumpId}/visits/${visitId}/review`,
    'POST',
    input,
  );
export const updatePatient = (patientId: number, input: UpdatePatientInput) =>
  send<{ id: number; version: number; changed: string[] }>(`/api/v1/patients/${patientId}`, 'PATCH', input);
export const updatePump = (pumpId: number, input: UpdatePumpInput) =>
  send<{ id: number; version: number; status: string; patientId: number }>(
    `/api/v1/pumps/${pumpId}`,
    'PATCH',
    input,
  );
export const replacePump = (pumpId: number, input: ReplacePumpInput) =>
  send<{ oldPumpId: number; newPumpId: number; patientId: number }>(
    `/api/v1/pumps/${pumpId}/replace`,
    'POST',
    input,
  );
