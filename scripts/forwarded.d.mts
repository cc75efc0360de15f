import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export interface TrustedProxies {
  entries: string[];
  isTrusted(address: string | undefined): boolean;
}
export interface ResolvedForwarded {
  clientAddress: string;
  trusted: boolean;
  forwardedHost?: string;
  forwardedProto?: string;
}
export function normalizeAddress(address: string | undefined): string;
export function parseTrustedProxies(value: string | undefined): TrustedProxies;
export function resolveForwarded(socketAddress: string | undefined, headers: IncomingHttpHeaders, trusted: TrustedProxies): ResolvedForwarded;
export function applyTrustedProxies(req: IncomingMessage, trusted: TrustedProxies): ResolvedForwarded;
