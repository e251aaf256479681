import * as path from 'path';
import { load, LoadedObject } from './load';
import * as k8sSealed from '../imports/bitnami.com';
import * as k8sEso from '../imports/external-secrets.io';
import * as k8sCsi from '../imports/secrets-store.csi.x-k8s.io';
import { ReloaderAnnotations } from '../workloads/reloader';

/** Options of `import`. */
export interface ImportOptions {
  /** Where the generated program expects Secret values: files under `secrets/` (default) or environment variables. */
  readonly secretValues?: 'file' | 'env';
  /** The PEM file of the Sealed Secrets controller certificate the generated program seals with. */
  readonly certificate?: string;
  /** The module the generated program imports the library from. */
  readonly libraryModule?: string;
}

/** What `import` did with each object, for the report. */
export interface ImportEntry {
  readonly resource: string;
  readonly file: string;
  /** The construct the program uses: `eso.ExternalSecret`, `SealedSecret`, `ApiObject`, ... */
  readonly construct: string;
  /** Documented changes between input and output (apiVersion upgrades, Secret -> SealedSecret). */
  readonly notes: string[];
}

export interface ImportResult {
  readonly program: string;
  readonly entries: ImportEntry[];
  readonly errors: string[];
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Annotation keys the library names: written as `[ReloaderAnnotations.X]` so the program uses the library's spelling. */
const NAMED_KEYS: { [key: string]: string } = Object.fromEntries(Object.entries(ReloaderAnnotations)
  .filter(([, v]) => typeof v === 'string').map(([k, v]) => [v as string, `[ReloaderAnnotations.${k}]`]));
let namedKeysUsed = false;

/** A value as a TypeScript literal, formatted with two-space indentation (the style of the rest of the code). */
export function literal(v: any, indent = ''): string {
  const next = `${indent}  `;
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${next}${literal(x, next)},`).join('\n')}\n${indent}]`;
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) return '{}';
    const keyOf = (k: string) => {
      if (NAMED_KEYS[k]) { namedKeysUsed = true; return NAMED_KEYS[k]; }
      return IDENT.test(k) ? k : quote(k);
    };
    return `{\n${keys.map((k) => `${next}${keyOf(k)}: ${literal(v[k], next)},`).join('\n')}\n${indent}}`;
  }
  return 'undefined';
}

