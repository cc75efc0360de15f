/** The engine's forecast as JSON: instants as ISO 8601 with the clinic's offset, volumes rounded to 1 nL. */
import { formatInstantIso } from '@/lib/domain/calendar';
import type { Forecast } from '@/lib/domain/types';

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function forecastJson(f: Forecast, timeZone: string) {
  return {
    dailyVolumeMl: round(f.dailyVolumeMl),
    worstCaseDailyVolumeMl: round(f.worstCaseDailyVolumeMl),
    dailyDoseMcg: round(f.dailyDoseMcg),
    volumeNowMl: round(f.volumeNowMl),
    lowReservoirAlarmAt: f.lowReservoirAlarmAt == null ? null : formatInstantIso(f.lowReservoirAlarmAt, timeZone),
    emptyAt: f.emptyAt == null ? null : formatInstantIso(f.emptyAt, timeZone),
    stabilityExpiresOn: f.stabilityExpiresOn,
    refillDueOn: f.refillDueOn,
    stabilityBinding: f.stabilityBinding,
    status: f.status,
    daysToAlarm: f.daysToAlarm,
    alerts: f.alerts,
  };
}
