import { AppConfig, ConfigError } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import pino from 'pino';
import { Actor } from '../audit/actor';
import { HostLookup, StoreUrlPolicyService } from './store-url-policy.service';

const tenant: Actor = { label: 'key:7', scopeOrgId: 'org_tenant' };
const operator: Actor = { label: 'key:1', scopeOrgId: null };

/** A resolver with fixed answers; a name it does not know does not resolve. */
function fakeDns(answers: Record<string, string[]>) {
  const asked: string[] = [];
  const lookup: HostLookup = async (host) => {
    asked.push(host);
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return { lookup, asked };
}

const DNS = {
  'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'loopback.example': ['127.0.0.1'],
  'v6-loopback.example': ['::1'],
  'metadata.example': ['169.254.169.254'],
  'internal.example': ['10.0.0.7'],
  'mixed.example': ['93.184.215.14', '127.0.0.1'],
  'empty.example': [],
  'svc.example': ['10.20.1.1'],
  'half-allowed.example': ['10.20.1.1', '10.30.0.1'],
};

function policy(allow = '', dns = fakeDns(DNS)) {
  return { policy: new StoreUrlPolicyService(AppConfig.fromEnv({ MEMTRACE_STORE_URL_ALLOW: allow }), pino({ level: 'silent' }), dns.lookup), dns };
}

async function refusal(service: StoreUrlPolicyService, url: string, actor = tenant): Promise<AppError | undefined> {
  try {
    await service.assertAllowed(actor, url);
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

/** Every way of writing a loopback, private, link-local or otherwise non-public target we know of. */
const NON_PUBLIC_URLS = [
  'http://127.0.0.1:9101',
  'http://127.1/',
  'http://127.255.255.254/',
  'http://2130706433/', // 127.0.0.1 as one decimal number
  'http://0x7f.1/', // hex and a short form
  'http://0x7f000001/',
  'http://017700000001/', // octal
  'http://0177.0.0.1/',
  'http://%31%32%37.0.0.1/', // percent-encoded
  'http://0/', // 0.0.0.0: connects to the local host
  'http://0.0.0.0:9100/',
  'http://[::1]:9101/',
  'http://[::]/',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://[::ffff:127.0.0.1]/', // IPv4-mapped IPv6
  'http://[::ffff:7f00:1]/',
  'http://[0:0:0:0:0:ffff:7f00:1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::127.0.0.1]/', // IPv4-compatible (deprecated)
  'http://[64:ff9b::7f00:1]/', // NAT64
  'http://[2002:7f00:1::]/', // 6to4
  'http://169.254.169.254/latest/meta-data/',
  'http://[fe80::1]/',
  'http://10.0.0.5:8000',
  'http://172.16.3.4',
  'http://172.31.255.255',
  'http://192.168.1.1',
  'http://100.64.0.1', // carrier-grade NAT
  'http://100.127.255.255',
  'http://198.18.0.1', // benchmarking
  'http://192.0.2.10', // documentation
  'http://224.0.0.1', // multicast
  'http://255.255.255.255',
  'http://[fc00::1]/',
  'http://[fd12:3456::1]:8000/',
  'http://[ff02::1]/',
  'http://[2001:db8::1]/',
  'http://localhost:9101',
  'http://LOCALHOST./',
  'http://arc.localhost/',
  'https://loopback.example/',
  'http://v6-loopback.example',
  'http://metadata.example',
  'http://internal.example:8000',
  'http://mixed.example', // one bad address is enough: the connect may pick it
  'http://empty.example',
  'http://nowhere.example', // does not resolve
];

const PUBLIC_URLS = [
  'http://93.184.215.14:8000',
  'https://8.8.8.8/',
  'http://172.32.0.1', // just outside 172.16/12
  'http://100.128.0.1', // just outside 100.64/10
  'http://[2606:4700::1111]/',
  'http://[::ffff:93.184.215.14]/', // mapped, but to a public address
  'https://public.example/arc',
  'http://PUBLIC.example.:8000',
];

describe('StoreUrlPolicyService', () => {
  describe('a tenant admin, no allow-list', () => {
    it.each(NON_PUBLIC_URLS)('refuses %s with a 400 naming MEMTRACE_STORE_URL_ALLOW', async (url) => {
      const error = await refusal(policy().policy, url);
      expect(error).toBeDefined();
      expect({ status: error!.status, code: error!.code }).toEqual({ status: 400, code: 'bad_request' });
      expect(error!.message).toMatch(/^store url refused: /);
      expect(error!.hint).toContain('MEMTRACE_STORE_URL_ALLOW');
    });

    it.each(PUBLIC_URLS)('accepts %s', async (url) => {
      expect(await refusal(policy().policy, url)).toBeUndefined();
    });

    it('does not tell the tenant what a name resolved to (no map of the internal DNS)', async () => {
      const error = await refusal(policy().policy, 'http://internal.example:8000');
      expect(error!.message).toBe('store url refused: internal.example must resolve, and only to public addresses');
      expect(`${error!.message} ${error!.hint}`).not.toContain('10.0.0.7');
      const unresolvable = await refusal(policy().policy, 'http://nowhere.example');
      expect(unresolvable!.message).toBe('store url refused: nowhere.example must resolve, and only to public addresses');
    });

    it('names the address when the URL itself is one, in its canonical form', async () => {
      expect((await refusal(policy().policy, 'http://0x7f.1/'))!.message).toBe('store url refused: 127.0.0.1 is not a public address');
      expect((await refusal(policy().policy, 'http://[::ffff:127.0.0.1]/'))!.message).toBe('store url refused: ::ffff:7f00:1 is not a public address');
    });

    it('treats localhost names as loopback without asking the resolver', async () => {
      const { policy: service, dns } = policy();
      await refusal(service, 'http://localhost:9101');
      await refusal(service, 'http://a.b.localhost/');
      expect(dns.asked).toEqual([]);
    });

    it('uses the system resolver by default (a reserved .invalid name never resolves)', async () => {
      const service = new StoreUrlPolicyService(AppConfig.fromEnv({}), pino({ level: 'silent' }));
      expect((await refusal(service, 'http://arc.nonexistent.invalid:8000'))?.status).toBe(400);
      expect(await refusal(service, 'http://93.184.215.14')).toBeUndefined();
    });
  });

  describe('the operator allow-list', () => {
    const allow = ' 10.20.0.0/16, Arc.Internal. ,fd12:3456::/32,127.0.0.1';

    it.each([
      'http://10.20.3.4:8000',
      'http://[::ffff:10.20.0.9]/', // judged as the IPv4 address it connects to
      'http://arc.internal:8000',
      'http://ARC.INTERNAL./',
      'http://svc.example', // resolves into an allowed range
      'http://[fd12:3456::9]/',
      'http://127.0.0.1:9000',
    ])('lets a tenant bind %s', async (url) => {
      expect(await refusal(policy(allow).policy, url)).toBeUndefined();
    });

    it.each([
      'http://10.21.0.1',
      'http://half-allowed.example', // one of its addresses is outside the allowed ranges
      'http://[fd12:3457::1]/',
      'http://127.0.0.2', // an allowed address is that address only
      'http://localhost', // allowing 127.0.0.1 does not allow a name
      'http://169.254.169.254',
    ])('still refuses %s', async (url) => {
      expect((await refusal(policy(allow).policy, url))?.status).toBe(400);
    });

    it('trusts an allowed host name as it is, without resolving it', async () => {
      const { policy: service, dns } = policy(allow);
      expect(await refusal(service, 'http://arc.internal:8000')).toBeUndefined();
      expect(dns.asked).toEqual([]);
    });

    it('is validated at boot: a bad entry stops the process naming the variable', () => {
      for (const bad of ['10.0.0.0/33', '::1/129', '10.0.0.0/8/1', 'not a host', 'http://arc:8000', '10.0.0.0/']) {
        expect(() => AppConfig.fromEnv({ MEMTRACE_STORE_URL_ALLOW: `arc.internal,${bad}` })).toThrow(ConfigError);
        expect(() => AppConfig.fromEnv({ MEMTRACE_STORE_URL_ALLOW: bad })).toThrow(/MEMTRACE_STORE_URL_ALLOW/);
      }
      expect(AppConfig.fromEnv({ MEMTRACE_STORE_URL_ALLOW: allow }).storeUrlPolicy.allow).toEqual(['10.20.0.0/16', 'arc.internal', 'fd12:3456::/32', '127.0.0.1']);
      expect(AppConfig.fromEnv({}).storeUrlPolicy.allow).toEqual([]);
    });
  });

  describe('the operator', () => {
    it.each(NON_PUBLIC_URLS)('may bind %s (they run the network the services live in)', async (url) => {
      const { policy: service, dns } = policy();
      expect(await refusal(service, url, operator)).toBeUndefined();
      expect(dns.asked).toEqual([]);
    });
  });
});
