// The essentials of a rendered Memtrace deployment, beyond what a schema can say: the pods
// (pods.js), and that selectors point at something in the render, how the processes scale, who may
// reach them, and what Prometheus scrapes.
'use strict';
const { APPS } = require('./code-settings');
const { idOf } = require('./schemas');
const { checkContainers, containerEnv, find, matchesSelector, missingReferences, namespaceOf, podTemplates, resolvePort } = require('./pods');

/** Services selecting pods, with the container ports their targetPorts resolve to. */
function checkServices(objects, templates) {
  const problems = [];
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const matched = templates.filter((t) => t.namespace === namespaceOf(service) && matchesSelector(service.spec?.selector, t.labels));
    if (matched.length === 0) {
      problems.push(`${idOf(service)}: selector ${JSON.stringify(service.spec?.selector)} matches no pod template`);
      continue;
    }
    for (const port of service.spec.ports ?? []) {
      for (const t of matched) {
        if (resolvePort(t.containers, port.targetPort ?? port.port) === undefined) {
          problems.push(`${idOf(service)}: port ${port.name ?? port.port} targets ${port.targetPort ?? port.port}, which ${idOf(t.owner)} does not declare`);
        }
      }
    }
  }
  return problems;
}

/** The Service behind `host:port` (a name, `name.namespace`, or `name.namespace.svc[.cluster.local]`). */
function serviceAt(objects, host, port, namespace) {
  const [name, ns = namespace, svc] = host.split('.');
  if (svc !== undefined && !/^svc(\.cluster\.local)?$/.test(host.split('.').slice(2).join('.'))) return undefined;
  const service = find(objects, 'Service', name, ns);
  return service?.spec?.ports?.find((p) => p.port === port) ? service : undefined;
}

/** Does `host:port` reach the pods of `app`, on the container port named `portName`? */
function reaches(objects, templates, host, port, namespace, app, portName) {
  const service = serviceAt(objects, host, port, namespace);
  if (!service) return `no Service ${host} with port ${port} in the render`;
  const targets = templates.filter((t) => t.namespace === namespaceOf(service) && matchesSelector(service.spec.selector, t.labels));
  if (!targets.length || targets.some((t) => t.command !== app)) return `Service ${service.metadata.name} does not select only ${app} pods`;
  const target = service.spec.ports.find((p) => p.port === port);
  const resolved = resolvePort(targets[0].containers, target.targetPort ?? target.port);
  if (resolved === undefined || resolved !== resolvePort(targets[0].containers, portName)) return `Service ${service.metadata.name} port ${port} does not lead to ${app}'s ${portName} port`;
  return undefined;
}

function checkScaling(objects, templates) {
  const problems = [];
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const templateOf = (ref, namespace) => templates.find((t) => t.owner.kind === ref?.kind && t.owner.metadata.name === ref?.name && t.namespace === namespace);
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const target = templateOf(hpa.spec?.scaleTargetRef, namespaceOf(hpa));
    if (!target) problems.push(`${idOf(hpa)}: scaleTargetRef ${JSON.stringify(hpa.spec?.scaleTargetRef)} is not a Deployment in the render`);
    else if (target.command === 'ingest-worker') problems.push(`${idOf(hpa)}: targets the ingest-worker, whose replicas KEDA's ScaledObject owns (two autoscalers would fight)`);
    if (!(hpa.spec?.metrics ?? []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')) problems.push(`${idOf(hpa)}: does not scale on CPU`);
  }
  const scaledObjects = objects.filter((o) => o.kind === 'ScaledObject');
  for (const so of scaledObjects) {
    const target = templateOf({ kind: 'Deployment', ...so.spec?.scaleTargetRef }, namespaceOf(so));
    if (!target) {
      problems.push(`${idOf(so)}: scaleTargetRef ${JSON.stringify(so.spec?.scaleTargetRef)} is not a Deployment in the render`);
      continue;
    }
    if (target.command !== 'ingest-worker') continue;
    if (!(so.spec.minReplicaCount >= 1)) problems.push(`${idOf(so)}: minReplicaCount must be at least 1: the workers serve /backlog themselves`);
    const triggers = so.spec.triggers ?? [];
    const backlog = triggers.find((t) => t.type === 'metrics-api');
    if (!backlog) {
      problems.push(`${idOf(so)}: no metrics-api trigger (the ingest-worker scales on its /backlog)`);
      continue;
    }
    const { url, valueLocation, targetValue } = backlog.metadata ?? {};
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      problems.push(`${idOf(so)}: metrics-api url ${JSON.stringify(url)} is not a URL`);
      continue;
    }
    if (parsed.pathname !== '/backlog') problems.push(`${idOf(so)}: metrics-api url should end in /backlog, found ${parsed.pathname}`);
    if (valueLocation !== 'backlog') problems.push(`${idOf(so)}: valueLocation should be "backlog", found ${JSON.stringify(valueLocation)}`);
    if (!(Number(targetValue) > 0)) problems.push(`${idOf(so)}: targetValue should be a positive number, found ${JSON.stringify(targetValue)}`);
    const unreachable = reaches(objects, templates, parsed.hostname, Number(parsed.port || 80), namespaceOf(so), 'ingest-worker', 'http');
    if (unreachable) problems.push(`${idOf(so)}: ${url}: ${unreachable}`);
  }
  for (const d of deployments) {
    const t = templateOf({ kind: 'Deployment', name: d.metadata.name }, namespaceOf(d));
    if (t?.command === 'ingest-worker' && !scaledObjects.some((so) => so.spec?.scaleTargetRef?.name === d.metadata.name)) {
      problems.push(`${idOf(d)}: no ScaledObject scales the ingest-worker`);
    }
  }
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    if (!templates.some((t) => t.namespace === namespaceOf(pdb) && matchesSelector(pdb.spec?.selector, t.labels))) problems.push(`${idOf(pdb)}: selector matches no pod template`);
  }
  return problems;
}

