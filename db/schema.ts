/**
 * The clinic's data model. camelCase in TypeScript, snake_case in SQL.
 *
 * Quantities are stored exactly as integers: volumes in microlitres (`…Ul`), doses and concentrations in
 * nanograms (`…Ng…`, so that ziconotide's 2.4 mcg/day is exact), flow in microlitres per day. Instants are
 * epoch milliseconds (`…At`); clinic calendar dates are `YYYY-MM-DD` text (`…On`). Rows that staff edit carry
 * a `version` for optimistic concurrency: an update names the version it read and fails if it moved.
 */
import { relations, sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  alertActions,
  appointmentStatuses,
  appointmentTypes,
  attendanceResponses,
  contactOutcomes,
  discrepancyFlags,
  doseUnits,
  mriRules,
  nameOrders,
  orderStatuses,
  orderTimings,
  programModes,
  pumpKinds,
  pumpStatuses,
  spasticityOrigins,
  staffFeedScopes,
  visitKinds,
  withdrawalRisks,
  type StaffRole,
} from '../lib/domain/vocabulary';
import {
  DEFAULT_ACCURACY_PCT,
  DEFAULT_BUFFER_DAYS,
  DEFAULT_DISCREPANCY_FLOOR_ML,
  DEFAULT_DISCREPANCY_LIMIT_LARGE_ML,
  DEFAULT_DISCREPANCY_LIMIT_SMALL_ML,
  DEFAULT_DUE_SOON_DAYS,
  DEFAULT_STABILITY_BUFFER_DAYS,
} from '../lib/domain/policy';
import type { DateOrder } from '../lib/domain/typed-dates';

// The vocabularies live in lib/domain/vocabulary.ts; re-exported here for the data layer's callers.
export * from '../lib/domain/vocabulary';

const ul = (ml: number) => Math.round(ml * 1000);

const createdAt = () =>
  integer('created_at')
    .notNull()
    .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);
const updatedAt = () =>
  integer('updated_at')
    .notNull()
    .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);
const version = () => integer('version').notNull().default(1);
const bool = (name: string) => integer(name, { mode: 'boolean' }).notNull().default(false);

/**
 * A clinic's emergency code: 24 lowercase hex digits (96 random bits), the only key of its public emergency page
 * (`/emergency?c=…`), so that the page cannot be walked clinic by clinic (issue 14). The migration that added it
 * backfills existing clinics with `lower(hex(randomblob(12)))`, the same format.
 */
