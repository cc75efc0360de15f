/** The tables of the clinic's full export and what each column means (written into the ZIP's README.md). */
import type { ExportTableSpec } from './clinic-zip';

const c = (name: string, description: string) => ({ name, description });
const patientKeys = [c('patient_mrn', 'The patient\'s medical record number (unique in the clinic).')];
const pumpKeys = [c('pump_id', 'The pump\'s id in pumps.csv.'), c('pump_serial', 'The pump\'s serial number.'), ...patientKeys];

export const patientsTable = {
  file: 'patients.csv',
  description: 'Every patient of the clinic.',
  columns: [
    c('id', 'The patient\'s id in this system.'),
    c('mrn', 'Medical record number.'),
    c('given_name', 'Given name.'),
    c('family_name', 'Family name.'),
    c('name_order', 'How the full name is written: given-first or family-first (e.g. Chinese names).'),
    c('date_of_birth', 'Date of birth, YYYY-MM-DD.'),
    c('phone', 'Phone.'),
    c('address', 'Address.'),
    c('caregiver_name', 'Caregiver or emergency contact.'),
    c('caregiver_phone', 'Caregiver\'s phone.'),
    c('spasticity_origin', 'spinal, cerebral or other.'),
    c('risk_injury_t6_or_above', 'Spinal cord injury at T6 or above (autonomic dysreflexia risk).'),
    c('risk_communication', 'Communication difficulty.'),
    c('risk_prior_withdrawal', 'A previous withdrawal.'),
    c('risk_hearing_impaired', 'Hearing impaired: the pump alarm may be missed.'),
    c('backup_oral_plan', 'The backup oral plan if the pump fails.'),
    c('allergies', 'Allergies.'),
    c('managing_physician', 'The managing physician\'s name.'),
    c('notes', 'Notes.'),
    c('created_at', 'When the record was created (UTC).'),
    c('updated_at', 'When it was last changed (UTC).'),
  ],
} as const satisfies ExportTableSpec;

export const pumpsTable = {
  file: 'pumps.csv',
  description: 'Every pump, active and explanted.',
  columns: [
    c('id', 'The pump\'s id in this system.'),
    c('patient_id', 'The patient\'s id in patients.csv.'),
    ...patientKeys,
    c('manufacturer', 'Manufacturer.'),
    c('model_name', 'Model name.'),
    c('model_number', 'Model number (e.g. 8637-20).'),
    c('serial', 'Serial number.'),
    c('status', 'active or explanted.'),
    c('implanted_on', 'Implant date.'),
    c('explanted_on', 'Explant date, if explanted.'),
    c('eri_recorded_on', 'Date the elective replacement indicator was recorded, if any.'),
    c('reservoir_ml', 'Reservoir capacity, mL.'),
    c('alarm_ml', 'Low-reservoir alarm volume, mL.'),
    c('flow_ml_per_day', 'Constant-flow pumps: the flow, mL/day.'),
    c('catheter_volume_ml', 'Catheter volume, mL.'),
    c('pathway_volume_ml', 'Pump pathway volume, mL.'),
  ],
} as const satisfies ExportTableSpec;

export const programsTable = {
  file: 'programs.csv',
  description: 'Every version of every drug program; the current one has no superseded_at.',
  columns: [
    c('id', 'The program version\'s id.'),
    ...pumpKeys,
    c('version_no', 'Version number per pump: 1, 2, 3 …'),
    c('drug', 'Drug (e.g. baclofen).'),
    c('product', 'Product (e.g. Lioresal Intrathecal).'),
    c('concentration_mcg_per_ml', 'Concentration, mcg/mL.'),
    c('mode', 'simple, flex or constant-flow.'),
    c('dose_mcg_per_day', 'The programmed daily dose, mcg/day (flex: the steps and periodic boluses over 24 h).'),
    c('flex_steps', 'Flex steps as JSON: [{"start":"HH:MM","doseMcgPerHour":n}].'),
    c('periodic_boluses', 'Periodic boluses as JSON: [{"at":"HH:MM","doseMcg":n}].'),
    c('patient_bolus_dose_mcg', 'Patient-activated bolus dose, mcg.'),
    c('patient_bolus_max_per_day', 'Patient boluses allowed per day.'),
    c('effective_at', 'When the version took effect (UTC).'),
    c('superseded_at', 'When a later version replaced it (UTC); empty for the current program.'),
    c('prescriber', 'The ordering physician.'),
    c('verified_by', 'The second person who confirmed it.'),
    c('entered_by', 'Who entered it.'),
    c('reason', 'Reason for the change.'),
  ],
} as const satisfies ExportTableSpec;

export const visitsTable = {
  file: 'visits.csv',
  description: 'Every refill visit and initial fill.',
  columns: [
    c('id', 'The visit\'s id.'),
    ...pumpKeys,
    c('kind', 'initial-fill or refill.'),
    c('performed_at', 'When (UTC).'),
    c('performed_by', 'Who performed it.'),
    c('verified_by', 'The second person.'),
    c('expected_residual_ml', 'The residual volume expected from the program, mL.'),
    c('aspirated_residual_ml', 'The residual volume aspirated, mL.'),
    c('discrepancy_ml', 'Expected − aspirated, mL.'),
    c('discrepancy_flag', 'none, over-delivery or under-infusion.'),
    c('discrepancy_reviewed_at', 'When a physician reviewed the discrepancy (UTC).'),
    c('discrepancy_review_note', 'The review note.'),
    c('volume_filled_ml', 'Volume filled, mL.'),
    c('reservoir_after_ml', 'Volume in the reservoir after the visit, mL.'),
    c('drug', 'Drug filled.'),
    c('product', 'Product filled.'),
    c('drug_lot', 'Lot number.'),
    c('drug_expires_on', 'Expiry date of the drug.'),
    c('concentration_mcg_per_ml', 'Concentration filled, mcg/mL.'),
    c('program_id', 'The program version in effect after the visit (programs.csv).'),
    c('program_changed', 'The program changed at this visit.'),
    c('bridge_bolus_given', 'A bridge bolus was given.'),
    c('bridge_bolus_ml', 'The volume the bridge bolus drew, mL.'),
    c('bridge_bolus_note', 'Bridge bolus note.'),
    c('fill_confirmation_method', 'How the fill was confirmed in the reservoir.'),
    c('notes', 'Notes.'),
  ],
} as const satisfies ExportTableSpec;

export const appointmentsTable = {
  file: 'appointments.csv',
  description: 'Every appointment, past and future.',
  columns: [
    c('id', 'The appointment\'s id.'),
    ...pumpKeys,
    c('starts_at', 'Start (UTC).'),
    c('duration_minutes', 'Duration, minutes.'),
    c('type', 'refill, replacement or titration.'),
    c('status', 'booked, done, cancelled or no-show.'),
    c('notes', 'Notes.'),
    c('late_reason', 'Why it was booked after the due date or the alarm.'),
    c('overbook_reason', 'Why it was booked on a full day.'),
  ],
} as const satisfies ExportTableSpec;

export const auditTable = {
  file: 'audit.csv',
  description: 'The audit trail: every change and every view of a patient record, oldest first.',
  columns: [
    c('id', 'The row\'s id.'),
    c('at', 'When (UTC).'),
    c('actor', 'Who.'),
    c('actor_id', 'Their account id.'),
    c('action', 'create, update, view, export …'),
    c('entity', 'The kind of record.'),
    c('entity_id', 'The record\'s id.'),
    c('before', 'The record before, JSON.'),
    c('after', 'The record after, JSON.'),
  ],
} as const satisfies ExportTableSpec;
