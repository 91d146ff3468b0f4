import { BlockList, isIP } from 'node:net';

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`): a socket to one of these reaches the IPv4 host. */
const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

/**
 * A set of IPv4 and IPv6 ranges, matched with Node's `BlockList`. BlockList also checks an IPv4
 * address against IPv6 rules (as `::ffff:a.b.c.d`), so a single list holding `::/3` would match
 * every IPv4 address: the two families live in separate lists. An IPv4-mapped IPv6 address is
 * judged by the IPv4 rules (BlockList maps it onto them), as the IPv4 address it connects to.
 */
export class AddressRanges {
  private readonly v4 = new BlockList();
  private readonly v6 = new BlockList();

  /** An address or `address/prefix` (validated at boot by the config schema). */
  add(entry: string): this {
    const [address, prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    const list = type === 'ipv4' ? this.v4 : this.v6;
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
    return this;
  }

  has(address: string): boolean {
    const bare = address.replace(/%.*$/, ''); // a zone id (`fe80::1%eth0`) names an interface, not an address
    const family = isIP(bare);
    if (family === 4) return this.v4.check(bare, 'ipv4');
    if (family !== 6) return false;
    return IPV4_MAPPED.check(bare, 'ipv6') ? this.v4.check(bare, 'ipv6') : this.v6.check(bare, 'ipv6');
  }
}

/**
 * Every address that is not public unicast: what a tenant's store URL must not reach, since the
 * services that call it sit inside the operator's network (IANA special-purpose registries).
 */
const NON_PUBLIC = new AddressRanges();
for (const range of [
  '0.0.0.0/8', // "this network"; 0.0.0.0 itself connects to the local host
  '10.0.0.0/8', // private (RFC 1918)
  '100.64.0.0/10', // carrier-grade NAT (RFC 6598)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, where cloud metadata services answer
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the broadcast address
  // Global unicast is allocated from 2000::/3 only; outside it lie the unspecified address (::),
  // loopback (::1), IPv4-compatible and NAT64 forms, ULA (fc00::/7), link-local (fe80::/10),
  // site-local (fec0::/10) and multicast (ff00::/8).
  '::/3',
  '4000::/2',
  '8000::/1',
  '2001::/23', // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4: embeds an IPv4 address
  '3fff::/20', // documentation
]) {
  NON_PUBLIC.add(range);
}

export function isPublicAddress(address: string): boolean {
  return isIP(address.replace(/%.*$/, '')) !== 0 && !NON_PUBLIC.has(address);
}