function quote(s: string): string {
  if (s.includes('\n')) return `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

/** The library's typed L1 for a kind, with the apiVersion it emits (served versions only). */
interface Typed { ns: string; cls: string; apiVersion: string; specType: string; toJson: (props: any) => any }
const TYPED: { [groupKind: string]: Typed } = {
  'external-secrets.io/ExternalSecret': { ns: 'eso', cls: 'ExternalSecret', apiVersion: 'external-secrets.io/v1', specType: 'ExternalSecretSpec', toJson: k8sEso.toJson_ExternalSecretProps },
  'external-secrets.io/SecretStore': { ns: 'eso', cls: 'SecretStore', apiVersion: 'external-secrets.io/v1', specType: 'SecretStoreSpec', toJson: k8sEso.toJson_SecretStoreProps },
  'external-secrets.io/ClusterSecretStore': { ns: 'eso', cls: 'ClusterSecretStore', apiVersion: 'external-secrets.io/v1', specType: 'ClusterSecretStoreSpec', toJson: k8sEso.toJson_ClusterSecretStoreProps },
  'external-secrets.io/ClusterExternalSecret': { ns: 'eso', cls: 'ClusterExternalSecret', apiVersion: 'external-secrets.io/v1', specType: 'ClusterExternalSecretSpec', toJson: k8sEso.toJson_ClusterExternalSecretProps },
  'external-secrets.io/PushSecret': { ns: 'eso', cls: 'PushSecret', apiVersion: 'external-secrets.io/v1alpha1', specType: 'PushSecretSpec', toJson: k8sEso.toJson_PushSecretProps },
  'bitnami.com/SealedSecret': { ns: 'sealed', cls: 'SealedSecret', apiVersion: 'bitnami.com/v1alpha1', specType: 'SealedSecretSpec', toJson: k8sSealed.toJson_SealedSecretProps },
  'secrets-store.csi.x-k8s.io/SecretProviderClass': { ns: 'csi', cls: 'SecretProviderClass', apiVersion: 'secrets-store.csi.x-k8s.io/v1', specType: 'SecretProviderClassSpec', toJson: k8sCsi.toJson_SecretProviderClassProps },
};

/**
 * The typed classes' props are named as the CRD fields, except where the code generator re-cased them
 * (`accessKeyIDSecretRef` -> `accessKeyIdSecretRef`). Runs the class's own JSON renderer over the input through a
 * proxy that answers a re-cased name with the field of the same letters, and returns the input with those keys
 * renamed: props that render back to exactly the input. Undefined when fields would be lost (not in the schema).
 */
function toTypedProps(typed: Typed, json: any): any | undefined {
  const renames = new Map<object, Map<string, string>>();
  const wrap = (v: any): any => (v !== null && typeof v === 'object' ? new Proxy(v, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && !Array.isArray(target) && !(prop in target)) {
        const k = Object.keys(target).find((x) => x.toLowerCase() === prop.toLowerCase());
        if (k !== undefined) {
          if (!renames.has(target)) renames.set(target, new Map());
          renames.get(target)!.set(k, prop);
          return wrap(target[k]);
        }
      }
      return wrap(Reflect.get(target, prop, receiver));
    },
  }) : v);
  const rendered = typed.toJson(wrap(json));
  const rename = (v: any): any => {
    if (Array.isArray(v)) return v.map(rename);
    if (v === null || typeof v !== 'object') return v;
    const r = renames.get(v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [r?.get(k) ?? k, rename(x)]));
  };
  const props = rename(json);
  return JSON.stringify(canonical(rendered)) === JSON.stringify(canonical(json)) ? props : undefined;
}

function canonical(v: any): any {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => [k, canonical(v[k])]));
}

function describe(o: any): string {
  const md = o?.metadata ?? {};
  return `${o?.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '?'}`;
}

function constructId(o: any, used: Set<string>): string {
  const md = o.metadata ?? {};
  const base = [o.kind, md.namespace, md.name].filter((x) => typeof x === 'string' && x.length > 0).join('-').replace(/[^A-Za-z0-9-]/g, '-');
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
  used.add(id);
  return id;
}

/** Metadata worth keeping in code: drops server-side fields (uid, resourceVersion, managedFields, status, ...). */
function cleanMetadata(md: any): any {
  const out: any = {};
  for (const k of ['name', 'namespace', 'labels', 'annotations', 'finalizers']) {
    if (md?.[k] !== undefined) out[k] = md[k];
  }
  if (out.annotations) {
    const a = { ...out.annotations };
    delete a['kubectl.kubernetes.io/last-applied-configuration'];
    out.annotations = Object.keys(a).length > 0 ? a : undefined;
  }
  return out;
}

const envName = (...parts: string[]) => parts.join('_').toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^([0-9])/, '_$1');

/**
 * Turns existing manifests into a TypeScript program that uses this library: ESO (v1beta1 becomes v1), Sealed
 * Secrets, SecretProviderClass (v1alpha1 becomes v1) through the library's typed classes; a `Secret` with data
 * becomes a {@link SealedSecret} whose values come from files or environment variables (never copied into the code);
 * everything else (VSO objects, Reloader-annotated workloads, RBAC) is kept as it is.
 */
export function importManifests(paths: string[], opts: ImportOptions = {}): ImportResult {
  const loaded = load(paths);
  namedKeysUsed = false;
  const entries: ImportEntry[] = [];
  const used = new Set<string>();
  const body: string[] = [];
  const libs = new Set<string>();
  let usesApiObject = false;
  let usesSealing = false;
  const objects: LoadedObject[] = loaded.objects;
  for (const { object: o, file } of objects) {
    const [group, version] = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/') : ['', String(o.apiVersion)];
    const typed = TYPED[`${group}/${o.kind}`];
    const id = constructId(o, used);
    const metadata = cleanMetadata(o.metadata);
    const notes: string[] = [];
    const rest = Object.fromEntries(Object.entries(o).filter(([k]) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k)));
    const props = typed ? toTypedProps(typed, { metadata, ...rest }) : undefined;
    if (typed && props) {
      if (typed.apiVersion !== o.apiVersion) notes.push(`apiVersion ${o.apiVersion} -> ${typed.apiVersion}`);
      libs.add(typed.ns);
      const lines = [`new ${typed.ns}.${typed.cls}(chart, ${quote(id)}, {`, `  metadata: ${literal(props.metadata, '  ')},`];
      for (const [k, v] of Object.entries(props).filter(([x]) => x !== 'metadata')) {
        lines.push(k === 'spec' ? `  spec: ${literal(v, '  ')} as ${typed.ns}.${typed.specType},` : `  ${k}: ${literal(v, '  ')},`);
      }
      lines.push('});');
      if (notes.length > 0) body.push(`// ${describe(o)}: ${notes.join('; ')} (the served version)`);
      body.push(...lines, '');
      entries.push({ resource: describe(o), file, construct: `${typed.ns}.${typed.cls}`, notes });
      continue;
    }
    if (o.apiVersion === 'v1' && o.kind === 'Secret' && (Object.keys(o.data ?? {}).length + Object.keys(o.stringData ?? {}).length > 0)) {
      usesSealing = true;
      const keys = [...new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})])].sort();
      const ns = metadata.namespace ?? 'default';
      const values = keys.map((k) => {
        const source = opts.secretValues === 'env'
          ? `SealedValue.fromEnvironmentVariable(${quote(envName(ns, metadata.name, k))})`
          : `SealedValue.fromFile(${quote(`secrets/${ns}/${metadata.name}/${k}`)})`;
        return `    ${IDENT.test(k) ? k : quote(k)}: ${source},`;
      });
      notes.push('Secret -> SealedSecret: values are not copied; the program reads them at synth time and seals them');
      body.push(
        `// ${describe(o)}: its ${keys.length} value(s) were NOT copied into this program. ${opts.secretValues === 'env'
          ? 'Export the environment variables below'
          : `Write each value into the file named below (exact bytes${o.data ? '; base64-decode `data` values' : ''})`} before synth;`,
        '// the output is a SealedSecret (sealed with the controller certificate), never the plaintext.',
        `new SealedSecret(chart, ${quote(id)}, {`,
        `  name: ${quote(metadata.name)},`,
        ...(metadata.namespace ? [`  namespace: ${quote(metadata.namespace)},`] : []),
        '  certificate,',
        ...(o.type && o.type !== 'Opaque' ? [`  type: ${quote(o.type)},`] : []),
        ...(metadata.labels ? [`  labels: ${literal(metadata.labels, '  ')},`] : []),
        ...(metadata.annotations ? [`  annotations: ${literal(metadata.annotations, '  ')},`] : []),
        ...(o.immutable === true ? ['  immutable: true,'] : []),
        '  values: {',
        ...values,
        '  },',
        '});',
        '',
      );
      entries.push({ resource: describe(o), file, construct: 'SealedSecret', notes });
      continue;
    }
    usesApiObject = true;
    // A typed kind whose input has fields the served schema lacks: keep every field (upgraded apiVersion), say so.
    const apiVersion = typed ? typed.apiVersion : o.apiVersion;
    if (typed) notes.push(`fields outside the ${typed.apiVersion} schema: kept as written in an ApiObject${apiVersion !== o.apiVersion ? `; apiVersion ${o.apiVersion} -> ${apiVersion}` : ''}`);
    else if (group === 'external-secrets.io' && version !== 'v1') notes.push(`no typed class for ${o.apiVersion} ${o.kind}: kept as it is`);
    if (notes.length > 0) body.push(`// ${describe(o)}: ${notes.join('; ')}`);
    body.push(
      `new ApiObject(chart, ${quote(id)}, ${literal({ apiVersion, kind: o.kind, metadata, ...rest }, '')});`,
      '',
    );
    entries.push({ resource: describe(o), file, construct: 'ApiObject', notes });
  }

  const lib = opts.libraryModule ?? 'cdk8s-secrets';
  const libImports = [...[...libs].sort(), ...(namedKeysUsed ? ['ReloaderAnnotations'] : []), ...(usesSealing ? ['SealedSecret', 'SealedValue', 'SealingCertificate'] : [])];
  const sources = [...new Set(objects.map((o) => o.file))].map((f) => path.basename(f)).sort();
  const header = [
    `// Generated by \`cdk8s-secrets import\` from ${sources.length} file(s): ${sources.join(', ')}.`,
    '// Review it, then run it with ts-node (or cdk8s synth) to write the manifests to dist/.',
    `import { ${usesApiObject ? 'ApiObject, ' : ''}App, Chart } from 'cdk8s';`,
    ...(libImports.length > 0 ? [`import { ${libImports.join(', ')} } from '${lib}';`] : []),
    '',
    "const app = new App({ outdir: 'dist' });",
    "const chart = new Chart(app, 'imported', { disableResourceNameHashes: true });",
    ...(usesSealing ? [
      '// The Sealed Secrets controller certificate (kubeseal --fetch-cert > sealed-secrets-cert.pem).',
      `const certificate = SealingCertificate.fromPemFile(${quote(opts.certificate ?? 'sealed-secrets-cert.pem')});`,
    ] : []),
    '',
  ];
  const program = [...header, ...body, 'app.synth();', ''].join('\n');
  return { program, entries, errors: loaded.errors };
}
