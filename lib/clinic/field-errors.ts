/** Refusals of a use case as 400s naming the form's field. */
import { InvalidInputError } from '@/lib/domain/errors';
import { ValidationError } from '@/lib/errors';

export function fail(field: string, message: string): never {
  throw new ValidationError(message, { [field]: message });
}

/** The domain names fields of its own input; these are the form's names for them. */
const domainFieldToForm: Record<string, string> = {
  volumeFilledMl: 'volumeFilledMl',
  aspiratedResidualMl: 'aspiratedResidualMl',
  visitAt: 'performedAt',
  newConcentrationMcgPerMl: 'concentrationMcgPerMl',
  newDailyDoseMcg: 'newDoseMcgPerDay',
  // The forecast's "now" is the later of the request and the visit time: a failure there is about the visit time.
  now: 'performedAt',
};

/** A domain refusal (fill above capacity, malformed program) as a 400 naming the form's field. */
export function asValidationError(error: unknown): never {
  if (error instanceof InvalidInputError) {
    const field = domainFieldToForm[error.field] ?? error.field;
    throw new ValidationError(error.message, { [field]: error.message });
  }
  throw error;
}
