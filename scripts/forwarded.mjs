// Who is asking, by address: the rule behind TRUSTED_PROXIES (issue 14, item 2). Plain JavaScript because the
// production server (scripts/server.mjs) runs on Node without a TypeScript loader; types in forwarded.d.mts.
//
// A client can write any X-Forwarded-For, X-Forwarded-Host or X-Forwarded-Proto it likes. Those headers mean
// something only when the connection comes from a proxy the operator named. Otherwise the client is the
// socket's address and every forwarded header is dropped, before Next.js, better-auth or the app see them.
import net from 'node:net';

/** IPv4 addresses that arrive as IPv4-mapped IPv6 (`::ffff:10.0.0.1`) are compared as IPv4. */
export function normalizeAddress(address) {
  const trimmed = String(address ?? '').trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? mapped[1] : trimmed;
}

/**
 * TRUSTED_PROXIES: addresses or CIDR ranges separated by commas, e.g. `127.0.0.1, 10.0.0.0/8, ::1`.
 * Unset or empty: no proxy is trusted. Throws an Error naming the first bad entry.
 */
export function parseTrustedProxies(value) {
  const list = new net.BlockList();
  const entries = String(value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = net.isIP(address ?? '');
    const bits = prefix === undefined ? null : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== null && (!/^\d{1,3}$/.test(prefix) || bits > maxBits)))
      throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8 or fd00::/8)`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === null) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return { entries, isTrusted: (address) => isTrustedBy(list, entries.length, address) };
}

function isTrustedBy(list, count, address) {
  if (count === 0) return false;
  const normalized = normalizeAddress(address);
  const family = net.isIP(normalized);
  return family !== 0 && list.check(normalized, family === 6 ? 'ipv6' : 'ipv4');
}

const firstValue = (value) => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;

/**
 * The client's address and, only from a trusted proxy, the forwarded host and scheme. The X-Forwarded-For
 * chain is read from the right (the hop nearest to us) leftwards for as long as each hop is trusted: the
 * first untrusted hop is the client, so addresses a client prepends are never believed.
 */
export function resolveForwarded(socketAddress, headers, trusted) {
  let client = normalizeAddress(socketAddress);
  if (!trusted.isTrusted(client)) return { clientAddress: client, trusted: false };
  const raw = headers['x-forwarded-for'];
  const chain = (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((e) => normalizeAddress(e))
    .filter(Boolean);
  while (chain.length > 0 && trusted.isTrusted(client)) {
    const hop = chain.pop();
    if (!net.isIP(hop)) break;
    client = hop;
  }
  return {
    clientAddress: client,
    trusted: true,
    forwardedHost: firstValue(headers['x-forwarded-host']),
    forwardedProto: firstValue(headers['x-forwarded-proto'])?.toLowerCase(),
  };
}

const SPOOFABLE = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'x-client-ip'];

/**
 * Rewrites an incoming request's headers in place: X-Forwarded-For becomes the one resolved client address
 * (what better-auth's per-address limit, sessions and audit rows read), and X-Forwarded-Host and -Proto
 * survive only from a trusted proxy. Every other client-supplied address header is dropped.
 */
export function applyTrustedProxies(req, trusted) {
  const resolved = resolveForwarded(req.socket?.remoteAddress, req.headers, trusted);
  for (const name of SPOOFABLE) delete req.headers[name];
  if (resolved.clientAddress) req.headers['x-forwarded-for'] = resolved.clientAddress;
  if (resolved.forwardedHost) req.headers['x-forwarded-host'] = resolved.forwardedHost;
  if (resolved.forwardedProto) req.headers['x-forwarded-proto'] = resolved.forwardedProto;
  return resolved;
}
