/**
 * From a table and a mapping to one add-patient input per row (the same input the add-patient form sends), with
 * every problem the file alone can show, named by row and column. The rules that need the database (the drug's
 * concentrations, the model's alarm and reservoir, dates against today, an MRN already in the clinic) are the
 * add-patient use case's; the dry run runs it and reports its answers under the same row and column.
 */
import {
  createPatientSchema,
  type CreatePatientBody,
  type CreatePatientInput,
} from '@/lib/validation/patient-create';
import { fieldLabel, type ImportField, type ImportMapping } from './fields';
import type { ImportTable } from './read';
import {
  matchDrug,
  matchModel,
  matchPhysician,
  parseConcentration,
  parseDailyDose,
  parseDate,
  parseMl,
  parseOrigin,
  splitName,
  type DrugOption,
  type ModelOption,
  type Parsed,
  type PhysicianOption,
} from './values';

export interface ImportCatalog {
  models: readonly ModelOption[];
  drugs: readonly DrugOption[];
  physicians: readonly PhysicianOption[];
}

export interface RowProblem {
  rowNumber: number;
  /** The file's header of the column at fault, or null when the problem is the row's as a whole. */
  column: string | null;
  message: string;
}

export interface PreparedRow {
  rowNumber: number;
  /** What the row will create, for the dry run's table. */
  summary: { mrn: string; name: string; pump: string; drug: string; lastRefill: string };
  /** The add-patient input, parsed by its schema; null when the row has a problem. */
  input: CreatePatientInput | null;
  /** Clinic-local date and time of the next appointment, when the file has one. */
  nextAppointment: { date: string; time: string } | null;
  problems: RowProblem[];
}

/** Where the use case's field paths (createPatientSchema) come from in the file. */
const fieldOfPath: Record<string, ImportField> = {
  'patient.mrn': 'mrn',
  'patient.givenName': 'givenName',
  'patient.familyName': 'familyName',
  'patient.dateOfBirth': 'dateOfBirth',
  'patient.phone': 'phone',
  'patient.spasticityOrigin': 'spasticityOrigin',
  'patient.managingPhysicianId': 'physician',
  'pump.modelId': 'pumpModel',
  'pump.serial': 'serial',
  'pump.implantedOn': 'implantedOn',
  'pump.alarmMl': 'alarmMl',
  'pump.reservoirMl': 'reservoirMl',
  'pump.flowMlPerDay': 'flowMlPerDay',
  'program.drugId': 'drug',
  'program.concentrationNgPerMl': 'concentration',
  'program.doseMcgPerDay': 'dose',
  'program.mode': 'dose',
  'initialFill.date': 'lastRefillDate',
  'initialFill.volumeMl': 'lastRefillVolume',
  'initialFill.drugLot': 'drugLot',
  appointment: 'nextAppointment',
};

/** What a lot number is recorded as when the file has none: the visit says so rather than inventing one. */
export const UNKNOWN_LOT = 'not recorded (imported)';
/**
 * The time of day of an imported last refill, which spreadsheets do not keep: the start of the day. Assuming the
 * earliest time makes the pump look emptier, never fuller, so the due date can only come earlier.
 */
export const IMPORTED_FILL_TIME = '00:00';
/** The time of an imported next appointment whose cell has only a date. */
export const DEFAULT_APPOINTMENT_TIME = '09:00';

/**
 * A use-case error (field path → message) as problems on the row, under the column the field came from. The
 * message starts with the cell's text so a person can find it: `Concentration: 1500 mcg/mL — Concentration must be…`.
 */
