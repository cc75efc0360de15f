/**
 * The refill forecast of one pump: reservoir volume now, the low-reservoir alarm and empty instants, the refill
 * due date in the clinic's calendar, a status and the alerts of reference.md section E.
 *
 * Safety-relevant dates use the worst-case rate (every allowed patient bolus taken, reference.md B1/S28): a
 * forecast may be early, never late for that reason. Clinic-local dates are computed a handful of times per pump;
 * the integration itself runs in epoch milliseconds (integrate.ts).
 */
import { fmtMl, fmtNumber, interruptionRisk, makeAlert, raiseSeverity, sortAlerts } from './alerts';
import { appointmentLateness } from './booking';
import {
  addMonthsToDayNumber,
  dayNumberOf,
  formatDayNumberForHumans,
  formatInstantForHumans,
  latestClinicDayNumberOnOrBefore,
  localDateOfDayNumber,
} from './calendar';
import { InvalidInputError } from './errors';
import { recordTimeAheadOf } from './clock';
import { consumedUntil, instantWhenConsumed } from './integrate';
import {
  DEFAULT_ERI_TO_STOP_DAYS,
  DEFAULT_STABILITY_BUFFER_DAYS,
  ERI_CRITICAL_AFTER_DAYS,
  FORECAST_HORIZON_DAYS,
  REPLACEMENT_LEAD_MONTHS,
} from './policy';
import { compileSchedule, instantError, isInstant, versionAt, type Schedule } from './program';
import type {
  Alert,
  ClinicPolicy,
  EpochMs,
  Forecast,
  ForecastInput,
  ForecastStatus,
  Severity,
  WithdrawalRisk,
} from './types';
import { DAY_MS, type ZoneClock } from './zone';

function checkWholeDays(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidInputError(field, `${field} must be a whole number of days ≥ 0, got ${String(value)}`, {
      value,
    });
  }
  return value;
}

export function checkPolicy(clinic: ClinicPolicy): void {
  checkWholeDays(clinic.bufferDays, 'clinic.bufferDays');
  checkWholeDays(clinic.dueSoonDays, 'clinic.dueSoonDays');
  if (clinic.stabilityBufferDays !== undefined) {
    checkWholeDays(clinic.stabilityBufferDays, 'clinic.stabilityBufferDays');
  }
}

/** The volume-derived instants of a forecast, rounded to the millisecond. */
export interface Crossings {
  volumeNowMl: number;
  lowReservoirAlarmAt: EpochMs | null;
  emptyAt: EpochMs | null;
  horizonAt: EpochMs;
}

export function crossings(
  s: Schedule,
  input: Pick<ForecastInput, 'pump' | 'lastRefill'>,
  now: EpochMs,
): Crossings {
  const fill = input.lastRefill.volumeMl;
  const alarmMl = input.pump.alarmMl;
  const horizonAt = s.t0 + FORECAST_HORIZON_DAYS * DAY_MS;
  // A fill already at or below the alarm volume alarms at once: the pump needs drug now.
  const alarmRaw = fill <= alarmMl ? s.t0 : instantWhenConsumed(s, fill - alarmMl, horizonAt);
  const emptyRaw = instantWhenConsumed(s, fill, horizonAt);
  const volumeNowMl = Math.min(input.pump.reservoirMl, Math.max(0, fill - consumedUntil(s, now)));
  return {
    volumeNowMl,
    lowReservoirAlarmAt: alarmRaw === null ? null : Math.round(alarmRaw),
    emptyAt: emptyRaw === null ? null : Math.round(emptyRaw),
    horizonAt,
  };
}

interface AlertContext {
  input: ForecastInput;
  schedule: Schedule;
  zone: ZoneClock;
  now: EpochMs;
  today: number;
  c: Crossings;
  dueDay: number;
  unadjustedDueDay: number;
  stabilityDay: number;
  alarmDay: number | null;
  stabilityBinding: boolean;
  status: ForecastStatus;
  dailyDoseMcg: number;
  worstCaseDailyDoseMcg: number;
  /** The latest record time when it is after `now` (clock stepped back), else null. */
  clockAheadAt: EpochMs | null;
}

