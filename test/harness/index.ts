// The validation harness: checks synthesized Kubernetes objects the way a real API server would, against
// the pinned upstream schemas (CRDs for custom kinds, Kubernetes 1.28 for core kinds).
//   - defaults applied first (ajv useDefaults), as the API server does before validating;
//   - unknown fields rejected, as kubectl's strict field validation does;
//   - the CRDs' CEL rules, written by hand (cel.ts);
//   - metadata rules: DNS-1123 names and namespaces, string label/annotation values, label syntax;
//   - an apiVersion that is not served, or a kind with no schema, is an error.
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { _, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { App, Chart, Testing } from 'cdk8s';
import YAML from 'yaml';
import { cacheEnabled, cacheKey, cachePath, writeCacheEntry } from './cache';
import { checkCel } from './cel';
import { HARNESS_FORMATS } from './formats';
import { KindSchema, knownGroupKinds, loadSchemas, schemaKey } from './schemas';

export { upstreamDir, upstreamPath } from '../../scripts/upstream';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED_KINDS = new Set(['Namespace', 'Service']);

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

const FORMATS_MODULE = path.join(__dirname, 'formats');

function getAjv(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({
    strict: false,
    allErrors: true,
    useDefaults: true,
    validateFormats: true,
    formats: HARNESS_FORMATS,
    // Standalone code of a compiled schema requires the formats from formats.ts (see cache.ts).
    code: { source: true, formats: _`require(${FORMATS_MODULE}).HARNESS_FORMATS` },
  });
  return ajv;
}

/**
 * The ajv validator of a schema: compiled once per process, and kept on disk as standalone code so that other
 * test files and later runs load it instead of compiling it again (compiling the large schemas is most of the
 * harness's cost).
 */
function validatorFor(key: string, ks: KindSchema): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    const file = cacheEnabled() ? cachePath(cacheKey('validator', JSON.stringify(ks.schema)), 'js') : undefined;
    if (file && fs.existsSync(file)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      v = require(file) as ValidateFunction;
    } else {
      v = getAjv().compile(ks.schema);
      if (file) writeCacheEntry(file, standaloneCode(getAjv(), v));
    }
    compiled.set(key, v);
  }
  return v;
}

/**
 * The fields the API server would add to custom resources by defaulting: each `path=value`. GitOps tools
 * (Argo CD, Flux) show such fields as drift, so this library writes them explicitly; an empty result means
 * the objects are stored exactly as written. Core kinds are not checked (their schemas carry no defaults).
 */
export function defaultedFields(objects: any[]): string[] {
  const out: string[] = [];
  const schemas = loadSchemas();
  for (const original of objects) {
    const ks = original && schemas.get(schemaKey(original.apiVersion, original.kind));
    if (!ks?.schema || ks.group === '' || !ks.served) continue;
    const copy = JSON.parse(JSON.stringify(original));
    validatorFor(schemaKey(original.apiVersion, original.kind), ks)(copy);
    const walk = (a: any, b: any, at: string): void => {
      if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return;
      for (const k of Object.keys(b)) {
        if (!(k in a)) out.push(`${describeObject(original)}: ${at}/${k}=${JSON.stringify(b[k])}`);
        else walk(a[k], b[k], `${at}/${k}`);
      }
    };
    walk(original, copy, '');
  }
  return out;
}

/**
 * A copy of an object with the defaults of its schema applied, as the API server stores it (custom kinds with a
 * served schema; other objects come back as they are).
 */
export function withDefaults(original: any): any {
  const copy = JSON.parse(JSON.stringify(original));
  const schemas = loadSchemas();
  const ks = copy && schemas.get(schemaKey(copy.apiVersion, copy.kind));
  if (!ks?.schema || ks.group === '' || !ks.served) return copy;
  validatorFor(schemaKey(copy.apiVersion, copy.kind), ks)(copy);
  return copy;
}

/** Describes one object for messages: `Kind namespace/name (apiVersion)`. */
export function describeObject(obj: any): string {
  const md = obj?.metadata ?? {};
  const ns = md.namespace ? `${md.namespace}/` : '';
  return `${obj?.kind ?? '<no kind>'} ${ns}${md.name ?? '<no name>'} (${obj?.apiVersion ?? '<no apiVersion>'})`;
}

/**
 * Validates objects and returns every problem found (empty when all pass). Objects are not modified:
 * defaults are applied to a copy.
 */