/** Gateways must reach the query service through a Service in the render. */
function checkQueryAddresses(objects, templates, settings) {
  const problems = [];
  for (const t of templates.filter((x) => x.command === 'gateway')) {
    const env = containerEnv(objects, t.containers[0], t.namespace);
    const port = Number(env.MEMTRACE_QUERY_PORT?.value ?? settings.defaults.MEMTRACE_QUERY_PORT);
    const list = env.MEMTRACE_QUERY_ADDRESSES?.value ?? `${env.MEMTRACE_QUERY_HOST?.value ?? settings.defaults.MEMTRACE_QUERY_HOST}:${port}`;
    for (const address of list.split(',').map((a) => a.trim())) {
      const [host, p] = address.split(':');
      const unreachable = reaches(objects, templates, host, Number(p), t.namespace, 'query', 'rpc');
      if (unreachable) problems.push(`${idOf(t.owner)}: query address ${address}: ${unreachable}`);
    }
  }
  return problems;
}

function checkNetworkPolicies(objects, templates) {
  const problems = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  for (const policy of policies) {
    const selected = templates.filter((t) => t.namespace === namespaceOf(policy) && matchesSelector(policy.spec?.podSelector ?? {}, t.labels));
    if (!selected.length) problems.push(`${idOf(policy)}: podSelector matches no pod template`);
    for (const rule of policy.spec?.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        if (peer.podSelector && !peer.namespaceSelector && !templates.some((t) => t.namespace === namespaceOf(policy) && matchesSelector(peer.podSelector, t.labels))) {
          problems.push(`${idOf(policy)}: ingress from podSelector ${JSON.stringify(peer.podSelector)} matches no pod template`);
        }
      }
      for (const { port } of rule.ports ?? []) {
        if (typeof port === 'string' && selected.length && !selected.some((t) => resolvePort(t.containers, port) !== undefined)) {
          problems.push(`${idOf(policy)}: port ${port} is not a container port of the pods it selects`);
        }
      }
    }
  }
  const isolating = (t) =>
    policies.filter((p) => namespaceOf(p) === t.namespace && matchesSelector(p.spec?.podSelector ?? {}, t.labels) && (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'));
  const covers = (rule, t, port) => !rule.ports?.length || rule.ports.some((p) => p.port === undefined || resolvePort(t.containers, p.port) === port);
  const peersOf = (peer, policy) => templates.filter((t) => t.namespace === namespaceOf(policy) && matchesSelector(peer.podSelector, t.labels));
  // An isolated pod must still be reachable on each port it declares (by someone: clients, KEDA, Prometheus).
  for (const t of templates.filter((x) => x.owner.kind === 'Deployment')) {
    const policiesOfPod = isolating(t);
    if (!policiesOfPod.length) continue;
    for (const { name, containerPort } of t.containers.flatMap((c) => c.ports ?? [])) {
      if (!policiesOfPod.some((p) => (p.spec.ingress ?? []).some((rule) => covers(rule, t, containerPort)))) {
        problems.push(`${idOf(t.owner)}: its NetworkPolicies let nobody reach port ${name ?? containerPort} (${containerPort})`);
      }
    }
  }
  // The query service's RPC port: from gateway pods, and from nobody else.
  for (const query of templates.filter((t) => t.command === 'query')) {
    const rpc = resolvePort(query.containers, 'rpc');
    const policiesOfQuery = isolating(query);
    if (!policiesOfQuery.length) {
      problems.push(`${idOf(query.owner)}: no NetworkPolicy isolates the query pods: anything in the cluster can reach port ${rpc}`);
      continue;
    }
    let gatewaysAllowed = false;
    for (const policy of policiesOfQuery) {
      for (const rule of (policy.spec.ingress ?? []).filter((r) => covers(r, query, rpc))) {
        const onlyGateways =
          (rule.from ?? []).length > 0 &&
          rule.from.every((peer) => {
            if (!peer.podSelector || peer.namespaceSelector || peer.ipBlock) return false;
            const peers = peersOf(peer, policy);
            return peers.length > 0 && peers.every((t) => t.command === 'gateway');
          });
        if (onlyGateways) gatewaysAllowed = true;
        else problems.push(`${idOf(policy)}: lets more than gateway pods reach the query service's port ${rpc}`);
      }
    }
    if (!gatewaysAllowed) problems.push(`${idOf(query.owner)}: its NetworkPolicies keep gateway pods from the query service's port ${rpc}`);
  }
  return problems;
}

function checkServiceMonitors(objects, templates) {
  const problems = [];
  const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
  const scraped = new Set();
  for (const monitor of monitors) {
    const services = objects.filter((o) => o.kind === 'Service' && namespaceOf(o) === namespaceOf(monitor) && matchesSelector(monitor.spec?.selector, o.metadata?.labels));
    if (!services.length) problems.push(`${idOf(monitor)}: selector matches no Service`);
    for (const endpoint of monitor.spec?.endpoints ?? []) {
      const withPort = services.filter((s) => (s.spec.ports ?? []).some((p) => p.name === endpoint.port));
      if (services.length && !withPort.length) problems.push(`${idOf(monitor)}: endpoint port ${endpoint.port} is on none of the Services it selects`);
      for (const service of withPort) {
        const port = service.spec.ports.find((p) => p.name === endpoint.port);
        for (const t of templates.filter((x) => x.namespace === namespaceOf(service) && matchesSelector(service.spec.selector, x.labels))) {
          if (APPS[t.command] && resolvePort(t.containers, port.targetPort ?? port.port) === resolvePort(t.containers, 'metrics')) scraped.add(t.command);
        }
      }
    }
  }
  for (const app of Object.keys(APPS)) {
    if (templates.some((t) => t.command === app) && !scraped.has(app)) problems.push(`no ServiceMonitor scrapes the metrics port of ${app}`);
  }
  return problems;
}

/** Every problem of one rendered overlay (empty: it passes). */
function checkManifests(objects, settings) {
  const templates = podTemplates(objects);
  const problems = [];
  for (const app of Object.keys(APPS)) {
    if (!templates.some((t) => t.owner.kind === 'Deployment' && t.command === app)) problems.push(`no Deployment runs ${app}`);
  }
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    if (!matchesSelector(d.spec?.selector, d.spec?.template?.metadata?.labels)) problems.push(`${idOf(d)}: selector does not match its own pod template`);
  }
  for (const t of templates) {
    problems.push(...missingReferences(objects, t), ...checkContainers(objects, t, settings));
    for (const constraint of t.spec.topologySpreadConstraints ?? []) {
      if (!matchesSelector(constraint.labelSelector, t.labels)) problems.push(`${idOf(t.owner)}: topologySpreadConstraints labelSelector does not match its own pods`);
    }
  }
  problems.push(
    ...checkServices(objects, templates),
    ...checkScaling(objects, templates),
    ...checkQueryAddresses(objects, templates, settings),
    ...checkNetworkPolicies(objects, templates),
    ...checkServiceMonitors(objects, templates),
  );
  return problems;
}

module.exports = { checkManifests };
