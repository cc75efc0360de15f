'use client';

import { useState } from 'react';
import { Field, SourceNote } from '@/app/(staff)/_components/field';
import { staffRoles, type StaffRole } from '@/lib/domain/vocabulary';
import { dateOrderLabels, dateOrders } from '@/lib/domain/typed-dates';
import { formatLocalDate } from '@/lib/format';
import { settingsHelp, settingsLimits, settingsSources } from '@/lib/validation/settings';
import type { SetDraft, SettingsDraft } from './settings-draft';
import { DateInput, TimeInput } from '@/app/(staff)/_components/date-time-inputs';

const WEEKDAYS = [
  [1, 'Monday'],
  [2, 'Tuesday'],
  [3, 'Wednesday'],
  [4, 'Thursday'],
  [5, 'Friday'],
  [6, 'Saturday'],
  [7, 'Sunday'],
] as const;

const roleLabels: Record<StaffRole, string> = { admin: 'Admins', physician: 'Physicians', nurse: 'Nurses', 'front-desk': 'Front desk' };

/** What every settings section is given: the draft, its setter and the server's field errors. */
export interface SectionProps {
  draft: SettingsDraft;
  set: SetDraft;
  fields: Record<string, string>;
}

/** A numeric setting with its unit, limits and help (lib/validation/settings.ts). */
function NumberSetting({
  name,
  label,
  step = 1,
  draft,
  set,
  fields,
}: SectionProps & { name: keyof typeof settingsLimits; label: string; step?: number }) {
  const { min, max, unit } = settingsLimits[name];
  return (
    <Field
      label={`${label} (${unit})`}
      error={fields[name]}
      help={settingsHelp[name as keyof typeof settingsHelp]}
      source={settingsSources[name as keyof typeof settingsHelp]}
    >
      {(p) => (
        <input
          {...p}
          type="number"
          inputMode={step === 1 ? 'numeric' : 'decimal'}
          step={step}
          min={min}
          max={max}
          value={draft[name]}
          onChange={(e) => set(name, e.target.value)}
          required
        />
      )}
    </Field>
  );
}

