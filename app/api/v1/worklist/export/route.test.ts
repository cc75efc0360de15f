import { parse } from 'csv-parse/sync';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/db/schema';
import { worklistTable } from '@/lib/export/worklist-csv';
import { addBaclofenPump, call, setupApiTest, type ApiTestContext } from '@/tests/api';
import { GET as worklistJson } from '../route';
import { GET } from './route';

let ctx: ApiTestContext;

const rowsOf = (csv: string): Record<string, string>[] => parse<Record<string, string>>(csv, { columns: true, bom: true });

beforeAll(() => {
  ctx = setupApiTest();
  // 230 pumps: more than one page of 200, so the export must read every page.
  for (let i = 0; i < 230; i++) addBaclofenPump(ctx, { mrn: `W-${String(i).padStart(3, '0')}`, filledDaysAgo: i % 45 });
  addBaclofenPump(ctx, { mrn: 'W-EVIL', filledDaysAgo: 44, patient: { familyName: '=HYPERLINK("http://evil")', phone: '+1 555 0100' } });
  addBaclofenPump(ctx, { mrn: 'W-OTHER', clinicId: ctx.otherClinic.id });
});

describe('GET /api/v1/worklist/export (the worklist as CSV)', () => {
  it('has every pump of the clinic in the worklist’s order, not only the first page', async () => {
    const res = await call(GET, { url: '/api/v1/worklist/export', token: ctx.tokens['front-desk'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="worklist-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = rowsOf(res.body as string);
    expect(Object.keys(rows[0]!)).toEqual(worklistTable.columns.map((c) => c.name));
    expect(rows).toHaveLength(231);
    expect(rows.some((r) => r.mrn === 'W-OTHER')).toBe(false);
    // The same order as the worklist API's pages.
    const page1 = await call(worklistJson, { url: '/api/v1/worklist?pageSize=200', token: ctx.tokens.nurse });
    const page2 = await call(worklistJson, { url: '/api/v1/worklist?pageSize=200&page=2', token: ctx.tokens.nurse });
    const ranked = [...page1.body.rows, ...page2.body.rows].map((r: { mrn: string }) => r.mrn);
    expect(rows.map((r) => r.mrn)).toEqual(ranked);
    expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => String(i + 1)));
  });

  it('neutralises a cell a spreadsheet would run, and keeps the phone', async () => {
    const res = await call(GET, { url: '/api/v1/worklist/export?q=W-EVIL', token: ctx.tokens.nurse });
    const [row] = rowsOf(res.body as string);
    expect(row!.patient).toBe(`'=HYPERLINK("http://evil"), Alex`);
    // A leading + is a formula to a spreadsheet too: the apostrophe is hidden there, the number reads as typed.
    expect(row!.phone).toBe("'+1 555 0100");
    expect(row!.worst_alert).toBe('Refill overdue');
    expect(row!.open_alerts).toContain('E1 ');
  });

  it('applies the filter and records the export in the audit trail', async () => {
    const res = await call(GET, { url: '/api/v1/worklist/export?status=empty', token: ctx.tokens.nurse });
    const rows = rowsOf(res.body as string);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.tier))).toEqual(new Set(['Empty: withdrawal risk']));
    const audits = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.action, 'export'), eq(s.auditLog.entity, 'worklist'), eq(s.auditLog.actorId, ctx.users.nurse.id)))
      .all();
    expect(audits.at(-1)?.after).toMatchObject({ format: 'csv', rows: rows.length, filter: { status: 'empty' } });
  });

  it('refuses a bad filter, naming the field', async () => {
    const res = await call(GET, { url: '/api/v1/worklist/export?status=late', token: ctx.tokens.nurse });
    expect(res.status).toBe(400);
    expect(res.body.fields).toHaveProperty('status');
  });

  it('needs a signed-in staff member', async () => {
    const res = await call(GET, { url: '/api/v1/worklist/export', token: null });
    expect(res.status).toBe(401);
  });
});