export function newEmergencyCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const clinics = sqliteTable('clinics', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  phone24h: text('phone_24h').notNull(),
  phoneOffice: text('phone_office'),
  address: text('address').notNull().default(''),
  /** The key of the clinic's public emergency page, printed in the cards' QR links (newEmergencyCode). */
  emergencyCode: text('emergency_code').notNull().unique().$defaultFn(newEmergencyCode),
  // Refill policy. Defaults and their sources live in lib/domain/policy.ts.
  bufferDays: integer('buffer_days').notNull().default(DEFAULT_BUFFER_DAYS),
  dueSoonDays: integer('due_soon_days').notNull().default(DEFAULT_DUE_SOON_DAYS),
  /** JSON array of ISO weekdays (1 = Monday). */
  clinicWeekdays: text('clinic_weekdays', { mode: 'json' }).$type<number[]>().notNull(),
  /** JSON array of `YYYY-MM-DD`. */
  holidays: text('holidays', { mode: 'json' }).$type<string[]>().notNull(),
  accuracyPct: integer('accuracy_pct').notNull().default(DEFAULT_ACCURACY_PCT),
  // Residual tolerance (reference.md B4, revised): max(floor, min(absolute limit, accuracy % × delivered)),
  // computed by discrepancyToleranceMl in lib/domain/refill.ts.
  /** The measurement floor: syringe-reading noise below it never flags (B4 [INFERENCE], 0.5 mL). */
  discrepancyFloorUl: integer('discrepancy_floor_ul').notNull().default(ul(DEFAULT_DISCREPANCY_FLOOR_ML)),
  /** The absolute limit for reservoirs up to 20 mL (Maino 2017, S34: 1 mL). */
  discrepancyLimitSmallUl: integer('discrepancy_limit_small_ul').notNull().default(ul(DEFAULT_DISCREPANCY_LIMIT_SMALL_ML)),
  /** The absolute limit for larger reservoirs (ASRA 2017, S33; Maino 2017, S34: 2 mL). */
  discrepancyLimitLargeUl: integer('discrepancy_limit_large_ul').notNull().default(ul(DEFAULT_DISCREPANCY_LIMIT_LARGE_ML)),
  /** Days the due date keeps before the drug's stability limit (reference.md B3, B7-2). */
  stabilityBufferDays: integer('stability_buffer_days').notNull().default(DEFAULT_STABILITY_BUFFER_DAYS),
  /** Appointments the clinic can take per day. */
  dailyCapacity: integer('daily_capacity').notNull().default(12),
  dayStartsAt: text('day_starts_at').notNull().default('08:30'),
  dayEndsAt: text('day_ends_at').notNull().default('16:30'),
  slotMinutes: integer('slot_minutes').notNull().default(30),
  idleTimeoutMinutes: integer('idle_timeout_minutes').notNull().default(15),
  /**
   * The titration visits offered when a patient is added: days after the implant (lib/domain/titration.ts,
   * issue 18 item 5). JSON array; day 2, week 1, week 2 by default; empty offers none.
   */
  titrationDayOffsets: text('titration_day_offsets', { mode: 'json' })
    .$type<number[]>()
    .notNull()
    .default(sql`'[2,7,14]'`),
  /**
   * Roles that must sign in with a second factor (TOTP): a staff member of one of them without it enrolled is
   * sent to enrol before anything else (issue 14, item 4). JSON array of roles; admins and physicians by default.
   */
  mfaRequiredRoles: text('mfa_required_roles', { mode: 'json' })
    .$type<StaffRole[]>()
    .notNull()
    .default(sql`'["admin","physician"]'`),
  /**
   * How staff type a date in numbers (lib/domain/typed-dates.ts, decision 029): `d/m/y` reads 2/12/2026 as
   * 2 December, `m/d/y` as 12 February. Pages always print the month as a word, whatever this says.
   */
  dateOrder: text('date_order').$type<DateOrder>().notNull().default('m/d/y'),
  isDemo: bool('is_demo'),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

// ---- Staff and authentication (better-auth's tables, with the clinic and role added) ----


export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull().unique(),
    emailVerified: integer('email_verified', { mode: 'boolean' }).notNull().default(false),
    image: text('image'),
    clinicId: integer('clinic_id').references(() => clinics.id),
    role: text('role').$type<StaffRole>().notNull().default('nurse'),
    banned: integer('banned', { mode: 'boolean' }).default(false),
    banReason: text('ban_reason'),
    banExpires: integer('ban_expires', { mode: 'timestamp_ms' }),
    /** Signed in with a temporary password an admin set: must choose their own before anything else. */
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    /** A confirmed authenticator (better-auth's twoFactor plugin): sign-in then asks for its code. */
    twoFactorEnabled: integer('two_factor_enabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('users_clinic_idx').on(t.clinicId)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    token: text('token').notNull().unique(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    impersonatedBy: text('impersonated_by'),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const accounts = sqliteTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: integer('access_token_expires_at', { mode: 'timestamp_ms' }),
    refreshTokenExpiresAt: integer('refresh_token_expires_at', { mode: 'timestamp_ms' }),
    scope: text('scope'),
    password: text('password'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('accounts_user_idx').on(t.userId)],
);

export const verifications = sqliteTable('verifications', {
  id: text('id').primaryKey(),
  identifier: text('identifier').notNull(),
  value: text('value').notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
});

/**
 * A staff member's authenticator (better-auth's twoFactor plugin): the TOTP secret and the one-time recovery
 * codes, both encrypted with the auth secret; `verified` once a first code confirmed the enrolment. The plugin's
 * own per-account lock after failed codes lives here too.
 */
export const twoFactors = sqliteTable(
  'two_factors',
  {
    id: text('id').primaryKey(),
    secret: text('secret').notNull(),
    backupCodes: text('backup_codes').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    verified: integer('verified', { mode: 'boolean' }).default(true),
    failedVerificationCount: integer('failed_verification_count').default(0),
    lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('two_factors_user_idx').on(t.userId)],
);

/** The last request of each session, for the idle sign-out (a clinic setting). */
export const sessionActivity = sqliteTable('session_activity', {
  sessionId: text('session_id')
    .primaryKey()
    .references(() => sessions.id, { onDelete: 'cascade' }),
  lastActiveAt: integer('last_active_at').notNull(),
});

/** Failed sign-in attempts per email, for throttling and lockout (kept whether or not the account exists). */
export const signInAttempts = sqliteTable('sign_in_attempts', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: integer('locked_until'),
  lastFailureAt: integer('last_failure_at'),
});

/** Personal API tokens (Bearer) for integrations; only a hash is stored. */
export const apiTokens = sqliteTable('api_tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
  createdAt: createdAt(),
});

// ---- Catalogues ----


