import * as fs from 'fs';
import * as path from 'path';
import YAML from 'yaml';
import { cacheEnabled, cacheKey, cachePath, writeCacheEntry } from './cache';
import { upstreamPath } from '../../scripts/upstream';

/** One API version of one kind, with the schema that validates it. */
export interface KindSchema {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Whether the API server serves this version. */
  readonly served: boolean;
  readonly namespaced: boolean;
  /** JSON schema (already prepared for ajv) or undefined when none is published. */
  readonly schema: any;
  /** Where the schema came from (file name). */
  readonly source: string;
  /** CEL rules declared in the CRD schema: JSON-pointer-like path (with `[]` for items) and rule text. */
  readonly celRules: Array<{ path: string; rule: string; message?: string }>;
}

const CRD_FOLDERS = ['external-secrets/bases', 'sealed-secrets', 'secrets-store-csi-driver', 'vault-secrets-operator', 'argo-cd', 'flux'];
const EXTRA_CRD_FILES = ['external-secrets/bundle.yaml'];

/** Cluster-scoped core kinds among those with Kubernetes schemas. */
const CLUSTER_SCOPED_CORE = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'CSIDriver', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService']);

let cache: Map<string, KindSchema> | undefined;

/** key: `<apiVersion>/<kind>` where apiVersion is `group/version` or `version` for the core group. */
export function schemaKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

/** Loads every schema the harness knows: upstream CRDs and the Kubernetes 1.28 schemas. */
export function loadSchemas(): Map<string, KindSchema> {
  if (cache) return cache;
  const { crdFiles, k8sDir, k8sFiles } = schemaFiles();
  // The prepared schemas are kept on disk (cache.ts), keyed by every input file's name and content: parsing the
  // CRD YAML is the slow part, reading and hashing the files is not.
  const inputs = [...crdFiles, ...k8sFiles.map((f) => path.join(k8sDir, f))];
  const file = cacheEnabled()
    ? cachePath(cacheKey('schemas', ...inputs.flatMap((f) => [path.relative(upstreamPath(), f), fs.readFileSync(f)])), 'json')
    : undefined;
  if (file && fs.existsSync(file)) {
    cache = new Map(JSON.parse(fs.readFileSync(file, 'utf8')));
    return cache;
  }
  cache = prepareSchemas(crdFiles, k8sDir, k8sFiles);
  if (file) writeCacheEntry(file, JSON.stringify([...cache]));
  return cache;
}

/** The upstream files the schemas come from (those that exist), in a stable order. */
function schemaFiles(): { crdFiles: string[]; k8sDir: string; k8sFiles: string[] } {
  const crdFiles: string[] = [];
  for (const folder of CRD_FOLDERS) {
    const dir = upstreamPath('crds', folder);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      if (f.endsWith('.yaml') && !f.startsWith('schema-')) crdFiles.push(path.join(dir, f));
    }
  }
  for (const f of EXTRA_CRD_FILES) {
    const file = upstreamPath('crds', f);
    if (fs.existsSync(file)) crdFiles.push(file);
  }
  const k8sDir = upstreamPath('k8s-schemas', 'v1.28.4-standalone-strict');
  const k8sFiles = fs.readdirSync(k8sDir).sort().filter((f) => f.endsWith('.json'));
  return { crdFiles, k8sDir, k8sFiles };
}

function prepareSchemas(crdFiles: string[], k8sDir: string, k8sFiles: string[]): Map<string, KindSchema> {
  const out = new Map<string, KindSchema>();
  for (const file of crdFiles) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJSON();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const group = crd.spec.group;
      const kind = crd.spec.names.kind;
      for (const v of crd.spec.versions) {
        const apiVersion = `${group}/${v.name}`;
        const key = schemaKey(apiVersion, kind);
        if (out.has(key)) continue; // bases/ take precedence over the bundle copy
        const raw = v.schema?.openAPIV3Schema;
        const celRules: KindSchema['celRules'] = [];
        out.set(key, {
          group,
          version: v.name,
          kind,
          served: v.served !== false,
          namespaced: crd.spec.scope === 'Namespaced',
          schema: raw ? prepareCrdSchema(raw, '', celRules) : undefined,
          source: path.relative(upstreamPath(), file),
          celRules,
        });
      }
    }
  }

  for (const f of k8sFiles) {
    const schema = JSON.parse(fs.readFileSync(path.join(k8sDir, f), 'utf8'));
    delete schema.$schema;
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      out.set(schemaKey(apiVersion, gvk.kind), {
        group: gvk.group,
        version: gvk.version,
        kind: gvk.kind,
        served: true,
        namespaced: !CLUSTER_SCOPED_CORE.has(gvk.kind),
        schema,
        source: path.relative(upstreamPath(), path.join(k8sDir, f)),
        celRules: [],
      });
    }
  }
  return out;
}

/** All (group, kind) pairs known, to tell "unserved version" from "unknown kind". */
export function knownGroupKinds(): Set<string> {
  const s = new Set<string>();
  for (const k of loadSchemas().values()) s.add(`${k.group}|${k.kind}`);
  return s;
}

/**
 * Turns a structural OpenAPI v3 CRD schema into what ajv checks the way the API server does with strict
 * field validation: unknown fields are rejected (objects with properties get additionalProperties:false
 * unless x-kubernetes-preserve-unknown-fields), int-or-string becomes anyOf, and CEL rules are collected.
 */
function prepareCrdSchema(node: any, at: string, cel: KindSchema['celRules']): any {
  if (Array.isArray(node)) return node.map((n) => prepareCrdSchema(n, at, cel));
  if (node === null || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'x-kubernetes-validations') {
      for (const r of v as any[]) cel.push({ path: at || '/', rule: r.rule, message: r.message });
      continue;
    }
    if (k.startsWith('x-kubernetes-') && k !== 'x-kubernetes-preserve-unknown-fields' && k !== 'x-kubernetes-int-or-string') continue;
    if (k === 'properties') {
      out.properties = {};
      for (const [p, s] of Object.entries(v as any)) out.properties[p] = prepareCrdSchema(s, `${at}/${p}`, cel);
    } else if (k === 'items') {
      out.items = prepareCrdSchema(v, `${at}[]`, cel);
    } else if (k === 'additionalProperties' && typeof v === 'object') {
      out.additionalProperties = prepareCrdSchema(v, `${at}/*`, cel);
    } else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf') {
      out[k] = (v as any[]).map((s) => prepareCrdSchema(s, at, cel));
    } else if (k === 'description') {
      continue;
    } else {
      out[k] = v;
    }
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out['x-kubernetes-int-or-string'];
    delete out.type;
    const anyOf = out.anyOf ?? [{ type: 'integer' }, { type: 'string' }];
    delete out.anyOf;
    out.anyOf = anyOf;
  }
  const preserve = out['x-kubernetes-preserve-unknown-fields'] === true;
  delete out['x-kubernetes-preserve-unknown-fields'];
  if (out.properties && out.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  if (at === '') {
    // metadata is checked by the metadata rules; the root may carry apiVersion/kind/metadata/spec/status only.
    out.properties = { ...out.properties, metadata: { type: 'object' } };
  }
  return out;
}
