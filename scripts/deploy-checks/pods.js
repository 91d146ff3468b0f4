// The pods of a rendered Memtrace deployment: what each container runs, its environment (ConfigMaps
// resolved), the Secrets and ConfigMaps it references, and its ports, probes, resources and
// security settings against the apps' settings (code-settings.js).
'use strict';
const { APPS, JOBS, ALL_SECRETS } = require('./code-settings');
const { idOf } = require('./schemas');

const WILDCARD_HOSTS = ['0.0.0.0', '::'];

/** Does a LabelSelector (`matchLabels`, `matchExpressions`) or a Service's plain label map select `labels`? */
function matchesSelector(selector, labels = {}) {
  if (!selector) return false;
  const { matchLabels = {}, matchExpressions = [] } = selector.matchLabels || selector.matchExpressions ? selector : { matchLabels: selector };
  if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) return false;
  return matchExpressions.every(({ key, operator, values = [] }) => {
    if (operator === 'In') return values.includes(labels[key]);
    if (operator === 'NotIn') return !values.includes(labels[key]);
    if (operator === 'Exists') return key in labels;
    if (operator === 'DoesNotExist') return !(key in labels);
    return false;
  });
}

const namespaceOf = (obj) => obj.metadata?.namespace ?? 'default';

/** Pod templates of Deployments and Jobs, with what their containers run. */
function podTemplates(objects) {
  return objects
    .filter((o) => ['Deployment', 'Job'].includes(o.kind) && o.spec?.template)
    .map((owner) => {
      const spec = owner.spec.template.spec ?? {};
      const containers = spec.containers ?? [];
      return { owner, namespace: namespaceOf(owner), labels: owner.spec.template.metadata?.labels ?? {}, spec, containers, command: containers[0]?.args?.[0] };
    });
}

function find(objects, kind, name, namespace) {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name && namespaceOf(o) === namespace);
}

/** The effective environment of a container: ConfigMap values resolved, secrets marked as such. */
function containerEnv(objects, container, namespace) {
  const env = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const map = find(objects, 'ConfigMap', source.configMapRef.name, namespace);
      for (const [key, value] of Object.entries(map?.data ?? {})) env[(source.prefix ?? '') + key] = { value };
    }
    if (source.secretRef) {
      const secret = find(objects, 'Secret', source.secretRef.name, namespace);
      for (const key of Object.keys({ ...secret?.data, ...secret?.stringData })) env[(source.prefix ?? '') + key] = { secret: source.secretRef.name };
    }
  }
  for (const entry of container.env ?? []) {
    if (entry.valueFrom?.secretKeyRef) env[entry.name] = { secret: entry.valueFrom.secretKeyRef.name };
    else if (entry.valueFrom?.configMapKeyRef) {
      const map = find(objects, 'ConfigMap', entry.valueFrom.configMapKeyRef.name, namespace);
      env[entry.name] = { value: map?.data?.[entry.valueFrom.configMapKeyRef.key] };
    } else env[entry.name] = { value: entry.value ?? '' };
  }
  return env;
}

/** Secret and ConfigMap references (envFrom, env valueFrom, volumes) that the render lacks. */
function missingReferences(objects, template) {
  const problems = [];
  const id = idOf(template.owner);
  const need = (kind, name, key, optional) => {
    if (optional) return;
    const target = find(objects, kind, name, template.namespace);
    if (!target) return problems.push(`${id}: references ${kind} ${name}, which is not in the render`);
    if (key !== undefined && !(key in { ...target.data, ...target.stringData, ...target.binaryData })) {
      problems.push(`${id}: references key ${key} of ${kind} ${name}, which has no such key`);
    }
  };
  for (const container of [...template.containers, ...(template.spec.initContainers ?? [])]) {
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef) need('ConfigMap', source.configMapRef.name, undefined, source.configMapRef.optional);
      if (source.secretRef) need('Secret', source.secretRef.name, undefined, source.secretRef.optional);
    }
    for (const { valueFrom } of container.env ?? []) {
      if (valueFrom?.configMapKeyRef) need('ConfigMap', valueFrom.configMapKeyRef.name, valueFrom.configMapKeyRef.key, valueFrom.configMapKeyRef.optional);
      if (valueFrom?.secretKeyRef) need('Secret', valueFrom.secretKeyRef.name, valueFrom.secretKeyRef.key, valueFrom.secretKeyRef.optional);
    }
  }
  for (const volume of template.spec.volumes ?? []) {
    if (volume.configMap) need('ConfigMap', volume.configMap.name, undefined, volume.configMap.optional);
    if (volume.secret) need('Secret', volume.secret.secretName, undefined, volume.secret.optional);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap) need('ConfigMap', source.configMap.name, undefined, source.configMap.optional);
      if (source.secret) need('Secret', source.secret.name, undefined, source.secret.optional);
    }
  }
  return problems;
}