export const pumpModels = sqliteTable(
  'pump_models',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    manufacturer: text('manufacturer').notNull(),
    name: text('name').notNull(),
    modelNumber: text('model_number').notNull(),
    kind: text('kind', { enum: pumpKinds }).notNull(),
    reservoirUl: integer('reservoir_ul'),
    defaultAlarmUl: integer('default_alarm_ul'),
    nominalFlowUlPerDay: integer('nominal_flow_ul_per_day'),
    maxServiceYears: integer('max_service_years'),
    /** Days from the elective replacement indicator to the pump stopping. */
    eriToStopDays: integer('eri_to_stop_days'),
    accuracyPct: integer('accuracy_pct'),
    mriRule: text('mri_rule', { enum: mriRules }).notNull().default('unknown'),
    mriNote: text('mri_note'),
    hasCatheterAccessPort: integer('has_catheter_access_port', { mode: 'boolean' }),
    supportPhone: text('support_phone'),
    /** JSON array of drug names the model is labelled for. */
    labeledDrugs: text('labeled_drugs', { mode: 'json' }).$type<string[]>().notNull(),
    source: text('source').notNull().default(''),
  },
  (t) => [uniqueIndex('pump_models_number_uq').on(t.manufacturer, t.modelNumber)],
);


export const drugs = sqliteTable('drugs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  product: text('product').notNull(),
  /** Display unit for doses: baclofen and ziconotide in mcg, morphine in mg. */
  doseUnit: text('dose_unit', { enum: doseUnits }).notNull().default('mcg'),
  /** JSON array of concentrations offered, ng/mL. */
  concentrationsNgPerMl: text('concentrations_ng_per_ml', { mode: 'json' }).$type<number[]>().notNull(),
  stabilityDays: integer('stability_days').notNull(),
  initialFillDays: integer('initial_fill_days'),
  usualMaxDoseNgPerDay: integer('usual_max_dose_ng_per_day'),
  /** How dangerous an interruption is: baclofen severe, opioids moderate, ziconotide low (reference.md D). */
  withdrawalRisk: text('withdrawal_risk', { enum: withdrawalRisks }).notNull(),
  source: text('source').notNull().default(''),
});

// ---- Patients and their pumps ----


export const patients = sqliteTable(
  'patients',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    mrn: text('mrn').notNull(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    /** How the full name is written on the card, the letter and every print (lib/domain/names.ts). */
    nameOrder: text('name_order', { enum: nameOrders }).notNull().default('given-first'),
    dateOfBirth: text('date_of_birth').notNull(),
    phone: text('phone').notNull().default(''),
    address: text('address').notNull().default(''),
    caregiverName: text('caregiver_name').notNull().default(''),
    caregiverPhone: text('caregiver_phone').notNull().default(''),
    spasticityOrigin: text('spasticity_origin', { enum: spasticityOrigins }).notNull(),
    riskInjuryT6OrAbove: bool('risk_injury_t6_or_above'),
    riskCommunication: bool('risk_communication'),
    riskPriorWithdrawal: bool('risk_prior_withdrawal'),
    riskHearingImpaired: bool('risk_hearing_impaired'),
    backupOralPlan: text('backup_oral_plan').notNull().default(''),
    allergies: text('allergies').notNull().default(''),
    managingPhysicianId: text('managing_physician_id').references(() => users.id),
    notes: text('notes').notNull().default(''),
    // Reminders (docs/notifications.md): sent only with the patient's consent for that channel, recorded with its date.
    reminderEmail: text('reminder_email').notNull().default(''),
    emailRemindersConsentedAt: integer('email_reminders_consented_at'),
    smsRemindersConsentedAt: integer('sms_reminders_consented_at'),
    reminderConsentRecordedById: text('reminder_consent_recorded_by_id').references(() => users.id),
    // The patient's own calendar feed shows their first name only with their consent, recorded with its date and
    // who recorded it (docs/feeds.md); null = no consent (the default, also for every feed that existed before).
    feedFirstNameConsentedAt: integer('feed_first_name_consented_at'),
    feedFirstNameConsentRecordedById: text('feed_first_name_consent_recorded_by_id').references(() => users.id),
    /** When the consent was last granted or withdrawn: the feed's DTSTAMP follows it, not every patient edit. */
    feedFirstNameConsentChangedAt: integer('feed_first_name_consent_changed_at'),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('patients_clinic_mrn_uq').on(t.clinicId, t.mrn),
    index('patients_clinic_family_idx').on(t.clinicId, t.familyName),
  ],
);


