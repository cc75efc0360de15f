import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelsReportTable, monthsReportTable, percent } from '@/lib/export/reports-csv';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from '@/tests/api';
import { GET } from './route';

let ctx: ApiTestContext;
const rowsOf = (csv: string): Record<string, string>[] => parse<Record<string, string>>(csv, { columns: true, bom: true });

beforeAll(() => {
  ctx = setupApiTest();
  addBaclofenPump(ctx, { mrn: 'REP-1', filledDaysAgo: 50 });
  addBaclofenPump(ctx, { mrn: 'REP-2', filledDaysAgo: 3 });
  addBaclofenPump(ctx, { mrn: 'REP-X', clinicId: ctx.otherClinic.id, filledDaysAgo: 50 });
});

describe('GET /api/v1/reports', () => {
  it('answers the twelve months and the clinic’s overdue share as JSON, for any clinical role', async () => {
    for (const role of ['nurse', 'physician', 'front-desk'] as const) {
      const res = await call(GET, { url: '/api/v1/reports', token: ctx.tokens[role] });
      expect(res.status).toBe(200);
      expect(res.body.months).toHaveLength(12);
      // REP-1 filled 50 days ago is overdue; the other clinic's pump is not counted.
      expect(res.body).toMatchObject({ activePumps: 2, overduePumps: 1 });
    }
    expect((await call(GET, { url: '/api/v1/reports', token: ctx.tokens.admin })).status).toBe(403);
  });

  it('gives each table as CSV with the documented columns', async () => {
    const months = await call(GET, { url: '/api/v1/reports?format=csv&table=months', token: ctx.tokens.nurse });
    expect(months.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = rowsOf(months.body as string);
    expect(Object.keys(rows[0]!)).toEqual(monthsReportTable.columns.map((c) => c.name));
    expect(rows).toHaveLength(12);
    const models = await call(GET, { url: '/api/v1/reports?format=csv&table=models', token: ctx.tokens.nurse });
    expect((models.body as string).replace('\uFEFF', '').split(/\r?\n/)[0]).toBe(modelsReportTable.columns.map((c) => c.name).join(','));
  });

  it('refuses an unknown format or table, naming the field', async () => {
    const res = await call(GET, { url: '/api/v1/reports?format=xlsx&table=people', token: ctx.tokens.nurse });
    expect(res.status).toBe(400);
    expect(res.body.fields).toMatchObject({ format: 'must be json or csv', table: 'must be months or models' });
  });

  it('writes percentages with one decimal and none for an empty base', () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 2)).toBe(100);
    expect(percent(0, 0)).toBeNull();
  });
});
