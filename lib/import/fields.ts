/**
 * The app's fields a clinic's spreadsheet column can fill, and the headers that usually mean each one. Pure: no
 * database or framework imports (enforced by ESLint), so the mapping screen and the server share it.
 */
import { z } from 'zod';

export const importFields = [
  {
    key: 'mrn',
    label: 'MRN',
    required: true,
    aliases: [
      'mrn',
      'medical record number',
      'record number',
      'patient id',
      'chart number',
      'hospital number',
      'mr number',
    ],
  },
  {
    key: 'name',
    label: 'Name (one column)',
    required: false,
    aliases: ['name', 'patient', 'patient name', 'full name'],
  },
  {
    key: 'givenName',
    label: 'Given name',
    required: false,
    aliases: ['given name', 'first name', 'firstname', 'forename', 'given'],
  },
  {
    key: 'familyName',
    label: 'Family name',
    required: false,
    aliases: ['family name', 'last name', 'lastname', 'surname', 'family'],
  },
  {
    key: 'dateOfBirth',
    label: 'Date of birth',
    required: true,
    aliases: ['dob', 'date of birth', 'birth date', 'birthdate', 'born'],
  },
  {
    key: 'spasticityOrigin',
    label: 'Spasticity origin',
    required: false,
    aliases: ['spasticity origin', 'origin', 'etiology', 'aetiology', 'spasticity'],
  },
  {
    key: 'physician',
    label: 'Managing physician',
    required: false,
    aliases: ['physician', 'managing physician', 'doctor', 'md', 'provider', 'prescriber', 'attending'],
  },
  {
    key: 'pumpModel',
    label: 'Pump model',
    required: true,
    aliases: ['pump model', 'pump', 'model', 'device', 'pump type', 'device model'],
  },
  {
    key: 'serial',
    label: 'Pump serial',
    required: true,
    aliases: ['serial', 'serial number', 'pump serial', 'sn', 's/n', 'serial no', 'device serial'],
  },
  {
    key: 'implantedOn',
    label: 'Implant date',
    required: true,
    aliases: ['implant date', 'implanted', 'implanted on', 'date implanted', 'implant', 'implantation date'],
  },
  {
    key: 'alarmMl',
    label: 'Alarm volume (mL)',
    required: false,
    aliases: ['alarm volume', 'alarm', 'low reservoir alarm', 'alarm ml'],
  },
  {
    key: 'reservoirMl',
    label: 'Reservoir (mL)',
    required: false,
    aliases: ['reservoir', 'reservoir volume', 'reservoir ml', 'pump size'],
  },
  {
    key: 'flowMlPerDay',
    label: 'Flow rate (mL/day, constant-flow pumps)',
    required: false,
    aliases: ['flow rate', 'flow', 'flow ml/day'],
  },
  {
    key: 'drug',
    label: 'Drug',
    required: true,
    aliases: ['drug', 'medication', 'drug product', 'product', 'med'],
  },
  {
    key: 'concentration',
    label: 'Concentration',
    required: true,
    aliases: ['concentration', 'conc', 'strength', 'concentration mcg/ml', 'conc mcg/ml'],
  },
  {
    key: 'dose',
    label: 'Daily dose',
    required: false,
    aliases: ['dose', 'daily dose', 'dose mcg/day', 'dose per day', 'rate', 'dose/day'],
  },
  {
    key: 'lastRefillDate',
    label: 'Last refill date',
    required: true,
    aliases: [
      'last refill',
      'last refill date',
      'refill date',
      'last fill',
      'last fill date',
      'date of last refill',
      'filled on',
    ],
  },
  {
    key: 'lastRefillVolume',
    label: 'Last refill volume (mL)',
    required: true,
    aliases: [
      'last refill volume',
      'refill volume',
      'fill volume',
      'volume',
      'volume filled',
      'ml filled',
      'last fill volume',
    ],
  },
  {
    key: 'drugLot',
    label: 'Drug lot',
    required: false,
    aliases: ['lot', 'drug lot', 'lot number', 'lot no'],
  },
  {
    key: 'nextAppointment',
    label: 'Next appointment',
    required: false,
    aliases: ['next appointment', 'next appt', 'next visit', 'appointment', 'next refill appointment'],
  },
  {
    key: 'phone',
    label: 'Phone',
    required: false,
    aliases: ['phone', 'telephone', 'phone number', 'tel', 'mobile'],
  },
] as const;

export type ImportField = (typeof importFields)[number]['key'];
export const importFieldKeys = importFields.map((f) => f.key) as [ImportField, ...ImportField[]];

export function fieldLabel(key: ImportField): string {
  return importFields.find((f) => f.key === key)!.label;
}

export const dateOrders = ['MDY', 'DMY'] as const;
export type DateOrder = (typeof dateOrders)[number];

/**
 * Which header (by its text, as in the file) fills each field, and what to assume where the file says nothing.
 * Headers, not positions: a saved mapping still fits next month's export with a column added.
 */
export const importMappingSchema = z.object({
  columns: z.partialRecord(
    z.enum(importFieldKeys),
    z.string().trim().max(200, 'A header must be at most 200 characters').nullable(),
  ),
  /** How to read a date like 3/7/2026: March 7 (MDY) or 3 July (DMY). ISO dates and Excel serials are unambiguous. */
  dateOrder: z.enum(dateOrders, { message: 'Date order must be MDY or DMY' }),
  /** Spasticity origin for rows whose file has no such column or an empty cell: the clinic chooses; never guessed. */
  defaultSpasticityOrigin: z.enum(['spinal', 'cerebral', 'other'], {
    message: 'Choose the spasticity origin to record where the file does not say',
  }),
});

export type ImportMapping = z.infer<typeof importMappingSchema>;

/** Lower case, no punctuation but `/`, single spaces: "Pump S/N " and "pump s/n" are the same header. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/\(([^)]*)\)/g, ' $1 ')
    .replace(/[^a-z0-9/]+/g, ' ')
    .trim();
}

/**
 * Guesses which header fills each field: an exact alias first, then a header that starts with an alias
 * ("Concentration (mcg/mL)"). Each header fills at most one field. A field without a confident guess stays null.
 */
export function guessMapping(headers: readonly string[]): ImportMapping['columns'] {
  const normalized = headers.map(normalizeHeader);
  const used = new Set<number>();
  const columns: ImportMapping['columns'] = {};
  for (const pass of ['exact', 'prefix'] as const) {
    for (const field of importFields) {
      if (columns[field.key]) continue;
      const index = normalized.findIndex(
        (h, i) =>
          !used.has(i) &&
          h !== '' &&
          field.aliases.some((a) => (pass === 'exact' ? h === a : h.startsWith(`${a} `))),
      );
      if (index >= 0) {
        used.add(index);
        columns[field.key] = headers[index]!;
      }
    }
  }
  for (const field of importFields) columns[field.key] ??= null;
  return columns;
}

/** The required fields the mapping leaves without a column, and a name: one column or given + family. */
export function mappingProblems(mapping: ImportMapping, headers: readonly string[]): string[] {
  const problems: string[] = [];
  const { columns } = mapping;
  for (const field of importFields) {
    const header = columns[field.key];
    if (header && !headers.includes(header))
      problems.push(`${field.label}: the file has no column “${header}”.`);
    else if (field.required && !header) problems.push(`${field.label}: choose the column that holds it.`);
  }
  if (!columns.name && !(columns.givenName && columns.familyName))
    problems.push('Name: choose one column with the full name, or both Given name and Family name.');
  return problems;
}