function day(d: number): string {
  return formatDayNumberForHumans(d);
}

function offsetLabel(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const sign = offsetMs < 0 ? '−' : '+';
  return `UTC${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function buildAlerts(x: AlertContext): Alert[] {
  const { input, zone, now, today, c } = x;
  const tz = input.clinic.timeZone;
  const drug = input.drug.name;
  const risk: WithdrawalRisk = input.drug.withdrawalRisk ?? 'severe';
  const highRisk = input.highRisk === true;
  const at = (t: EpochMs) => formatInstantForHumans(t, tz);
  const alerts: Alert[] = [];
  const due = day(x.dueDay);

  // E1: refill overdue. HIGH; CRITICAL from the alarm date (LRA_date) or for a high-risk patient (E13).
  if (x.status === 'empty') {
    alerts.push(
      makeAlert(
        'E1',
        'critical',
        `Reservoir calculated EMPTY since ${at(c.emptyAt!)}: no ${drug} is being delivered. ${interruptionRisk(drug, risk)} Contact the patient now for an urgent refill or emergency assessment.`,
      ),
    );
  } else if (x.status === 'critical') {
    // CRITICAL from the start of the clinic-local alarm day (E1: HIGH → CRITICAL at LRA_date, a date).
    const alarmAt = c.lowReservoirAlarmAt!;
    const reached = now >= alarmAt ? `reached ${at(alarmAt)}` : `expected today, ${at(alarmAt)}`;
    alerts.push(
      makeAlert(
        'E1',
        'critical',
        `Low-reservoir alarm volume ${reached} (refill was due ${due}); about ${fmtMl(c.volumeNowMl)} left${c.emptyAt === null ? '' : `, empty ${at(c.emptyAt)}`}. ${interruptionRisk(drug, risk)} Refill now.`,
      ),
    );
  } else if (x.status === 'overdue') {
    const severity: Severity = highRisk ? 'critical' : 'high';
    const alarm =
      c.lowReservoirAlarmAt === null ? '' : ` Low-reservoir alarm expected ${at(c.lowReservoirAlarmAt)}.`;
    alerts.push(
      makeAlert(
        'E1',
        severity,
        `Refill overdue: it was due ${due}.${alarm}${highRisk ? ' High-risk patient.' : ''} ${interruptionRisk(drug, risk)}`,
      ),
    );
  }

  // E2 / E3: the next booked appointment against the forecast.
  const appt = input.nextAppointmentAt;
  if (appt !== null && appt >= now) {
    let severity: Severity | null = null;
    let reason = '';
    const lateness = appointmentLateness(appt, tz, {
      refillDueOn: localDateOfDayNumber(x.dueDay),
      lowReservoirAlarmAt: c.lowReservoirAlarmAt,
      emptyAt: c.emptyAt,
    });
    if (lateness === 'after-empty') {
      severity = 'critical';
      reason = `after the reservoir is calculated to be empty (${at(c.emptyAt!)})`;
    } else if (lateness === 'after-alarm') {
      severity = 'high';
      reason = `after the low-reservoir alarm (${at(c.lowReservoirAlarmAt!)})`;
    } else if (lateness === 'after-due') {
      severity = 'high';
      reason = `after the refill due date (${due})`;
    }
    if (severity !== null) {
      if (highRisk) severity = raiseSeverity(severity);
      alerts.push(
        makeAlert(
          'E2',
          severity,
          `The booked appointment on ${at(appt)} is ${reason}. ${x.dueDay < today ? 'Bring it forward as far as possible' : `Move it to ${due} or earlier`}.${highRisk ? ' High-risk patient.' : ''}`,
        ),
      );
    }
  } else {
    const pressing = x.status !== 'ok';
    const past = appt !== null ? ` The last booked appointment (${at(appt)}) has passed.` : '';
    alerts.push(
      makeAlert(
        'E3',
        pressing ? 'high' : 'warn',
        `No refill appointment booked.${past} The refill ${x.dueDay < today ? 'was' : 'is'} due ${due}.`,
      ),
    );
  }

  // E4: the drug-stability limit, not the alarm, sets the due date (or has already passed).
  const stabilityDays = input.drug.stabilityDays;
  if (today > x.stabilityDay) {
    alerts.push(
      makeAlert(
        'E4',
        'high',
        `The ${drug} in the pump is past its ${stabilityDays}-day stability limit (expired ${day(x.stabilityDay)}). Refill now.`,
      ),
    );
  } else if (x.stabilityBinding) {
    // HIGH when the expiry is inside the due-soon window: it is the date to act on now. Otherwise INFO: the due
    // date already accounts for it, but staff must not plan from the pump's (later) alarm date.
    const soon = x.stabilityDay - today <= input.clinic.dueSoonDays;
    const alarm =
      x.alarmDay === null
        ? 'the reservoir would not reach its alarm volume for years'
        : `the low-reservoir alarm date is ${day(x.alarmDay)}`;
    alerts.push(
      makeAlert(
        'E4',
        soon ? 'high' : 'info',
        `The ${stabilityDays}-day stability limit of ${drug} sets the due date: replace the drug by ${day(x.stabilityDay)}, although ${alarm}.`,
      ),
    );
  }

  // E9: dose outside the usual range (soft limit, reference.md E9); a program delivering nothing is worse.
  const current = versionAt(x.schedule, now);
  if (current.source.mode !== 'constant-flow' && x.dailyDoseMcg === 0) {
    alerts.push(
      makeAlert(
        'E9',
        'high',
        `Program ${current.index + 1} delivers 0 mcg/day of ${drug}. Check the prescription.`,
      ),
    );
  }
  const usualMax = input.drug.usualMaxDoseMcgPerDay;
  if (usualMax != null && x.worstCaseDailyDoseMcg > usualMax) {
    const withBoluses = x.worstCaseDailyDoseMcg > x.dailyDoseMcg ? ' (with every allowed patient bolus)' : '';
    const highest = input.drug.highestReportedDoseMcgPerDay;
    const beyond =
      highest != null && x.worstCaseDailyDoseMcg > highest
        ? ` It is also above the highest dose reported (${fmtNumber(highest)} mcg/day).`
        : '';
    alerts.push(
      makeAlert(
        'E9',
        'warn',
        `Daily dose ${fmtNumber(x.worstCaseDailyDoseMcg)} mcg/day${withBoluses} is above the usual maximum of ${fmtNumber(usualMax)} mcg/day for ${drug}.${beyond} Confirm the prescription.`,
      ),
    );
  }

  // E10: pump end of life.
  const pump = input.pump;
  if (pump.eriRecordedOn) {
    const eri = dayNumberOf(pump.eriRecordedOn, 'pump.eriRecordedOn');
    const stop = eri + (pump.eriToStopDays ?? DEFAULT_ERI_TO_STOP_DAYS);
    // CRITICAL from ERI + 60 d (reference.md E10), or 30 days before the stop for a model that stops sooner.
    const critical = Math.min(eri + ERI_CRITICAL_AFTER_DAYS, stop - 30);
    const msg =
      today >= stop
        ? `Elective replacement indicator recorded ${day(eri)}: the pump has probably STOPPED (expected ${day(stop)}). ${interruptionRisk(drug, risk)}`
        : `Elective replacement indicator recorded ${day(eri)}: the pump stops about ${day(stop)}. Replace it before then.`;
    alerts.push(makeAlert('E10', today >= critical ? 'critical' : 'high', msg));
  } else if (pump.implantedOn && pump.maxServiceYears) {
    const implanted = dayNumberOf(pump.implantedOn, 'pump.implantedOn');
    const lifeMonths = Math.round(pump.maxServiceYears * 12);
    const shutOff = addMonthsToDayNumber(implanted, lifeMonths);
    const plan = addMonthsToDayNumber(implanted, lifeMonths - REPLACEMENT_LEAD_MONTHS);
    if (today >= shutOff) {
      alerts.push(
        makeAlert(
          'E10',
          'critical',
          `The pump reached its ${fmtNumber(pump.maxServiceYears)}-year service life on ${day(shutOff)} and may have shut off. ${interruptionRisk(drug, risk)}`,
        ),
      );
    } else if (today >= plan) {
      alerts.push(
        makeAlert(
          'E10',
          'high',
          `Pump end of life: implanted ${day(implanted)}, it shuts off at ${fmtNumber(pump.maxServiceYears)} years on ${day(shutOff)}. Plan its replacement now.`,
        ),
      );
    }
  }

  // E12: a drug the pump is not labeled for (off-label or compounded drugs: 7.0 % vs 2.4 % pump failure at
  // 78 months, S85, S86).
  const labeled = pump.labeledDrugs;
  if (
    labeled &&
    labeled.length > 0 &&
    !labeled.some((name) => name.trim().toLowerCase() === drug.trim().toLowerCase())
  ) {
    alerts.push(
      makeAlert(
        'E12',
        'warn',
        `${drug.charAt(0).toUpperCase()}${drug.slice(1)} is not on this pump's labeled drug list (${labeled.join(', ')}). Off-label and compounded drugs are linked to more pump failures: confirm the prescription and watch for under-delivery.`,
      ),
    );
  }

  // E16: delivery follows the clinic clock and the clocks change before the due date.
  if (x.schedule.versions.some((v) => v.end > now && v.followsClinicClock)) {
    const change = zone.transitionIn(now, zone.dayStart(x.dueDay + 1));
    if (change) {
      const changeDay = zone.dayOf(change.at);
      alerts.push(
        makeAlert(
          'E16',
          changeDay - today <= input.clinic.dueSoonDays ? 'warn' : 'info',
          `Clocks change on ${day(changeDay)} (${offsetLabel(change.offsetBefore)} → ${offsetLabel(change.offsetAfter)}) before the refill due date. Flex steps and timed boluses follow the pump clock: check the pump's clock and schedule.`,
        ),
      );
    }
  }

  // E17: the due date was moved earlier to a clinic day.
  if (x.unadjustedDueDay !== x.dueDay) {
    alerts.push(
      makeAlert(
        'E17',
        'info',
        `Refill due date moved earlier from ${day(x.unadjustedDueDay)} to ${due} because the clinic is closed on ${day(x.unadjustedDueDay)}.`,
      ),
    );
  }

  // CLOCK: a record dated after "now" (the server clock stepped back after it was saved, item 11).
  if (x.clockAheadAt !== null) {
    alerts.push(
      makeAlert(
        'CLOCK',
        'high',
        `A record of this pump is dated ${at(x.clockAheadAt)}, after the server's clock (${at(now)}): check the server time and the visit time. Until then the forecast counts the last fill as made no later than now, so its dates may be early, never late.`,
      ),
    );
  }

  // E19: no backup oral baclofen plan ("always have an unexpired bottle of oral baclofen", S12).
  if (input.hasBackupOralPlan === false && /baclofen/i.test(drug)) {
    alerts.push(makeAlert('E19', 'info', 'No backup oral baclofen plan is documented.'));
  }

  return sortAlerts(alerts);
}