export const pumps = sqliteTable(
  'pumps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    patientId: integer('patient_id')
      .notNull()
      .references(() => patients.id),
    modelId: integer('model_id')
      .notNull()
      .references(() => pumpModels.id),
    serial: text('serial').notNull(),
    implantedOn: text('implanted_on').notNull(),
    /** This patient's low-reservoir alarm volume; defaults to the model's, may be raised (e.g. 4 mL). */
    alarmUl: integer('alarm_ul').notNull(),
    /** Reservoir capacity; copied from the model at implant so a catalogue edit never changes a patient. */
    reservoirUl: integer('reservoir_ul').notNull(),
    /** Constant-flow pumps: the measured or nominal flow. */
    flowUlPerDay: integer('flow_ul_per_day'),
    catheterVolumeUl: integer('catheter_volume_ul'),
    pathwayVolumeUl: integer('pathway_volume_ul'),
    status: text('status', { enum: pumpStatuses }).notNull().default('active'),
    explantedOn: text('explanted_on'),
    eriRecordedOn: text('eri_recorded_on'),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('pumps_patient_idx').on(t.patientId), index('pumps_status_idx').on(t.status)],
);


export interface FlexStepRow {
  start: string;
  doseNgPerHour: number;
}
export interface PeriodicBolusRow {
  at: string;
  doseNg: number;
}

/** Versioned drug programs: exactly one active (supersededAt null) per pump. */
export const drugPrograms = sqliteTable(
  'drug_programs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pumpId: integer('pump_id')
      .notNull()
      .references(() => pumps.id),
    /** 1, 2, 3 … per pump. */
    versionNo: integer('version_no').notNull(),
    drugId: integer('drug_id')
      .notNull()
      .references(() => drugs.id),
    concentrationNgPerMl: integer('concentration_ng_per_ml').notNull(),
    mode: text('mode', { enum: programModes }).notNull(),
    /** The programmed daily dose (for flex: the sum of the steps and periodic boluses). */
    doseNgPerDay: integer('dose_ng_per_day').notNull(),
    flexSteps: text('flex_steps', { mode: 'json' }).$type<FlexStepRow[]>(),
    periodicBoluses: text('periodic_boluses', { mode: 'json' }).$type<PeriodicBolusRow[]>(),
    patientBolusDoseNg: integer('patient_bolus_dose_ng'),
    patientBolusMaxPerDay: integer('patient_bolus_max_per_day'),
    effectiveAt: integer('effective_at').notNull(),
    supersededAt: integer('superseded_at'),
    /** The physician who ordered this version (null for versions recorded before orders existed). */
    prescriberId: text('prescriber_id').references(() => users.id),
    /** The order it applied, if any. */
    orderId: integer('order_id'),
    /** The second experienced person who confirmed it with their own credentials (E7, S55). */
    verifiedById: text('verified_by_id').references(() => users.id),
    reason: text('reason').notNull().default(''),
    /** Who entered it (a nurse applying an order at a refill, or the ordering physician). */
    createdById: text('created_by_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('drug_programs_pump_version_uq').on(t.pumpId, t.versionNo),
    uniqueIndex('drug_programs_one_active_uq')
      .on(t.pumpId)
      .where(sql`superseded_at is null`),
  ],
);


/** A program as a physician orders it, in the units staff enter (mcg, mL, HH:MM). */
export interface OrderedProgramSpec {
  drugId: number;
  concentrationMcgPerMl: number;
  mode: (typeof programModes)[number];
  doseMcgPerDay?: number | null;
  flexSteps?: { start: string; doseMcgPerHour: number }[] | null;
  periodicBoluses?: { at: string; doseMcg: number }[] | null;
  patientBolus?: { doseMcg: number; maxPerDay: number } | null;
}

/**
 * A physician's order for a program change: applied at once ('now'), or pending until a nurse applies it at
 * the next refill ('next-refill'), which is the only way a new concentration or drug enters the record.
 */
export const programOrders = sqliteTable(
  'program_orders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pumpId: integer('pump_id')
      .notNull()
      .references(() => pumps.id),
    status: text('status', { enum: orderStatuses }).notNull().default('pending'),
    timing: text('timing', { enum: orderTimings }).notNull(),
    spec: text('spec', { mode: 'json' }).$type<OrderedProgramSpec>().notNull(),
    reason: text('reason').notNull().default(''),
    /** The program version the physician read when ordering. */
    baseProgramId: integer('base_program_id').references(() => drugPrograms.id),
    orderedById: text('ordered_by_id')
      .notNull()
      .references(() => users.id),
    orderedAt: integer('ordered_at').notNull(),
    verifiedById: text('verified_by_id').references(() => users.id),
    appliedProgramId: integer('applied_program_id').references(() => drugPrograms.id),
    appliedAt: integer('applied_at'),
    appliedById: text('applied_by_id').references(() => users.id),
    cancelledAt: integer('cancelled_at'),
    cancelledById: text('cancelled_by_id').references(() => users.id),
    version: version(),
    createdAt: createdAt(),
  },
  (t) => [index('program_orders_pump_idx').on(t.pumpId, t.status)],
);


