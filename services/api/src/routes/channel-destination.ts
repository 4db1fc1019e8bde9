import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where an organisation's notification channel may point (issue 12 review: an organisation's administrator
 * could make the server call its own internal services, or a cloud's metadata endpoint). Addresses that
 * are not public internet destinations are refused: loopback, private (RFC 1918, RFC 4193), link-local
 * (RFC 3927, RFC 4291), carrier-grade NAT (RFC 6598), unspecified, multicast and reserved ranges, and the
 * names `localhost` and `*.localhost`. A name is resolved once, when the channel is set: a name that does
 * not resolve now is taken (the robot services may be unreachable from here), and DNS that changes its
 * answer later is not caught here (docs/decisions/0019). The platform's administrators may set any
 * destination (an integration inside the operator's network).
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
// IPv4-mapped addresses (::ffff:a.b.c.d) are checked as the IPv4 address they map (isBlockedAddress): a rule for
// ::ffff:0:0/96 here would match every IPv4 address.
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return BLOCKED.check(v4, 'ipv4');
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why the URL's destination is refused, or null when it is a public destination. */
export async function refusedDestination(url: string): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  if (isIP(host)) return isBlockedAddress(host) ? `${host} is not a public internet address` : null;
  const addresses = await Promise.race([
    lookup(host, { all: true }).catch(() => []),
    new Promise<{ address: string }[]>((resolve) => setTimeout(() => resolve([]), 3_000).unref()),
  ]);
  const blocked = addresses.find((a) => isBlockedAddress(a.address));
  return blocked ? `${host} resolves to ${blocked.address}, not a public internet address` : null;
}