/** The clinic's name, zone and the phones and address printed on every emergency card. */
export function ClinicSection({ draft, set, fields, zones }: SectionProps & { zones: string[] }) {
  return (
    <fieldset className="sched-fieldset">
      <legend>Clinic</legend>
      <div className="grid-2">
        <Field label="Clinic name" error={fields.name} help={settingsHelp.name}>
          {(p) => (
            <input
              {...p}
              value={draft.name}
              onChange={(e) => set('name', e.target.value)}
              maxLength={120}
              required
            />
          )}
        </Field>
        <Field label="Time zone" error={fields.timeZone} help={settingsHelp.timeZone}>
          {(p) => (
            <>
              <input
                {...p}
                list="settings-zones"
                value={draft.timeZone}
                onChange={(e) => set('timeZone', e.target.value)}
                autoComplete="off"
                spellCheck={false}
                required
              />
              <datalist id="settings-zones">
                {zones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="24/7 pump phone" error={fields.phone24h} help={settingsHelp.phone24h} source={settingsSources.phone24h}>
          {(p) => (
            <input
              {...p}
              type="tel"
              value={draft.phone24h}
              onChange={(e) => set('phone24h', e.target.value)}
              maxLength={40}
              required
            />
          )}
        </Field>
        <Field label="Office phone" error={fields.phoneOffice} help={settingsHelp.phoneOffice}>
          {(p) => (
            <input
              {...p}
              type="tel"
              value={draft.phoneOffice}
              onChange={(e) => set('phoneOffice', e.target.value)}
              maxLength={40}
            />
          )}
        </Field>
        <fieldset className="sched-field settings-wide" aria-describedby="settings-date-order-help">
          <legend>Dates typed in numbers</legend>
          {dateOrders.map((order) => (
            <label key={order} className="inline">
              <input
                type="radio"
                name="dateOrder"
                value={order}
                checked={draft.dateOrder === order}
                onChange={() => set('dateOrder', order)}
              />
              {dateOrderLabels[order]}
            </label>
          ))}
          <span id="settings-date-order-help" className="sched-help">
            {settingsHelp.dateOrder}
          </span>
          {fields.dateOrder && <span className="field-error">{fields.dateOrder}</span>}
        </fieldset>
        <Field label="Address" error={fields.address} help={settingsHelp.address} className="settings-wide">
          {(p) => (
            <textarea
              {...p}
              rows={2}
              value={draft.address}
              onChange={(e) => set('address', e.target.value)}
              maxLength={300}
            />
          )}
        </Field>
      </div>
    </fieldset>
  );
}

/** The refill policy: buffers and the residual-discrepancy tolerance (reference.md B4). */
export function PolicySection(props: SectionProps) {
  return (
    <fieldset className="sched-fieldset">
      <legend>Refill policy</legend>
      <div className="grid-2">
        <NumberSetting name="bufferDays" label="Buffer before the alarm date" {...props} />
        <NumberSetting name="dueSoonDays" label="Due-soon window" {...props} />
        <NumberSetting
          name="stabilityBufferDays"
          label="Buffer before the drug’s stability limit"
          {...props}
        />
        <NumberSetting name="accuracyPct" label="Device accuracy" {...props} />
        <NumberSetting
          name="discrepancyFloorMl"
          label="Discrepancy measurement floor"
          step={0.001}
          {...props}
        />
        <NumberSetting
          name="discrepancyLimitSmallMl"
          label="Discrepancy limit, reservoirs up to 20 mL"
          step={0.001}
          {...props}
        />
        <NumberSetting
          name="discrepancyLimitLargeMl"
          label="Discrepancy limit, larger reservoirs"
          step={0.001}
          {...props}
        />
      </div>
    </fieldset>
  );
}

/** The weekdays the clinic refills pumps and its holidays: due dates land on clinic days only. */
export function ClinicDaysSection({ draft, set, fields, canWrite }: SectionProps & { canWrite: boolean }) {
  const [newHoliday, setNewHoliday] = useState('');
  const [holidayError, setHolidayError] = useState<string | undefined>();
  const holidayErrors = Object.entries(fields).filter(([k]) => k === 'holidays' || k.startsWith('holidays.'));

  function addHoliday() {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(newHoliday)) return setHolidayError('Enter the date of the holiday, e.g. 25 Dec 2026.');
    if (draft.holidays.includes(newHoliday))
      return setHolidayError(`${formatLocalDate(newHoliday)} is already listed.`);
    setHolidayError(undefined);
    set('holidays', [...draft.holidays, newHoliday].sort());
    setNewHoliday('');
  }

  return (
    <fieldset className="sched-fieldset">
      <legend>Clinic days</legend>
      <fieldset className="settings-weekdays" aria-describedby="settings-weekdays-help">
        <legend>Weekdays the clinic refills pumps</legend>
        <div className="settings-checks">
          {WEEKDAYS.map(([n, name]) => (
            <label key={n} className="inline">
              <input
                type="checkbox"
                checked={draft.clinicWeekdays.includes(n)}
                onChange={(e) =>
                  set(
                    'clinicWeekdays',
                    e.target.checked
                      ? [...draft.clinicWeekdays, n].sort((a, b) => a - b)
                      : draft.clinicWeekdays.filter((d) => d !== n),
                  )
                }
              />
              {name}
            </label>
          ))}
        </div>
        <span id="settings-weekdays-help" className="sched-help">
          {settingsHelp.clinicWeekdays}
        </span>
        {fields.clinicWeekdays && <span className="field-error">{fields.clinicWeekdays}</span>}
        <SourceNote text={settingsSources.clinicWeekdays} />
      </fieldset>

      <div className="settings-holidays">
        <h3 id="settings-holidays-heading">Holidays</h3>
        <p className="sched-help">{settingsHelp.holidays}</p>
        {draft.holidays.length === 0 ? (
          <p className="muted small">No holidays listed.</p>
        ) : (
          <ul aria-labelledby="settings-holidays-heading" className="settings-holiday-list">
            {draft.holidays.map((h) => (
              <li key={h}>
                <span>
                  {formatLocalDate(h)} <span className="muted small">({h})</span>
                </span>
                {canWrite && (
                  <button
                    type="button"
                    className="small secondary"
                    onClick={() =>
                      set(
                        'holidays',
                        draft.holidays.filter((d) => d !== h),
                      )
                    }
                  >
                    Remove<span className="sr-only"> holiday {formatLocalDate(h)}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {holidayErrors.map(([k, v]) => (
          <span key={k} className="field-error">
            {k === 'holidays' ? v : `${draft.holidays[Number(k.split('.')[1])] ?? k}: ${v}`}
          </span>
        ))}
        {canWrite && (
          <div className="settings-add-holiday">
            <Field label="Add a holiday" error={holidayError}>
              {(p) => (
                <DateInput
                  {...p}
                  label="Add a holiday"
                  value={newHoliday}
                  onChange={(v) => setNewHoliday(v)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      addHoliday();
                    }
                  }}
                />
              )}
            </Field>
            <button type="button" className="secondary" onClick={addHoliday}>
              Add holiday
            </button>
          </div>
        )}
      </div>
    </fieldset>
  );
}

/** Opening hours, slot length and daily capacity of the booking calendar. */
export function AppointmentsSection(props: SectionProps) {
  const { draft, set, fields } = props;
  return (
    <fieldset className="sched-fieldset">
      <legend>Appointments</legend>
      <div className="grid-2">
        <NumberSetting name="dailyCapacity" label="Daily capacity" {...props} />
        <NumberSetting name="slotMinutes" label="Slot length" {...props} />
        <Field label="Opening time" error={fields.dayStartsAt} help={settingsHelp.dayStartsAt}>
          {(p) => (
            <TimeInput
              {...p}
              label="Opening time"
              value={draft.dayStartsAt}
              onChange={(v) => set('dayStartsAt', v)}
              required
            />
          )}
        </Field>
        <Field label="Closing time" error={fields.dayEndsAt} help={settingsHelp.dayEndsAt} source={settingsSources.dayEndsAt}>
          {(p) => (
            <TimeInput
              {...p}
              label="Closing time"
              value={draft.dayEndsAt}
              onChange={(v) => set('dayEndsAt', v)}
              required
            />
          )}
        </Field>
        <Field
          label="Titration visits after an implant (days)"
          error={fields.titrationDayOffsets ?? Object.entries(fields).find(([k]) => k.startsWith('titrationDayOffsets.'))?.[1]}
          help={settingsHelp.titrationDayOffsets}
        >
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={draft.titrationDayOffsets}
              onChange={(e) => set('titrationDayOffsets', e.target.value)}
            />
          )}
        </Field>
      </div>
    </fieldset>
  );
}

/** Idle sign-out and what a patient's calendar feed shows. */
export function SecuritySection(props: SectionProps) {
  const { draft, set, fields } = props;
  return (
    <fieldset className="sched-fieldset">
      <legend>Security and privacy</legend>
      <div className="grid-2">
        <NumberSetting name="idleTimeoutMinutes" label="Idle sign-out" {...props} />
        <p className="sched-help">
          Whether a patient&rsquo;s own calendar feed shows their first name is the patient&rsquo;s choice, recorded
          on their page (Calendar link).
        </p>
      </div>
      <fieldset className="sched-field" aria-describedby="settings-mfa-help">
        <legend>Two-step sign-in required for</legend>
        {staffRoles.map((role) => (
          <label key={role} className="inline">
            <input
              type="checkbox"
              checked={draft.mfaRequiredRoles.includes(role)}
              onChange={(e) =>
                set('mfaRequiredRoles', e.target.checked ? [...draft.mfaRequiredRoles, role] : draft.mfaRequiredRoles.filter((r) => r !== role))
              }
            />
            {roleLabels[role]}
          </label>
        ))}
        <span id="settings-mfa-help" className="sched-help">
          {settingsHelp.mfaRequiredRoles}
        </span>
        {fields.mfaRequiredRoles && <span className="field-error">{fields.mfaRequiredRoles}</span>}
      </fieldset>
    </fieldset>
  );
}