export const refillVisits = sqliteTable(
  'refill_visits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pumpId: integer('pump_id')
      .notNull()
      .references(() => pumps.id),
    kind: text('kind', { enum: visitKinds }).notNull().default('refill'),
    performedAt: integer('performed_at').notNull(),
    performedById: text('performed_by_id').references(() => users.id),
    performedByName: text('performed_by_name').notNull().default(''),
    verifiedById: text('verified_by_id').references(() => users.id),
    verifiedByName: text('verified_by_name').notNull().default(''),
    expectedResidualUl: integer('expected_residual_ul'),
    aspiratedResidualUl: integer('aspirated_residual_ul'),
    volumeFilledUl: integer('volume_filled_ul').notNull(),
    /** Volume in the reservoir after the visit: the start of the next forecast. */
    reservoirAfterUl: integer('reservoir_after_ul').notNull(),
    drugId: integer('drug_id')
      .notNull()
      .references(() => drugs.id),
    drugLot: text('drug_lot').notNull().default(''),
    drugExpiresOn: text('drug_expires_on'),
    concentrationNgPerMl: integer('concentration_ng_per_ml').notNull(),
    /** The program in effect after this visit. */
    programId: integer('program_id').references(() => drugPrograms.id),
    programChanged: bool('program_changed'),
    bridgeBolusGiven: bool('bridge_bolus_given'),
    bridgeBolusNote: text('bridge_bolus_note').notNull().default(''),
    /** Volume the bridge bolus drew from the reservoir (B5): it leaves less drug for the next forecast. */
    bridgeBolusUl: integer('bridge_bolus_ul'),
    discrepancyUl: integer('discrepancy_ul'),
    discrepancyFlag: text('discrepancy_flag', { enum: discrepancyFlags }),
    /** The E5 alert severity the flag raised, kept open until a physician reviews it. */
    discrepancySeverity: text('discrepancy_severity'),
    /** The nurse re-measured or confirmed a critical residual before saving. */
    discrepancyConfirmed: bool('discrepancy_confirmed'),
    discrepancyReviewedById: text('discrepancy_reviewed_by_id').references(() => users.id),
    discrepancyReviewedAt: integer('discrepancy_reviewed_at'),
    discrepancyReviewNote: text('discrepancy_review_note'),
    /** Pocket-fill safeguards of reference.md G1 (E6, S34, S42, S55). */
    needlePlacementConfirmed: bool('needle_placement_confirmed'),
    residualCheckedBeforeFill: bool('residual_checked_before_fill'),
    templateUsed: bool('template_used'),
    /** How the fill was confirmed in the reservoir: aspiration-back, ultrasound, fluoroscopy (G2). */
    fillConfirmationMethod: text('fill_confirmation_method'),
    /** The physician's order applied at this visit, if any. */
    orderId: integer('order_id').references(() => programOrders.id),
    notes: text('notes').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [index('refill_visits_pump_at_idx').on(t.pumpId, t.performedAt)],
);


export const appointments = sqliteTable(
  'appointments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pumpId: integer('pump_id')
      .notNull()
      .references(() => pumps.id),
    startsAt: integer('starts_at').notNull(),
    durationMinutes: integer('duration_minutes').notNull().default(30),
    type: text('type', { enum: appointmentTypes }).notNull().default('refill'),
    status: text('status', { enum: appointmentStatuses }).notNull().default('booked'),
    /** iCalendar SEQUENCE: bumped whenever the event changes, so calendars update in place. */
    sequence: integer('sequence').notNull().default(0),
    notes: text('notes').notNull().default(''),
    /** Why it was booked after the refill due date or the low-reservoir alarm (confirmed by the booker). */
    lateReason: text('late_reason'),
    /** Why it was booked on a day already at the clinic's daily capacity (an urgent patient). */
    overbookReason: text('overbook_reason'),
    createdById: text('created_by_id').references(() => users.id),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('appointments_pump_idx').on(t.pumpId, t.status, t.startsAt),
    index('appointments_starts_idx').on(t.startsAt),
  ],
);

/**
 * The stored forecast of each active pump, recomputed in the same transaction as any write that changes
 * its inputs. The worklist ranks from it without forecasting every pump on every request.
 */
