import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import { LOGGER } from '@memtrace/observability';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { Actor } from '../audit/actor';
import { AddressRanges, isPublicAddress } from './address-range.util';

/** Every address a host name resolves to; rejects when it does not resolve. */
export type HostLookup = (host: string) => Promise<string[]>;
export const HOST_LOOKUP = Symbol('HOST_LOOKUP');

/** getaddrinfo has no timeout of its own; a bind must not hang on a dead resolver. */
const LOOKUP_TIMEOUT_MS = 5_000;

const HINT = 'tenant admins can bind stores on public addresses only; an operator can allow a host or range with MEMTRACE_STORE_URL_ALLOW';

/**
 * Which store URLs a tenant admin may bind. The worker and the query service send requests to the
 * URL from inside the operator's network, so a tenant that could name a loopback, private or
 * link-local address would get requests (with its own payloads) to services it cannot otherwise
 * reach: cloud metadata, a loopback admin port. Names are resolved here, with the resolver the
 * services connect with, and every address they resolve to must be public or allowed.
 *
 * The operator (the CLI and admin keys of the operator org) is not restricted: they run that
 * network, can reach its addresses anyway, and bind stores on it as a matter of course (an Arc on
 * `http://arc:8000`). The check happens at bind time only: a name that later resolves elsewhere
 * (DNS rebinding) is not caught; `MEMTRACE_STORE_URL_ALLOW` plus network policy are the backstop.
 */
@Injectable()
export class StoreUrlPolicyService {
  private readonly allowedHosts = new Set<string>();
  private readonly allowedRanges = new AddressRanges();
  private readonly lookup: HostLookup;

  constructor(
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(HOST_LOOKUP) lookupHost?: HostLookup,
  ) {
    for (const entry of config.storeUrlPolicy.allow) {
      if (isIP(entry.split('/')[0])) this.allowedRanges.add(entry);
      else this.allowedHosts.add(entry);
    }
    this.lookup = lookupHost ?? lookupAll;
  }

  /** Throws a 400 unless `actor` may bind a store at `url` (already a valid http(s) URL). */
  async assertAllowed(actor: Actor, url: string): Promise<void> {
    if (actor.scopeOrgId === null) return;
    const host = hostOf(url);
    if (this.allowedHosts.has(host)) return;
    const literal = isIP(host) !== 0;
    // RFC 6761: `localhost` and its subdomains are loopback, whatever a resolver says today.
    if (host === 'localhost' || host.endsWith('.localhost')) return this.refuse(actor, host, `${host} is not a public address`, {});
    let addresses: string[];
    try {
      addresses = literal ? [host] : await this.lookup(host);
    } catch (error) {
      return this.refuse(actor, host, `${host} must resolve, and only to public addresses`, { lookupError: (error as Error).message });
    }
    const blocked = addresses.filter((a) => !isPublicAddress(a) && !this.allowedRanges.has(a));
    if (addresses.length === 0 || blocked.length > 0) {
      // The tenant is not told what a name resolved to: that would let it map internal DNS.
      return this.refuse(actor, host, literal ? `${host} is not a public address` : `${host} must resolve, and only to public addresses`, { addresses, blocked });
    }
  }

  private refuse(actor: Actor, host: string, why: string, detail: Record<string, unknown>): never {
    this.logger.warn({ actor: actor.label, orgId: actor.scopeOrgId, host, ...detail }, 'store url refused by policy');
    throw new AppError('bad_request', `store url refused: ${why}`, HINT);
  }
}

/** The URL parser's host: IPv4 in any notation (2130706433, 0x7f.1) is already dotted decimal. */
function hostOf(url: string): string {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    throw new AppError('bad_request', 'url: not a valid URL');
  }
  return hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

async function lookupAll(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    const answers = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return answers.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}
