import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@memtrace/testing';

// The deployment checks CI runs (scripts/check-deploy.js): first the real script on the real
// manifests, then each check fed a broken copy of a real render, so that none of them can pass
// whatever it is given.
jest.setTimeout(120_000);

type K8sObject = Record<string, any>;
interface CodeSettings {
  defaults: Record<string, number | string>;
  metricsPorts: Record<string, number>;
  shutdownTimeoutMs: number;
}
interface CheckDeploy {
  OVERLAYS: string[];
  renderOverlay(overlay: string, root?: string): K8sObject[];
  validateSchemas(objects: K8sObject[]): string[];
  checkManifests(objects: K8sObject[], settings: CodeSettings): string[];
  loadCodeSettings(root: string): CodeSettings;
  checkCompose(root?: string): { skipped?: string; problems: string[] };
}
// A CommonJS script without type declarations: required, and typed here.
const deploy: CheckDeploy = require(join(REPO_ROOT, 'scripts', 'check-deploy.js'));

const hasDockerCompose = spawnSync('sh', ['-c', 'command -v docker-compose'], { stdio: 'ignore' }).status === 0;

describe('scripts/check-deploy.js', () => {
  it('passes on the repository: both overlays, and docker-compose.yml when docker-compose is installed', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'check-deploy.js')], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: expect.any(String), stderr: '' });
    for (const overlay of deploy.OVERLAYS) expect(result.stdout).toMatch(new RegExp(`^✓ k8s/overlays/${overlay}: \\d+ objects: schemas and essentials ok$`, 'm'));
    expect(result.stdout).toMatch(hasDockerCompose ? /^✓ docker-compose\.yml: valid/m : /^- docker-compose\.yml: skipped/m);
  });

  describe('settings from the code', () => {
    it('reads each app port default, the metrics ports and the shutdown deadline from the source files', () => {
      const settings = deploy.loadCodeSettings(REPO_ROOT);
      const envText = readFileSync(join(REPO_ROOT, 'libs/config/src/env.config.ts'), 'utf8');
      expect(envText).toContain(`MEMTRACE_SERVER_PORT: port(${settings.defaults.MEMTRACE_SERVER_PORT})`);
      expect(Object.keys(settings.metricsPorts)).toEqual(expect.arrayContaining(['gateway', 'admin', 'ingest-worker', 'query']));
      expect(new Set(['gateway', 'admin', 'ingest-worker', 'query'].map((app) => settings.metricsPorts[app])).size).toBe(4);
      expect(settings.shutdownTimeoutMs).toBeGreaterThan(0);
    });

    it('fails loudly when the code no longer has what it looks for', () => {
      const root = mkdtempSync(join(tmpdir(), 'check-deploy-code-'));
      try {
        cpSync(join(REPO_ROOT, 'libs/config/src/env.config.ts'), join(root, 'libs/config/src/env.config.ts'), { recursive: true });
        cpSync(join(REPO_ROOT, 'libs/http/src/run-server.ts'), join(root, 'libs/http/src/run-server.ts'), { recursive: true });
        const runServer = join(root, 'libs/http/src/run-server.ts');
        writeFileSync(runServer, readFileSync(runServer, 'utf8').replace('DEFAULT_METRICS_PORTS', 'METRICS_PORT_TABLE'));
        expect(() => deploy.loadCodeSettings(root)).toThrow(/cannot find DEFAULT_METRICS_PORTS in libs\/http\/src\/run-server\.ts/);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });

  describe('each check catches what it is for (a broken copy of the dev render)', () => {
    let render: K8sObject[];
    let settings: CodeSettings;
    const problemsOf = (objects: K8sObject[]) => [...deploy.validateSchemas(objects), ...deploy.checkManifests(objects, settings)];
    /** The problems of the render after `change` has broken a copy of it. */
    const broken = (change: (objects: K8sObject[]) => void) => {
      const objects = structuredClone(render);
      change(objects);
      return problemsOf(objects);
    };
    const get = (objects: K8sObject[], kind: string, name: string) => {
      const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
      if (!found) throw new Error(`${kind}/${name} is not in the render`);
      return found;
    };
    const container = (objects: K8sObject[], name: string) => get(objects, 'Deployment', `memtrace-${name}`).spec.template.spec.containers[0];

    beforeAll(() => {
      render = deploy.renderOverlay('dev');
      settings = deploy.loadCodeSettings(REPO_ROOT);
    });

    it('the unbroken render has no problem (so each problem below comes from its change)', () => {
      expect(problemsOf(render)).toEqual([]);
    });

    it('schemas: an unknown kind, a wrong type, an unknown (misspelt) field', () => {
      expect(broken((o) => o.push({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'tls' } }))).toContainEqual(
        expect.stringMatching(/^Certificate\/tls: unknown kind cert-manager\.io\/v1 Certificate/),
      );
      expect(broken((o) => (container(o, 'gateway').ports[0].containerPort = '9100'))).toContainEqual(
        'Deployment/memtrace-gateway: /spec/template/spec/containers/0/ports/0/containerPort must be integer',
      );
      const misspelt = broken((o) => {
        const c = container(o, 'admin');
        c.readinesProbe = c.readinessProbe;
        delete c.readinessProbe;
      });
      expect(misspelt).toContainEqual('Deployment/memtrace-admin: /spec/template/spec/containers/0/readinesProbe: unknown field (not in the Deployment schema)');
      expect(misspelt).toContainEqual('Deployment/memtrace-admin container admin: no readinessProbe');
    });

    it('containers: image, probes, requests and limits, non-root', () => {
      expect(broken((o) => delete container(o, 'query').livenessProbe)).toContainEqual('Deployment/memtrace-query container query: no livenessProbe');
      expect(broken((o) => delete container(o, 'ingest-worker').resources.limits.memory)).toContainEqual(
        'Deployment/memtrace-ingest-worker container ingest-worker: no resources.limits.memory',
      );
      expect(broken((o) => (container(o, 'gateway').image = 'memtrace'))).toContainEqual(expect.stringContaining('image memtrace is not pinned'));
      expect(broken((o) => delete get(o, 'Deployment', 'memtrace-admin').spec.template.spec.securityContext.runAsNonRoot)).toContainEqual(
        'Deployment/memtrace-admin: pods may run as root (set securityContext.runAsNonRoot: true)',
      );
    });

    it('ports: what the app listens on, from the code defaults and from the environment the manifests give it', () => {
      expect(broken((o) => (container(o, 'gateway').ports[0].containerPort = 8080))).toContainEqual(
        'Deployment/memtrace-gateway container gateway: port http should be 9100 (what gateway listens on), found 8080',
      );
      // Moving the app's port in the ConfigMap, but not the container port, is caught too.
      expect(broken((o) => (get(o, 'ConfigMap', 'memtrace-config').data.MEMTRACE_ADMIN_PORT = '9111'))).toContainEqual(
        'Deployment/memtrace-admin container admin: port http should be 9111 (what admin listens on), found 9101',
      );
      expect(broken((o) => (container(o, 'query').readinessProbe.httpGet.port = 'rpc'))).toContainEqual(
        'Deployment/memtrace-query container query: readinessProbe port should be metrics (9193), found rpc',
      );
      expect(broken((o) => (get(o, 'ConfigMap', 'memtrace-config').data.MEMTRACE_METRICS_HOST = '127.0.0.1'))).toContainEqual(
        expect.stringMatching(/memtrace-query container query: MEMTRACE_METRICS_HOST is 127\.0\.0\.1: the port it binds is unreachable/),
      );
    });

    it('selectors and references: Services, PDBs, Secrets and ConfigMaps that point at nothing', () => {
      expect(broken((o) => (get(o, 'Service', 'memtrace-admin').spec.selector['app.kubernetes.io/component'] = 'admn'))).toContainEqual(
        expect.stringMatching(/^Service\/memtrace-admin: selector .* matches no pod template$/),
      );
      expect(broken((o) => (get(o, 'PodDisruptionBudget', 'memtrace-query').spec.selector.matchLabels['app.kubernetes.io/component'] = 'queries'))).toContainEqual(
        'PodDisruptionBudget/memtrace-query: selector matches no pod template',
      );
      expect(broken((o) => o.splice(o.indexOf(get(o, 'Secret', 'memtrace-secrets')), 1))).toContainEqual(
        'Job/memtrace-migrate: references Secret memtrace-secrets, which is not in the render',
      );
      expect(broken((o) => delete get(o, 'Secret', 'memtrace-secrets').stringData.MEMTRACE_INTERNAL_SECRET)).toContainEqual(
        'Deployment/memtrace-gateway: references key MEMTRACE_INTERNAL_SECRET of Secret memtrace-secrets, which has no such key',
      );
      expect(broken((o) => (get(o, 'ConfigMap', 'memtrace-config').metadata.name = 'memtrace-settings'))).toContainEqual(
        'Deployment/memtrace-gateway: references ConfigMap memtrace-config, which is not in the render',
      );
    });

    it('secrets: each process gets what it needs from a Secret, and nothing more', () => {
      expect(broken((o) => container(o, 'ingest-worker').env.push({ name: 'MEMTRACE_INTERNAL_SECRET', valueFrom: { secretKeyRef: { name: 'memtrace-secrets', key: 'MEMTRACE_INTERNAL_SECRET' } } }))).toContainEqual(
        'Deployment/memtrace-ingest-worker container ingest-worker: ingest-worker is given MEMTRACE_INTERNAL_SECRET, which it does not need',
      );
      expect(
        broken((o) => {
          const env = container(o, 'query').env;
          env.splice(env.findIndex((e: { name: string }) => e.name === 'MEMTRACE_INTERNAL_SECRET'), 1);
        }),
      ).toContainEqual('Deployment/memtrace-query container query: query needs MEMTRACE_INTERNAL_SECRET from a Secret');
    });

    it('scaling: no HPA on the worker, KEDA on /backlog with at least one replica, HPAs on existing Deployments', () => {
      expect(broken((o) => (get(o, 'HorizontalPodAutoscaler', 'memtrace-query').spec.scaleTargetRef.name = 'memtrace-ingest-worker'))).toContainEqual(
        expect.stringMatching(/^HorizontalPodAutoscaler\/memtrace-query: targets the ingest-worker/),
      );
      expect(broken((o) => (get(o, 'HorizontalPodAutoscaler', 'memtrace-gateway').spec.scaleTargetRef.name = 'memtrace-gw'))).toContainEqual(
        expect.stringMatching(/^HorizontalPodAutoscaler\/memtrace-gateway: scaleTargetRef .* is not a Deployment in the render$/),
      );
      const trigger = (o: K8sObject[]) => get(o, 'ScaledObject', 'memtrace-ingest-worker').spec.triggers[0];
      expect(broken((o) => (trigger(o).metadata.url = 'http://memtrace-ingest-worker.memtrace.svc.cluster.local:9102/metrics'))).toContainEqual(
        'ScaledObject/memtrace-ingest-worker: metrics-api url should end in /backlog, found /metrics',
      );
      expect(broken((o) => (trigger(o).metadata.url = 'http://memtrace-ingest-worker.memtrace.svc.cluster.local:9192/backlog'))).toContainEqual(
        expect.stringMatching(/no Service memtrace-ingest-worker\.memtrace\.svc\.cluster\.local with port 9192/),
      );
      expect(broken((o) => (trigger(o).type = 'redis'))).toContainEqual(
        'ScaledObject/memtrace-ingest-worker: no metrics-api trigger (the ingest-worker scales on its /backlog)',
      );
      expect(broken((o) => (get(o, 'ScaledObject', 'memtrace-ingest-worker').spec.minReplicaCount = 0))).toContainEqual(
        'ScaledObject/memtrace-ingest-worker: minReplicaCount must be at least 1: the workers serve /backlog themselves',
      );
    });

    it('network: only gateway pods reach the query port; gateways find the query Service', () => {
      expect(broken((o) => (get(o, 'NetworkPolicy', 'memtrace-query').spec.ingress[0].from = [{ namespaceSelector: {} }]))).toContainEqual(
        "NetworkPolicy/memtrace-query: lets more than gateway pods reach the query service's port 9103",
      );
      expect(broken((o) => (get(o, 'NetworkPolicy', 'memtrace-query').spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component'] = 'admin'))).toContainEqual(
        "NetworkPolicy/memtrace-query: lets more than gateway pods reach the query service's port 9103",
      );
      // Without its own policy, the query pods are still isolated (by the metrics policy): now nobody reaches them.
      const withoutQueryPolicy = broken((o) => o.splice(o.indexOf(get(o, 'NetworkPolicy', 'memtrace-query')), 1));
      expect(withoutQueryPolicy).toContainEqual("Deployment/memtrace-query: its NetworkPolicies keep gateway pods from the query service's port 9103");
      expect(withoutQueryPolicy).toContainEqual('Deployment/memtrace-query: its NetworkPolicies let nobody reach port rpc (9103)');
      expect(broken((o) => o.splice(0, o.length, ...o.filter((x) => x.kind !== 'NetworkPolicy')))).toContainEqual(
        'Deployment/memtrace-query: no NetworkPolicy isolates the query pods: anything in the cluster can reach port 9103',
      );
      // The policy that keeps the client-facing ports open.
      expect(broken((o) => o.splice(o.indexOf(get(o, 'NetworkPolicy', 'memtrace-api')), 1))).toContainEqual(
        'Deployment/memtrace-gateway: its NetworkPolicies let nobody reach port http (9100)',
      );
      expect(broken((o) => (get(o, 'ConfigMap', 'memtrace-config').data.MEMTRACE_QUERY_ADDRESSES = 'memtrace-query:9103,query:9103'))).toContainEqual(
        'Deployment/memtrace-gateway: query address query:9103: no Service query with port 9103 in the render',
      );
    });

    it('metrics: the ServiceMonitor must select the metrics Services of all four processes', () => {
      expect(broken((o) => (get(o, 'Service', 'memtrace-query-metrics').metadata.labels['memtrace.io/metrics'] = 'false'))).toContainEqual(
        'no ServiceMonitor scrapes the metrics port of query',
      );
      expect(broken((o) => (get(o, 'ServiceMonitor', 'memtrace').spec.endpoints[0].port = 'prometheus'))).toContainEqual(
        'ServiceMonitor/memtrace: endpoint port prometheus is on none of the Services it selects',
      );
    });

    it('shutdown: the SIGKILL must come after the servers\u2019 own deadline', () => {
      expect(broken((o) => (get(o, 'Deployment', 'memtrace-gateway').spec.template.spec.terminationGracePeriodSeconds = 10))).toContainEqual(
        `Deployment/memtrace-gateway container gateway: terminationGracePeriodSeconds 10 does not exceed the ${settings.shutdownTimeoutMs / 1000} s a server may take after SIGTERM`,
      );
    });
  });

  describe('docker-compose.yml', () => {
    const withCompose = hasDockerCompose ? it : it.skip;

    withCompose('is refused when a required secret is not required any more', () => {
      const root = mkdtempSync(join(tmpdir(), 'check-deploy-compose-'));
      try {
        const compose = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
        // ARC_TOKEN with a silent default instead of `:?`.
        writeFileSync(join(root, 'docker-compose.yml'), compose.replace(/\$\{ARC_TOKEN:\?[^}]*\}/g, '${ARC_TOKEN:-changeme}'));
        expect(deploy.checkCompose(root).problems).toEqual(['docker-compose.yml: accepted a start without ARC_TOKEN (require it with ${ARC_TOKEN:?…})']);
        writeFileSync(join(root, 'docker-compose.yml'), `${compose}\n  stray: [`);
        expect(deploy.checkCompose(root).problems).toEqual([expect.stringMatching(/^docker-compose\.yml: docker-compose config -q failed:/)]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    if (!hasDockerCompose) {
      it('says it skipped the compose check when docker-compose is not installed', () => {
        expect(deploy.checkCompose(REPO_ROOT).skipped).toMatch(/docker-compose is not installed/);
      });
    }
  });
});