export function validateObjects(objects: any[], source?: string): string[] {
  const problems: string[] = [];
  const schemas = loadSchemas();
  const prefix = source ? `${source}: ` : '';
  for (const original of objects) {
    if (original === null || original === undefined) continue;
    const obj = JSON.parse(JSON.stringify(original));
    const where = `${prefix}${describeObject(obj)}`;
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      problems.push(`${where}: apiVersion and kind are required strings`);
      continue;
    }
    const key = schemaKey(obj.apiVersion, obj.kind);
    const ks = schemas.get(key);
    const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
    if (!ks) {
      if (knownGroupKinds().has(`${group}|${obj.kind}`)) {
        const served = [...schemas.values()].filter((s) => s.group === group && s.kind === obj.kind && s.served).map((s) => s.version);
        problems.push(`${where}: apiVersion ${obj.apiVersion} is not served for ${obj.kind} (served: ${served.map((v) => group ? `${group}/${v}` : v).join(', ') || 'none'})`);
      } else {
        problems.push(`${where}: unknown kind: no schema for ${obj.kind} in ${obj.apiVersion}`);
      }
      continue;
    }
    if (!ks.served) {
      const served = [...schemas.values()].filter((s) => s.group === ks.group && s.kind === ks.kind && s.served).map((s) => `${s.group}/${s.version}`);
      problems.push(`${where}: apiVersion ${obj.apiVersion} is not served for ${obj.kind} (served: ${served.join(', ') || 'none'})`);
      continue;
    }
    problems.push(...checkMetadata(obj, ks).map((p) => `${where}: ${p}`));
    if (!ks.schema) {
      problems.push(`${where}: the CRD publishes no schema for ${obj.apiVersion}`);
      continue;
    }
    const validate = validatorFor(key, ks);
    if (!validate(obj)) {
      for (const e of validate.errors ?? []) {
        const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as any).additionalProperty}'`
          : e.keyword === 'enum' ? ` ${JSON.stringify((e.params as any).allowedValues)}` : '';
        problems.push(`${where}: ${e.instancePath || '/'} ${e.message}${extra}`);
      }
    }
    problems.push(...checkCel(obj, ks.celRules).map((p) => `${where}: ${p}`));
  }
  return problems;
}

function checkMetadata(obj: any, ks: KindSchema): string[] {
  const problems: string[] = [];
  const md = obj.metadata;
  if (!md || typeof md !== 'object') return ['metadata is required'];
  const allowed = new Set(['name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences']);
  for (const k of Object.keys(md)) {
    if (!allowed.has(k)) problems.push(`/metadata unknown or server-set field '${k}'`);
  }
  if (typeof md.name !== 'string' || md.name.length === 0) {
    problems.push('/metadata/name is required');
  } else {
    const labelName = LABEL_NAMED_KINDS.has(obj.kind);
    const ok = labelName ? md.name.length <= 63 && DNS1123_LABEL.test(md.name) : md.name.length <= 253 && DNS1123_SUBDOMAIN.test(md.name);
    if (!ok) problems.push(`/metadata/name ${JSON.stringify(md.name)} is not a DNS-1123 ${labelName ? 'label' : 'subdomain'}`);
  }
  if (md.namespace !== undefined) {
    if (!ks.namespaced) {problems.push(`/metadata/namespace is set on cluster-scoped kind ${obj.kind}`);} else if (typeof md.namespace !== 'string' || md.namespace.length > 63 || !DNS1123_LABEL.test(md.namespace)) {
      problems.push(`/metadata/namespace ${JSON.stringify(md.namespace)} is not a DNS-1123 label`);
    }
  }
  for (const field of ['labels', 'annotations']) {
    const m = md[field];
    if (m === undefined) continue;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) { problems.push(`/metadata/${field} must be a map`); continue; }
    for (const [k, v] of Object.entries(m)) {
      if (!validKey(k)) problems.push(`/metadata/${field} key ${JSON.stringify(k)} is not a valid qualified name`);
      if (typeof v !== 'string') problems.push(`/metadata/${field}/${k} must be a string (got ${typeof v})`);
      else if (field === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) problems.push(`/metadata/labels/${k} value ${JSON.stringify(v)} is not a valid label value`);
    }
  }
  return problems;
}

function validKey(k: string): boolean {
  const parts = k.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
  }
  return true;
}

/** The objects a Chart or App synthesizes (an array passes through). */
export function manifestsOf(target: Chart | App | any[]): any[] {
  if (Array.isArray(target)) return target;
  if (target instanceof App) return target.charts.flatMap((c) => c.toJson());
  return Testing.synth(target);
}

/** Parses multi-document YAML files and validates every object in them. */
export function validateYamlFiles(files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    const objs: any[] = [];
    for (const d of docs) {
      if (d.errors.length > 0) problems.push(`${file}: YAML error: ${d.errors[0].message}`);
      const o = d.toJSON();
      if (o !== null && o !== undefined) objs.push(o);
    }
    problems.push(...validateObjects(objs, file));
  }
  return problems;
}

/** Throws an error listing every problem when any object of the Chart/App/array fails validation. */
export function expectValid(target: Chart | App | any[]): void {
  const objs = manifestsOf(target);
  if (objs.length === 0) throw new Error('expectValid: nothing was synthesized');
  const problems = validateObjects(objs);
  if (problems.length > 0) {
    throw new Error(`${problems.length} schema problem(s):\n  ${problems.join('\n  ')}`);
  }
}