export const pumpForecasts = sqliteTable(
  'pump_forecasts',
  {
    pumpId: integer('pump_id')
      .primaryKey()
      .references(() => pumps.id),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    /** Null when the programmed rate never reaches the volume (e.g. a zero rate). */
    lowReservoirAlarmAt: integer('low_reservoir_alarm_at'),
    emptyAt: integer('empty_at'),
    refillDueOn: text('refill_due_on').notNull(),
    stabilityExpiresOn: text('stability_expires_on').notNull(),
    dailyVolumeUl: integer('daily_volume_ul').notNull(),
    worstCaseDailyVolumeUl: integer('worst_case_daily_volume_ul').notNull(),
    nextAppointmentId: integer('next_appointment_id'),
    nextAppointmentAt: integer('next_appointment_at'),
    /** The next appointment falls after the refill due date (E2). */
    appointmentLate: integer('appointment_late', { mode: 'boolean' }).notNull().default(false),
    /**
     * The worst open alert at computation, 0 none … 4 critical (info, warn, high, critical), so that the
     * worklist ranks by it without forecasting every pump.
     */
    worstAlertRank: integer('worst_alert_rank').notNull().default(0),
    computedAt: integer('computed_at').notNull(),
    /**
     * When refillDueOn, lowReservoirAlarmAt or emptyAt last changed: a recompute that moves nothing (the hourly
     * refresh, a restart) keeps it, so the calendar feeds' SEQUENCE, DTSTAMP and ETag stay put (docs/feeds.md).
     */
    datesChangedAt: integer('dates_changed_at').notNull().default(0),
    /**
     * The worklist's rank at computedAt as one text key (db/queries/worklist-rank.ts rankKeySql), true from
     * computedAt until rankValidUntil (exclusive), when the time-driven status can next change
     * (lib/domain/worklist-rank.ts). Outside that window the worklist ranks the row live. Null, with
     * rankValidUntil 0, until the first refresh: ranked live. Decision 025.
     */
    rankKey: text('rank_key'),
    rankValidUntil: integer('rank_valid_until').notNull().default(0),
  },
  (t) => [
    index('pump_forecasts_clinic_due_idx').on(t.clinicId, t.refillDueOn),
    // The worklist's first page: a range read in rank order; covers the page and the counts per tier.
    index('pump_forecasts_rank_key_idx').on(t.clinicId, t.rankKey, t.computedAt, t.rankValidUntil),
    // The few rows whose key has run out, ranked live (and those read before their refresh).
    index('pump_forecasts_rank_valid_idx').on(t.clinicId, t.rankValidUntil),
    index('pump_forecasts_computed_idx').on(t.clinicId, t.computedAt),
  ],
);


export const alertAcknowledgements = sqliteTable(
  'alert_acknowledgements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pumpId: integer('pump_id')
      .notNull()
      .references(() => pumps.id),
    code: text('code').notNull(),
    action: text('action', { enum: alertActions }).notNull(),
    /** The severity acknowledged: a worse one brings the alert back. */
    severity: text('severity').notNull(),
    reason: text('reason').notNull(),
    snoozedUntil: integer('snoozed_until'),
    byUserId: text('by_user_id').references(() => users.id),
    at: createdAt(),
  },
  (t) => [index('alert_ack_pump_idx').on(t.pumpId, t.code)],
);

/** Append-only: who did what, when, with the record before and after. Views of patient records too. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clinicId: integer('clinic_id').references(() => clinics.id),
    at: createdAt(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    /** Where the request came from: the client address under the trusted-proxy rule, and its user agent. */
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    /**
     * Tamper evidence: SHA-256 over this row's content and the previous row's hash (db/queries/audit.ts);
     * `npm run audit:verify` recomputes the chain. Rows are append-only: triggers refuse UPDATE and DELETE.
     */
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [index('audit_clinic_at_idx').on(t.clinicId, t.at), index('audit_entity_idx').on(t.entity, t.entityId)],
);

/** Calendar feed tokens: a patient's feed, or a staff member's clinic feed. Only a hash is stored. */
export const feedTokens = sqliteTable(
  'feed_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['patient', 'clinic'] }).notNull(),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    patientId: integer('patient_id').references(() => patients.id),
    userId: text('user_id').references(() => users.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    revokedAt: integer('revoked_at'),
    /** The last time a calendar app fetched this feed (200 or 304), written at most every few minutes. */
    lastFetchedAt: integer('last_fetched_at'),
  },
  (t) => [index('feed_tokens_patient_idx').on(t.patientId)],
);

/**
 * Per staff member: what their clinic calendar feed shows (decision 026). No row: the default, "mine" for a staff
 * member who is the managing physician of at least one patient, else the clinic.
 */
export const staffFeedSettings = sqliteTable('staff_feed_settings', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  scope: text('scope', { enum: staffFeedScopes }).notNull(),
  updatedAt: updatedAt(),
});