export function forecast(original: ForecastInput): Forecast {
  const { clinic, drug, pumpId } = original;
  checkPolicy(clinic);
  const now = original.now;
  if (!isInstant(now)) throw instantError('now', now, { pumpId });
  // A fill dated after now (a clock that stepped back) must never stop the forecast: the fill really happened no
  // later than now, so it is counted from now. That makes every date early rather than late, and CLOCK says why.
  const clockAheadAt = recordTimeAheadOf(original, now);
  const input =
    isInstant(original.lastRefill.at) && original.lastRefill.at > now
      ? { ...original, lastRefill: { ...original.lastRefill, at: now } }
      : original;
  if (
    typeof drug.stabilityDays !== 'number' ||
    !Number.isInteger(drug.stabilityDays) ||
    drug.stabilityDays <= 0
  ) {
    throw new InvalidInputError('drug.stabilityDays', `drug.stabilityDays must be a whole number > 0`, {
      pumpId,
      value: drug.stabilityDays,
    });
  }
  const schedule = compileSchedule(input, 'worst-case');
  const appt = input.nextAppointmentAt;
  if (appt !== null && !isInstant(appt)) throw instantError('nextAppointmentAt', appt, { pumpId });

  const zone = schedule.zone;
  const c = crossings(schedule, input, now);
  const current = versionAt(schedule, now);

  const today = zone.dayOf(now);
  const stabilityDay = zone.dayOf(schedule.t0) + drug.stabilityDays;
  const alarmDay = c.lowReservoirAlarmAt === null ? null : zone.dayOf(c.lowReservoirAlarmAt);
  const stabilityCandidate = stabilityDay - (clinic.stabilityBufferDays ?? DEFAULT_STABILITY_BUFFER_DAYS);
  const alarmCandidate = alarmDay === null ? Infinity : alarmDay - clinic.bufferDays;
  const stabilityBinding = stabilityCandidate < alarmCandidate;
  const unadjustedDueDay = Math.min(stabilityCandidate, alarmCandidate);
  const dueDay = latestClinicDayNumberOnOrBefore(unadjustedDueDay, clinic);

  let status: ForecastStatus;
  if (c.emptyAt !== null && now >= c.emptyAt) status = 'empty';
  // CRITICAL from the start of the clinic-local alarm day, not the alarm instant (reference.md E1: at LRA_date).
  else if (alarmDay !== null && today >= alarmDay) status = 'critical';
  else if (today > dueDay) status = 'overdue';
  else if (dueDay - today <= clinic.dueSoonDays) status = 'due-soon';
  else status = 'ok';

  const dailyDoseMcg = current.programmedDailyDoseMcg;
  const c0 = current.source.concentrationMcgPerMl;
  const worstCaseDailyDoseMcg =
    current.source.mode === 'constant-flow' ? dailyDoseMcg : current.worstCaseDailyVolumeMl * c0;

  const alerts = buildAlerts({
    input,
    schedule,
    zone,
    now,
    today,
    c,
    dueDay,
    unadjustedDueDay,
    stabilityDay,
    alarmDay,
    stabilityBinding,
    status,
    dailyDoseMcg,
    worstCaseDailyDoseMcg,
    clockAheadAt,
  });

  return {
    dailyVolumeMl: current.programmedDailyVolumeMl,
    worstCaseDailyVolumeMl: current.worstCaseDailyVolumeMl,
    dailyDoseMcg,
    volumeNowMl: c.volumeNowMl,
    lowReservoirAlarmAt: c.lowReservoirAlarmAt,
    lowReservoirAlarmOn: alarmDay === null ? null : localDateOfDayNumber(alarmDay),
    emptyAt: c.emptyAt,
    horizonAt: c.horizonAt,
    stabilityExpiresOn: localDateOfDayNumber(stabilityDay),
    unadjustedDueOn: localDateOfDayNumber(unadjustedDueDay),
    refillDueOn: localDateOfDayNumber(dueDay),
    stabilityBinding,
    status,
    daysToAlarm:
      c.lowReservoirAlarmAt === null ? null : Math.max(0, Math.floor((c.lowReservoirAlarmAt - now) / DAY_MS)),
    alerts,
  };
}
