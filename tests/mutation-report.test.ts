/**
 * scripts/mutation.mjs: the table `npm run test:mutation` prints. A scope is measured one file at a time, so
 * each file's newest result counts, a file no report holds is listed as not measured, and the target is met only
 * when every file has been measured.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newestResults, score, strykerArgs, summarize } from '../scripts/mutation.mjs';

const mutants = (...statuses: string[]) => statuses.map((status) => ({ status }));
const report = (file: string, mtimeMs: number, files: Record<string, string[]>) => ({
  file,
  mtimeMs,
  json: {
    files: Object.fromEntries(Object.entries(files).map(([f, st]) => [f, { mutants: mutants(...st) }])),
  },
});

function scopeDir(files: string[]) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-report-'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(base, f)), { recursive: true });
    fs.writeFileSync(path.join(base, f), '');
  }
  return base;
}
const scope = {
  perFile: 'reports/mutation/x/files',
  target: 75,
  dir: 'lib/x',
  exclude: ['lib/x/test-factories.ts'],
};

describe('npm run test:mutation: the per-file table and the scope total', () => {
  it('scores as Stryker does: killed and timed out over valid, ignored and compile errors left out', () => {
    expect(score(mutants('Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'CompileError'))).toEqual({
      detected: 2,
      valid: 4,
      survived: 1,
      noCoverage: 1,
      pct: 50,
    });
    expect(score([]).pct).toBeNull();
  });

  it('takes each file from the newest report that holds it', () => {
    const byFile = newestResults([
      report('files/a.json', 20, { 'lib/x/a.ts': ['Killed', 'Killed'] }),
      report('mutation.json', 10, { 'lib/x/a.ts': ['Survived', 'Survived'], 'lib/x/b.ts': ['Killed'] }),
    ]);
    expect(score(byFile.get('lib/x/a.ts')!.mutants).pct).toBe(100);
    expect(byFile.get('lib/x/a.ts')!.from).toBe('files/a.json');
    expect(score(byFile.get('lib/x/b.ts')!.mutants).pct).toBe(100);
  });

  it('lists the files not measured and meets the target only when every file is measured', () => {
    const base = scopeDir(['lib/x/a.ts', 'lib/x/b.ts', 'lib/x/a.test.ts', 'lib/x/test-factories.ts']);
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const one = [report('f.json', 1, { 'lib/x/a.ts': ['Killed', 'Killed', 'Killed', 'Survived'] })];
    expect(summarize('x', scope, { log, base, reports: one })).toBe(false);
    expect(lines.join('\n')).toMatch(
      /x total: 75\.00 % \(3\/4\) over 1 of 2 files, target 75 % — met over the files measured/,
    );
    expect(lines.join('\n')).toMatch(/not measured \(1\): lib\/x\/b\.ts$/m);
    lines.length = 0;
    const both = [...one, report('g.json', 2, { 'lib/x/b.ts': ['Survived'] })];
    expect(summarize('x', scope, { log, base, reports: both })).toBe(false);
    expect(lines.join('\n')).toMatch(/60\.00 % \(3\/5\) over 2 of 2 files, target 75 % — NOT MET/);
    lines.length = 0;
    const all = [...one, report('g.json', 2, { 'lib/x/b.ts': ['Killed'] })];
    expect(summarize('x', scope, { log, base, reports: all })).toBe(true);
    expect(lines.join('\n')).toMatch(/80\.00 % \(4\/5\) over 2 of 2 files, target 75 % — met$/m);
  });

  it('gives a file measured alone its own cache, and a line range a scratch one that the table ignores', () => {
    expect(strykerArgs(scope, ['--mutate', 'lib/x/a.ts'])).toEqual([
      '--mutate',
      'lib/x/a.ts',
      '--incrementalFile',
      'reports/mutation/x/files/lib__x__a.ts.json',
    ]);
    expect(strykerArgs(scope, ['--mutate', 'lib/x/a.ts:10-20']).at(-1)).toBe(
      'reports/mutation/x/files/ranges/wip.json',
    );
    expect(strykerArgs(scope, ['--mutate', 'lib/x/a.ts', '--incrementalFile', 'mine.json'])).toEqual([
      '--mutate',
      'lib/x/a.ts',
      '--incrementalFile',
      'mine.json',
    ]);
    expect(strykerArgs(scope, [])).toEqual([]);
  });
});