/** Emergency cards and letters printed: which program and refill each showed, for the stale-card flag. */
export const cardPrints = sqliteTable(
  'card_prints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pumpId: integer('pump_id')
      .notNull()
      .references(() => pumps.id),
    kind: text('kind', { enum: ['card', 'letter'] }).notNull(),
    programId: integer('program_id').references(() => drugPrograms.id),
    refillVisitId: integer('refill_visit_id').references(() => refillVisits.id),
    byUserId: text('by_user_id').references(() => users.id),
    printedAt: createdAt(),
  },
  (t) => [index('card_prints_pump_idx').on(t.pumpId, t.printedAt)],
);

// ---- Notifications (docs/notifications.md) ----

export const notificationKinds = [
  'appointment-evening',
  'appointment-morning',
  'refill-due-unbooked',
  'refill-overdue',
  'staff-digest',
  'undeliverable',
  'escalation-physician',
  'escalation-on-call',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];
export const notificationChannels = ['email', 'sms'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];
export const notificationStatuses = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/**
 * The outbox: one row per message, written before anything is sent. `key` makes each notification unique
 * (patient or staff member + kind + date + channel), so deriving it twice inserts it once; the worker claims a
 * row (status 'sending' with a lease), sends, then marks it 'sent', so a crash between the two resends it with
 * the same Message-ID (at-least-once, never lost).
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    key: text('key').notNull().unique(),
    kind: text('kind', { enum: notificationKinds }).notNull(),
    channel: text('channel', { enum: notificationChannels }).notNull(),
    patientId: integer('patient_id').references(() => patients.id),
    pumpId: integer('pump_id').references(() => pumps.id),
    userId: text('user_id').references(() => users.id),
    /** The appointment a reminder is about, and its start when the reminder was written (a move supersedes it). */
    appointmentId: integer('appointment_id').references(() => appointments.id),
    appointmentStartsAt: integer('appointment_starts_at'),
    /** The refill due date an unbooked or overdue reminder is about (a refill supersedes it). */
    refillDueOn: text('refill_due_on'),
    /** The failed notification an undeliverable alert is about. */
    aboutNotificationId: integer('about_notification_id'),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    messageId: text('message_id').notNull(),
    status: text('status', { enum: notificationStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** While 'sending': the lease; a row still 'sending' after it was interrupted and is sent again. */
    leaseUntil: integer('lease_until'),
    /** Not sent by then (the evening before an appointment that has started): failed, not sent late. */
    expiresAt: integer('expires_at').notNull(),
    lastError: text('last_error'),
    sentAt: integer('sent_at'),
    failedAt: integer('failed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('notifications_due_idx').on(t.status, t.nextAttemptAt),
    index('notifications_patient_idx').on(t.patientId, t.createdAt),
  ],
);

/** Per staff member: on duty for the morning digest and for undeliverable-reminder alerts. */
export const staffNotificationSettings = sqliteTable('staff_notification_settings', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  onDuty: bool('on_duty'),
  updatedAt: updatedAt(),
});

/** Per clinic: reminder times (clinic-local HH:MM), the escalation delay and the on-call contact. */
export const clinicNotificationSettings = sqliteTable('clinic_notification_settings', {
  clinicId: integer('clinic_id')
    .primaryKey()
    .references(() => clinics.id),
  eveningReminderAt: text('evening_reminder_at').notNull().default('18:00'),
  morningReminderAt: text('morning_reminder_at').notNull().default('07:00'),
  digestAt: text('digest_at').notNull().default('07:30'),
  /** A critical alert nobody acknowledged for this long goes to the managing physician; twice as long, to on-call. */
  escalateAfterMinutes: integer('escalate_after_minutes').notNull().default(60),
  onCallName: text('on_call_name').notNull().default(''),
  onCallEmail: text('on_call_email').notNull().default(''),
  onCallPhone: text('on_call_phone').notNull().default(''),
  version: version(),
  updatedAt: updatedAt(),
});

// ---- Outreach (issue 16 items 4 and 5) ----

/** One attempt to reach a patient by phone or message: what happened, who tried and when. */
export const contactAttempts = sqliteTable(
  'contact_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    patientId: integer('patient_id')
      .notNull()
      .references(() => patients.id),
    outcome: text('outcome', { enum: contactOutcomes }).notNull(),
    note: text('note').notNull().default(''),
    byId: text('by_id')
      .notNull()
      .references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('contact_attempts_patient_idx').on(t.patientId, t.at)],
);