/** The container port a probe or Service names (by name or number), or undefined. */
function resolvePort(containers, port) {
  for (const container of containers) {
    for (const p of container.ports ?? []) if (p.name === port || p.containerPort === port) return p.containerPort;
  }
  return undefined;
}

/** The ports each server container must declare, from its environment and the code's defaults. */
function expectedPorts(app, env, settings) {
  const value = (name) => (env[name]?.value !== undefined ? Number(env[name].value) : settings.defaults[name]);
  const metrics = env.MEMTRACE_METRICS_PORT?.value !== undefined ? Number(env.MEMTRACE_METRICS_PORT.value) : settings.metricsPorts[app];
  return { [APPS[app].portName]: value(APPS[app].portVar), metrics };
}

function checkContainers(objects, template, settings) {
  const problems = [];
  const id = idOf(template.owner);
  const isServer = template.owner.kind === 'Deployment';
  const grace = template.spec.terminationGracePeriodSeconds ?? 30;
  if (template.spec.securityContext?.runAsNonRoot !== true && !template.containers.every((c) => c.securityContext?.runAsNonRoot === true)) {
    problems.push(`${id}: pods may run as root (set securityContext.runAsNonRoot: true)`);
  }
  for (const container of template.containers) {
    const where = `${id} container ${container.name}`;
    const command = container.args?.[0];
    const env = containerEnv(objects, container, template.namespace);
    if (!container.image) problems.push(`${where}: no image`);
    else if (!/(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/.test(container.image.split('/').pop()) || /:latest$/.test(container.image)) {
      problems.push(`${where}: image ${container.image} is not pinned to a tag or digest (nor may it be :latest)`);
    }
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (!container.resources?.[kind]?.[resource]) problems.push(`${where}: no resources.${kind}.${resource}`);
      }
    }
    if (container.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is writable (readOnlyRootFilesystem: true; mount an emptyDir where it must write)`);
    const known = isServer ? APPS[command] : JOBS[command];
    if (!known) {
      problems.push(`${where}: args[0] is ${JSON.stringify(command)}, not a ${isServer ? 'server' : 'one-shot'} command of docker/entrypoint.sh (${Object.keys(isServer ? APPS : JOBS).join(', ')})`);
      continue;
    }
    for (const name of ALL_SECRETS) {
      if (known.secrets.includes(name) && !env[name]?.secret) problems.push(`${where}: ${command} needs ${name} from a Secret`);
      if (!known.secrets.includes(name) && env[name]) problems.push(`${where}: ${command} is given ${name}, which it does not need`);
    }
    if (!isServer) continue;
    const app = APPS[command];
    for (const hostVar of app.hostVars) {
      const host = env[hostVar]?.value ?? settings.defaults[hostVar];
      if (!WILDCARD_HOSTS.includes(host)) problems.push(`${where}: ${hostVar} is ${host}: the port it binds is unreachable from outside the pod (set 0.0.0.0)`);
    }
    const expected = expectedPorts(command, env, settings);
    const declared = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
    for (const [name, port] of Object.entries(expected)) {
      if (declared[name] !== port) problems.push(`${where}: port ${name} should be ${port} (what ${command} listens on), found ${declared[name] ?? 'none'}`);
    }
    for (const [name, port] of Object.entries(declared)) {
      if (!(name in expected)) problems.push(`${where}: declares port ${name ?? '(unnamed)'} ${port}, which ${command} does not listen on`);
    }
    for (const [probe, path] of [['livenessProbe', '/health'], ['readinessProbe', '/ready'], ['startupProbe', '/health']]) {
      const spec = container[probe];
      if (!spec) {
        if (probe !== 'startupProbe') problems.push(`${where}: no ${probe}`);
        continue;
      }
      const probed = spec.httpGet?.port;
      const port = typeof probed === 'number' ? probed : resolvePort([container], probed);
      if (!spec.httpGet) problems.push(`${where}: ${probe} should be an httpGet of ${path}`);
      else if (spec.httpGet.path !== path) problems.push(`${where}: ${probe} path should be ${path}, found ${spec.httpGet.path}`);
      else if (port !== expected[app.probePort]) problems.push(`${where}: ${probe} port should be ${app.probePort} (${expected[app.probePort]}), found ${spec.httpGet.port}`);
    }
    // The SIGKILL must come after the process's own shutdown deadline.
    if (grace * 1000 <= settings.shutdownTimeoutMs) {
      problems.push(`${where}: terminationGracePeriodSeconds ${grace} does not exceed the ${settings.shutdownTimeoutMs / 1000} s a server may take after SIGTERM`);
    }
    if (command === 'ingest-worker') {
      const drain = Number(env.MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS?.value ?? settings.defaults.MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS);
      if (drain >= settings.shutdownTimeoutMs) problems.push(`${where}: MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS ${drain} leaves no time inside the ${settings.shutdownTimeoutMs} ms shutdown deadline`);
    }
  }
  return problems;
}

module.exports = { matchesSelector, namespaceOf, podTemplates, find, containerEnv, missingReferences, resolvePort, checkContainers };
