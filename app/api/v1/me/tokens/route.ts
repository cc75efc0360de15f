import { getDb } from '@/db';
import { createToken, listTokens } from '@/db/queries/staff';
import { api } from '@/lib/http/api';
import { createTokenSchema } from '@/lib/validation/staff';

export const dynamic = 'force-dynamic';

export const GET = api({ permission: 'tokens:own' }, async ({ staff }) => ({ tokens: listTokens(getDb(), staff.id) }));

/** The token is in this response only; the server keeps its hash. */
export const POST = api({ permission: 'tokens:own', body: createTokenSchema }, async ({ staff, body }) =>
  createToken(getDb(), { id: staff.id, name: staff.name, clinicId: staff.clinicId }, body.name),
);
