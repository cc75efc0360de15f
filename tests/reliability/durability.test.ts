/**
 * An acknowledged write survives a power cut (issue 13, item 8; docs/decisions/012-durability.md): every
 * connection the app opens syncs the WAL at each commit (synchronous = FULL), not only at checkpoints (NORMAL).
 */
import { describe, expect, it } from 'vitest';
import { freshDb } from '../db';

describe('durability', () => {
  it('the database is opened in WAL mode with synchronous = FULL', () => {
    const db = freshDb();
    try {
      expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
      // 2 = FULL (0 OFF, 1 NORMAL, 3 EXTRA).
      expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      db.$client.close();
    }
  });
});