/** A call to make again, created from a contact attempt: by when and by whom, and when it was done. */
export const followUpTasks = sqliteTable(
  'follow_up_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    patientId: integer('patient_id')
      .notNull()
      .references(() => patients.id),
    contactAttemptId: integer('contact_attempt_id')
      .notNull()
      .references(() => contactAttempts.id),
    /** Clinic calendar date (YYYY-MM-DD). */
    dueOn: text('due_on').notNull(),
    assigneeId: text('assignee_id')
      .notNull()
      .references(() => users.id),
    doneAt: integer('done_at'),
    doneById: text('done_by_id').references(() => users.id),
    createdById: text('created_by_id')
      .notNull()
      .references(() => users.id),
    version: version(),
    createdAt: createdAt(),
  },
  (t) => [index('follow_up_tasks_open_idx').on(t.clinicId, t.doneAt, t.dueOn), index('follow_up_tasks_patient_idx').on(t.patientId)],
);

/**
 * The one-time link an appointment reminder carries (/attend/[token]). Only the token's SHA-256 is stored; the token
 * itself is an HMAC of the appointment and its start (lib/notifications/attendance.ts), so the outbox never holds it
 * and a resend after a crash carries the same link. Valid until the appointment starts, for one answer.
 */
export const attendanceLinks = sqliteTable(
  'attendance_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    appointmentId: integer('appointment_id')
      .notNull()
      .references(() => appointments.id),
    tokenHash: text('token_hash').notNull().unique(),
    /** The appointment's start when the link was issued: a moved appointment gets a new link. */
    appointmentStartsAt: integer('appointment_starts_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    response: text('response', { enum: attendanceResponses }),
    /** The patient's words with a request for another time (optional, at most 300 characters). */
    note: text('note').notNull().default(''),
    respondedAt: integer('responded_at'),
    /** A request for another time, dealt with by the front desk. */
    handledAt: integer('handled_at'),
    handledById: text('handled_by_id').references(() => users.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('attendance_links_appointment_idx').on(t.appointmentId), index('attendance_links_queue_idx').on(t.clinicId, t.response, t.handledAt)],
);

// ---- Relations (for the query builder) ----

export const patientsRelations = relations(patients, ({ one, many }) => ({
  clinic: one(clinics, { fields: [patients.clinicId], references: [clinics.id] }),
  pumps: many(pumps),
}));

export const pumpsRelations = relations(pumps, ({ one, many }) => ({
  patient: one(patients, { fields: [pumps.patientId], references: [patients.id] }),
  model: one(pumpModels, { fields: [pumps.modelId], references: [pumpModels.id] }),
  programs: many(drugPrograms),
  visits: many(refillVisits),
  appointments: many(appointments),
}));

export const drugProgramsRelations = relations(drugPrograms, ({ one }) => ({
  pump: one(pumps, { fields: [drugPrograms.pumpId], references: [pumps.id] }),
  drug: one(drugs, { fields: [drugPrograms.drugId], references: [drugs.id] }),
}));

export const refillVisitsRelations = relations(refillVisits, ({ one }) => ({
  pump: one(pumps, { fields: [refillVisits.pumpId], references: [pumps.id] }),
}));

export const appointmentsRelations = relations(appointments, ({ one }) => ({
  pump: one(pumps, { fields: [appointments.pumpId], references: [pumps.id] }),
}));

export type Clinic = typeof clinics.$inferSelect;
export type Patient = typeof patients.$inferSelect;
export type Pump = typeof pumps.$inferSelect;
export type PumpModel = typeof pumpModels.$inferSelect;
export type Drug = typeof drugs.$inferSelect;
export type DrugProgram = typeof drugPrograms.$inferSelect;
export type RefillVisit = typeof refillVisits.$inferSelect;
export type Appointment = typeof appointments.$inferSelect;
export type ProgramOrder = typeof programOrders.$inferSelect;
export type Staff = typeof users.$inferSelect;
export type Notification = typeof notifications.$inferSelect;

/**
 * The identity of this database file: one row, a random id written when the file is created (backfilled by
 * the migration for older files) and never changed, and a fresh one in every backup copy (db/backup.ts). The
 * server remembers it at open and re-reads it from the file at DATABASE_PATH (db/client.ts): a file copied over
 * the database in place keeps its device and inode, but not this row.
 */
export const databaseIdentity = sqliteTable(
  'database_identity',
  {
    id: integer('id').primaryKey(),
    identity: text('identity').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [check('database_identity_single_row', sql`${t.id} = 1`)],
);
export type ContactAttempt = typeof contactAttempts.$inferSelect;
export type FollowUpTask = typeof followUpTasks.$inferSelect;
export type AttendanceLink = typeof attendanceLinks.$inferSelect;
