/**
 * A patient's full name, written the way the patient writes it (issue 15, item 7): given name first ("Anna
 * Schmidt") or family name first ("王 秀英" is Wang Xiuying; printed given-first it reads as another person). The
 * card, the letter and every printed page call this, so no page reverses a name of its own accord.
 */
import type { NameOrder } from './vocabulary';

export interface PersonName {
  givenName: string;
  familyName: string;
  nameOrder: NameOrder;
}

/** Han, kana and Hangul: names in these scripts are written without a space between family and given name. */
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30FC\u3005]+$/u;

/** "Anna Schmidt", "王秀英", "Nguyen Van An": the patient's own order; one part alone when the other is blank. */
export function fullName({ givenName, familyName, nameOrder }: PersonName): string {
  const given = givenName.trim();
  const family = familyName.trim();
  const [first, second] = nameOrder === 'family-first' ? [family, given] : [given, family];
  if (!first || !second) return first || second;
  return CJK.test(first) && CJK.test(second) ? `${first}${second}` : `${first} ${second}`;
}

/** "Schmidt, Anna": the sortable form of lists (family name first whatever the order, with a comma to say so). */
export function sortableName({ givenName, familyName }: Pick<PersonName, 'givenName' | 'familyName'>): string {
  const given = givenName.trim();
  const family = familyName.trim();
  return given && family ? `${family}, ${given}` : family || given;
}
