/**
 * Where to go after signing in: `next` from the query string, only when it is a path of this app.
 *
 * Checking the string's first characters was not enough (issue 14, item 6): `/%5Cevil.example` and
 * `/%09/evil.example` passed, were decoded on the way to the browser into `/\evil.example` and `/<tab>/evil...`,
 * which browsers read as `//evil.example`, another host. So `next` is parsed as a URL against a stand-in origin
 * and must stay on it, and neither its raw nor its decoded path may hold a backslash, a control character or
 * a leading `//`. Anything else gives null (the caller goes to the role's home).
 */
const ORIGIN = 'http://app.invalid';
const UNSAFE = /[\\\u0000-\u001f\u007f]/;

export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || next.length > 2048 || !next.startsWith('/') || UNSAFE.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (path.startsWith('//') || decoded.startsWith('//') || UNSAFE.test(decoded)) return null;
  if (new URL(decoded, ORIGIN).origin !== ORIGIN) return null;
  return path;
}
