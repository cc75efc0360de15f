/**
 * How strong a staff password must be (issue 14, item 3): length alone let `aaaaaaaaaaaa` and `password1234`
 * through. zxcvbn (Dropbox's estimator, maintained as @zxcvbn-ts) scores a password 0–4 against common
 * passwords, English words, names, keyboard patterns, dates and repeats, and against words of the person's own
 * (their name and email). Score 3 ("safely unguessable: moderate protection from offline slow-hash attacks")
 * is what zxcvbn's authors suggest for accounts like these; with scrypt hashing and the sign-in lockout it is
 * ample, and passphrases of a few ordinary words pass.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;
export const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return factory;
}

/** The person's own words, which make a password easier to guess for someone who knows them. */
export function personalWords(...values: (string | null | undefined)[]): string[] {
  return values.flatMap((v) => (v ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 3);
}

/** Why the password is too weak, in words for the form, or null when it is strong enough. */
export function passwordWeakness(password: string, ownWords: string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const result = estimator().check(password, ownWords);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess. ${why || 'Use a few uncommon words together.'}`.trim();
}
