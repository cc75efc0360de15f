import { getDb } from '@/db';
import { recordCardPrint } from '@/db/queries/cards';
import { api } from '@/lib/http/api';
import { cardPrintBody } from '@/lib/validation/cards';
import { parseId } from '@/lib/validation/ids';
import { requestNow } from '@/lib/clock';

export const dynamic = 'force-dynamic';

/** Records that an emergency card or letter was printed: which program and refill it showed (clears "outdated"). */
export const POST = api(
  { permission: 'cards:print', body: cardPrintBody },
  async ({ staff, params, body }) => {
    const patientId = parseId(params.id, 'patient');
    return recordCardPrint(getDb(), staff, patientId, body, requestNow());
  },
);