export function problemsOfFields(
  row: { rowNumber: number; cells: string[] },
  table: ImportTable,
  mapping: ImportMapping,
  fields: Record<string, string>,
): RowProblem[] {
  return Object.entries(fields).map(([path, message]) => {
    let field = fieldOfPath[path];
    if ((field === 'givenName' || field === 'familyName') && !mapping.columns[field]) field = 'name';
    const header = field ? (mapping.columns[field] ?? null) : null;
    const index = header ? table.headers.indexOf(header) : -1;
    const cell = index >= 0 ? (row.cells[index] ?? '') : '';
    const label = field ? fieldLabel(field) : path;
    return {
      rowNumber: row.rowNumber,
      column: header,
      message: `${label}: ${cell ? `${cell} — ` : header ? '' : '(not in the file) '}${message}`,
    };
  });
}

export function prepareRows(
  table: ImportTable,
  mapping: ImportMapping,
  catalog: ImportCatalog,
): PreparedRow[] {
  const prepared = table.rows.map((row) => prepareRow(row, table, mapping, catalog));
  flagDuplicates(prepared, table, mapping, 'mrn', (r) => r.summary.mrn.toLowerCase(), 'MRN');
  flagDuplicates(prepared, table, mapping, 'serial', (r) => serialKey(r), 'Pump serial');
  return prepared;
}

function serialKey(r: PreparedRow): string {
  return r.input ? `${String(r.input.pump.modelId)}|${r.input.pump.serial.toLowerCase()}` : '';
}

function flagDuplicates(
  rows: PreparedRow[],
  table: ImportTable,
  mapping: ImportMapping,
  field: ImportField,
  key: (r: PreparedRow) => string,
  label: string,
) {
  const first = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    if (!k) continue;
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, r.rowNumber);
    else {
      const source = table.rows.find((t) => t.rowNumber === r.rowNumber)!;
      r.problems.push(
        ...problemsOfFields(source, table, mapping, {
          [field === 'mrn' ? 'patient.mrn' : 'pump.serial']:
            `${label} is also on row ${earlier}: each patient and pump once per file`,
        }),
      );
      r.input = null;
    }
  }
}

