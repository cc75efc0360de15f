export interface MutationScope {
  config?: string;
  report?: string;
  perFile: string;
  target: number;
  dir: string;
  exclude: string[];
}
export interface Score {
  detected: number;
  valid: number;
  survived: number;
  noCoverage: number;
  pct: number | null;
}
export interface Report {
  file: string;
  mtimeMs: number;
  json: { files?: Record<string, { mutants: { status: string }[] }> };
}
export const SCOPES: Record<'domain' | 'clinic', Required<MutationScope>>;
export function score(mutants: { status: string }[]): Score;
export function perFileCache(scope: MutationScope, file: string): string;
export function scopeFiles(scope: MutationScope, base?: string): string[];
export function newestResults(
  reports: Report[],
): Map<string, { mutants: { status: string }[]; at: number; from: string }>;
export function summarize(
  name: string,
  scope: MutationScope,
  options?: { log?: (line: string) => void; base?: string; reports?: Report[] },
): boolean;
export function strykerArgs(scope: MutationScope, args: string[]): string[];
