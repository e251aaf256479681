import * as path from 'path';
import { load, LoadedObject } from './load';

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
    return `{\n${keys.map((k) => `${next}${IDENT.test(k) ? k : quote(k)}: ${literal(v[k], next)},`).join('\n')}\n${indent}}`;
  }
  return 'undefined';
}

function quote(s: string): string {
  if (s.includes('\n')) return `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

/** The library's typed L1 for a kind, with the apiVersion it emits (served versions only). */
const TYPED: { [groupKind: string]: { ns: string; cls: string; apiVersion: string; specType?: string } } = {
  'external-secrets.io/ExternalSecret': { ns: 'eso', cls: 'ExternalSecret', apiVersion: 'external-secrets.io/v1', specType: 'ExternalSecretSpec' },
  'external-secrets.io/SecretStore': { ns: 'eso', cls: 'SecretStore', apiVersion: 'external-secrets.io/v1', specType: 'SecretStoreSpec' },
  'external-secrets.io/ClusterSecretStore': { ns: 'eso', cls: 'ClusterSecretStore', apiVersion: 'external-secrets.io/v1', specType: 'ClusterSecretStoreSpec' },
  'external-secrets.io/ClusterExternalSecret': { ns: 'eso', cls: 'ClusterExternalSecret', apiVersion: 'external-secrets.io/v1', specType: 'ClusterExternalSecretSpec' },
  'external-secrets.io/PushSecret': { ns: 'eso', cls: 'PushSecret', apiVersion: 'external-secrets.io/v1alpha1', specType: 'PushSecretSpec' },
  'bitnami.com/SealedSecret': { ns: 'sealed', cls: 'SealedSecret', apiVersion: 'bitnami.com/v1alpha1', specType: 'SealedSecretSpec' },
  'secrets-store.csi.x-k8s.io/SecretProviderClass': { ns: 'csi', cls: 'SecretProviderClass', apiVersion: 'secrets-store.csi.x-k8s.io/v1', specType: 'SecretProviderClassSpec' },
};

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
    if (typed) {
      if (typed.apiVersion !== o.apiVersion) notes.push(`apiVersion ${o.apiVersion} -> ${typed.apiVersion}`);
      libs.add(typed.ns);
      const props: any = { metadata };
      const rest = Object.fromEntries(Object.entries(o).filter(([k]) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k)));
      const lines = [`new ${typed.ns}.${typed.cls}(chart, ${quote(id)}, {`, `  metadata: ${literal(props.metadata, '  ')},`];
      for (const [k, v] of Object.entries(rest)) {
        lines.push(k === 'spec' && typed.specType ? `  spec: ${literal(v, '  ')} as ${typed.ns}.${typed.specType},` : `  ${k}: ${literal(v, '  ')},`);
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
          ? `SealedValue.fromEnv(${quote(envName(ns, metadata.name, k))})`
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
    const rest = Object.fromEntries(Object.entries(o).filter(([k]) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k)));
    if (group === 'external-secrets.io' && version !== 'v1') notes.push(`no typed class for ${o.apiVersion} ${o.kind}: kept as it is`);
    body.push(
      `new ApiObject(chart, ${quote(id)}, ${literal({ apiVersion: o.apiVersion, kind: o.kind, metadata, ...rest }, '')});`,
      '',
    );
    entries.push({ resource: describe(o), file, construct: 'ApiObject', notes });
  }

  const lib = opts.libraryModule ?? 'cdk8s-secrets';
  const libImports = [...[...libs].sort(), ...(usesSealing ? ['SealedSecret', 'SealedValue', 'SealingCertificate'] : [])];
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
