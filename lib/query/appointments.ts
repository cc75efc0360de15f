/**
 * React Query keys and queryOptions for the scheduling screens: the calendar range, a pump's open slots, the
 * patient picker and the clinic settings (keys in ./keys.ts).
 */
import { queryOptions } from '@tanstack/react-query';
import type { AppointmentDto, AppointmentList, PumpSlots } from '@/db/queries/appointments';
import type { PatientSearchRow } from '@/db/queries/patient-lookup';
import type { ClinicSettings } from '@/db/queries/settings';
import type { AppointmentPatch, BookAppointmentInput, TitrationSeriesInput } from '@/lib/validation/appointment';
import type { SettingsPatch } from '@/lib/validation/settings';
import { fetchJson } from './client';
import { queryKeys } from './keys';

export type { AppointmentDto, AppointmentList, PumpSlots, PatientSearchRow, ClinicSettings };

export const appointmentsQuery = (from: string, to: string) =>
  queryOptions({
    queryKey: queryKeys.appointments.range(from, to),
    queryFn: () => fetchJson<AppointmentList>(`/api/v1/appointments?from=${from}&to=${to}`),
  });

export const pumpSlotsQuery = (pumpId: number, durationMinutes?: number) =>
  queryOptions({
    queryKey: queryKeys.slots.pump(pumpId, durationMinutes),
    queryFn: () =>
      fetchJson<PumpSlots>(
        `/api/v1/slots?pumpId=${pumpId}&count=12${durationMinutes ? `&durationMinutes=${durationMinutes}` : ''}`,
      ),
    staleTime: 10_000,
  });

export const patientSearchQuery = (q: string) =>
  queryOptions({
    queryKey: queryKeys.patients.search(q),
    queryFn: () =>
      fetchJson<{ patients: PatientSearchRow[] }>(`/api/v1/patients?q=${encodeURIComponent(q)}&limit=10`),
    enabled: q.trim().length >= 2,
    staleTime: 10_000,
  });

export const settingsQuery = () =>
  queryOptions({
    queryKey: queryKeys.settings,
    queryFn: () => fetchJson<ClinicSettings>('/api/v1/settings'),
  });

export function bookAppointment(input: BookAppointmentInput): Promise<AppointmentDto> {
  return fetchJson<AppointmentDto>('/api/v1/appointments', { method: 'POST', body: JSON.stringify(input) });
}

/** The titration visits after an implant, all or none (POST /api/v1/pumps/{id}/titration-series). */
export function bookTitrationSeries(pumpId: number, input: TitrationSeriesInput): Promise<{ appointments: AppointmentDto[] }> {
  return fetchJson(`/api/v1/pumps/${pumpId}/titration-series`, { method: 'POST', body: JSON.stringify(input) });
}

export function changeAppointment(id: number, patch: AppointmentPatch): Promise<AppointmentDto> {
  return fetchJson<AppointmentDto>(`/api/v1/appointments/${id}`, {
    method: 'PATCH',
    body: JSON.stringify(patch),
  });
}

export function saveSettings(
  patch: SettingsPatch,
): Promise<{ settings: ClinicSettings; forecastsRefreshed: number | null }> {
  return fetchJson('/api/v1/settings', { method: 'PATCH', body: JSON.stringify(patch) });
}