function prepareRow(
  row: { rowNumber: number; cells: string[] },
  table: ImportTable,
  mapping: ImportMapping,
  catalog: ImportCatalog,
): PreparedRow {
  const problems: Record<string, string> = {};
  const cellOf = (field: ImportField): string => {
    const header = mapping.columns[field];
    const index = header ? table.headers.indexOf(header) : -1;
    return index >= 0 ? (row.cells[index] ?? '') : '';
  };
  const take = <T>(path: string, parsed: Parsed<T>): T | undefined => {
    if (parsed.problem !== undefined) problems[path] = parsed.problem;
    return parsed.value;
  };
  const optional = <T>(path: string, field: ImportField, parse: (c: string) => Parsed<T>): T | undefined => {
    const cell = cellOf(field);
    return cell === '' ? undefined : take(path, parse(cell));
  };
  const required = <T>(path: string, field: ImportField, parse: (c: string) => Parsed<T>): T | undefined => {
    const cell = cellOf(field);
    if (cell === '') {
      problems[path] = `${fieldLabel(field)} is empty`;
      return undefined;
    }
    return take(path, parse(cell));
  };

  let givenName = cellOf('givenName');
  let familyName = cellOf('familyName');
  if (!mapping.columns.givenName || !mapping.columns.familyName) {
    const split = required('patient.givenName', 'name', splitName);
    givenName = split?.givenName ?? '';
    familyName = split?.familyName ?? '';
  }
  const order = mapping.dateOrder;
  const dateOfBirth = required('patient.dateOfBirth', 'dateOfBirth', (c) => parseDate(c, order));
  const origin =
    optional('patient.spasticityOrigin', 'spasticityOrigin', parseOrigin) ?? mapping.defaultSpasticityOrigin;
  const physician = optional('patient.managingPhysicianId', 'physician', (c) =>
    matchPhysician(c, catalog.physicians),
  );
  const model = required('pump.modelId', 'pumpModel', (c) => matchModel(c, catalog.models));
  const implantedOn = required('pump.implantedOn', 'implantedOn', (c) => parseDate(c, order));
  const alarmMl = optional('pump.alarmMl', 'alarmMl', (c) => parseMl(c));
  const reservoirMl = optional('pump.reservoirMl', 'reservoirMl', (c) => parseMl(c));
  const flowMlPerDay = optional('pump.flowMlPerDay', 'flowMlPerDay', (c) => parseMl(c, '/day'));
  const drug = required('program.drugId', 'drug', (c) => matchDrug(c, catalog.drugs));
  const concentration = drug
    ? required('program.concentrationNgPerMl', 'concentration', (c) => parseConcentration(c, drug.doseUnit))
    : undefined;
  const constantFlow = model?.kind === 'constant-flow';
  const dose =
    drug && !constantFlow
      ? required('program.doseMcgPerDay', 'dose', (c) => parseDailyDose(c, drug.doseUnit))
      : undefined;
  const fillDate = required('initialFill.date', 'lastRefillDate', (c) => parseDate(c, order));
  const fillVolume = required('initialFill.volumeMl', 'lastRefillVolume', (c) => parseMl(c));
  const next = optional('appointment', 'nextAppointment', (c) => parseDate(c, order));
  const nextTime = /(\d{1,2}):(\d{2})/.exec(cellOf('nextAppointment'));

  const body: CreatePatientBody = {
    patient: {
      mrn: cellOf('mrn'),
      givenName,
      familyName,
      dateOfBirth: dateOfBirth ?? '',
      phone: cellOf('phone'),
      spasticityOrigin: origin,
      managingPhysicianId: physician?.id ?? null,
    },
    pump: {
      modelId: model?.id ?? 0,
      serial: cellOf('serial'),
      implantedOn: implantedOn ?? '',
      alarmMl,
      reservoirMl,
      flowMlPerDay,
    },
    program: {
      drugId: drug?.id ?? 0,
      concentrationNgPerMl: concentration ?? 0,
      mode: constantFlow ? 'constant-flow' : 'simple',
      doseMcgPerDay: dose,
    },
    initialFill: {
      date: fillDate ?? '',
      time: IMPORTED_FILL_TIME,
      volumeMl: fillVolume ?? 0,
      drugLot: cellOf('drugLot') || UNKNOWN_LOT,
    },
  };
  // The add-patient form's own schema: the same limits and messages (MRN characters, name lengths, mL ranges).
  const checked = createPatientSchema.safeParse(body);
  if (!checked.success)
    for (const issue of checked.error.issues) {
      const path = issue.path.join('.');
      // A drug or model that could not be read already explains the concentration, dose and mode left empty.
      const dependsOn = path.startsWith('program.') ? ['program.drugId', 'pump.modelId'] : [];
      if (dependsOn.some((d) => problems[d])) continue;
      problems[path] ??= issue.message;
    }
  const hasProblems = Object.keys(problems).length > 0;
  return {
    rowNumber: row.rowNumber,
    summary: {
      mrn: cellOf('mrn'),
      name: givenName || familyName ? `${familyName}, ${givenName}` : cellOf('name'),
      pump: model ? `${model.name} ${model.modelNumber} #${cellOf('serial')}` : cellOf('pumpModel'),
      drug: drug
        ? `${drug.product} ${cellOf('concentration')}${dose != null ? `, ${dose} mcg/day` : ''}`
        : cellOf('drug'),
      lastRefill: fillDate ? `${fillDate}, ${fillVolume ?? '?'} mL` : cellOf('lastRefillDate'),
    },
    input: hasProblems || !checked.success ? null : checked.data,
    nextAppointment: next
      ? {
          date: next,
          time: nextTime ? `${nextTime[1]!.padStart(2, '0')}:${nextTime[2]}` : DEFAULT_APPOINTMENT_TIME,
        }
      : null,
    problems: problemsOfFields(row, table, mapping, problems),
  };
}
