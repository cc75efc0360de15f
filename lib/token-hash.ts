/**
 * Bearer secrets (personal API tokens, calendar-feed tokens) are stored only as their hash. One function, used where
 * a token is created and where it is checked, so that the two can never drift apart.
 */
import crypto from 'node:crypto';

/** SHA-256 (hex) of the token's UTF-8 text: what is stored and looked up. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}
