// Validates rendered Kubernetes objects against their OpenAPI schemas (kubernetes-models and the
// CRD models of KEDA and the Prometheus Operator), offline: there is no API server to dry-run on.
'use strict';

/** API groups whose schemas come from a CRD package; every other group is in kubernetes-models. */
const CRD_PACKAGES = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

const idOf = (obj) => `${obj?.kind ?? '?'}/${obj?.metadata?.name ?? '?'}`;

/** The model class of an apiVersion and kind, or undefined when no package knows it. */
function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9.\-/]+$/.test(apiVersion) || !/^[A-Za-z]+$/.test(kind)) return undefined;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const pkg = CRD_PACKAGES[group] ?? 'kubernetes-models';
  try {
    return require(`${pkg}/${apiVersion}/${kind}`)[kind];
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND' || error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    throw error;
  }
}

/** ajv's errors for `obj` (empty when valid). */
function schemaErrors(Model, obj) {
  try {
    new Model(obj).validate();
    return [];
  } catch (error) {
    if (Array.isArray(error.errors)) return error.errors;
    throw error;
  }
}

const pointer = (path) => path.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
/** A value no schema type accepts where a field is declared (not an object, string, number, or array of those). */
const SENTINEL = [[[[]]]];

/**
 * Fields the schema does not declare (kubectl's strict field validation rejects them; the schemas
 * alone allow them). A field is declared when putting an impossible value in its place makes the
 * validator complain at that path; free-form maps (labels, ConfigMap data) count as declared, since
 * their values are typed.
 */
function unknownFields(Model, obj) {
  const unknown = [];
  const visit = (node, path) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      const fieldPath = [...path, key];
      const original = node[key];
      node[key] = SENTINEL;
      const at = pointer(fieldPath);
      const declared = schemaErrors(Model, obj).some((e) => e.instancePath === at || e.instancePath.startsWith(`${at}/`));
      node[key] = original;
      if (declared) visit(original, fieldPath);
      else unknown.push(at);
    }
  };
  visit(obj, []);
  return unknown;
}

/** Every schema problem of every object, as `Kind/name: /path message` lines. Unknown kinds fail. */
function validateSchemas(objects) {
  const problems = [];
  for (const obj of objects) {
    const id = idOf(obj);
    const Model = modelFor(obj?.apiVersion, obj?.kind);
    if (!Model) {
      problems.push(`${id}: unknown kind ${obj?.apiVersion} ${obj?.kind}: no schema to check it against (kubernetes-models, @kubernetes-models/keda, @kubernetes-models/prometheus-operator)`);
      continue;
    }
    for (const e of schemaErrors(Model, obj)) problems.push(`${id}: ${e.instancePath || '/'} ${e.message}`);
    for (const path of unknownFields(Model, structuredClone(obj))) problems.push(`${id}: ${path}: unknown field (not in the ${obj.kind} schema)`);
  }
  return problems;
}

module.exports = { idOf, modelFor, schemaErrors, unknownFields, validateSchemas };
