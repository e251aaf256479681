import * as path from 'path';
import { PatchOp, canonical, diff, goDurationMillis, l1Patch, literal, propertyKey, quote, sameJson } from './import-code';
import { EMITTERS, EmitContext, Emitted, Fallback, emitOrder } from './import-emit';
import { load } from './load';
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
  /** The construct the program uses: `ExternalSecret`, `VaultStaticSecret`, `SealedSecret`, `ApiObject`, ... */
  readonly construct: string;
  /**
   * How the object is written: `construct` (the library's construct reproduces it), `escape-hatch` (the construct,
   * plus patches for the fields it does not model), `api-object` (a plain ApiObject, with the reason in the program),
   * `sealed` (a plain Secret turned into a SealedSecret).
   */
  readonly mode: 'construct' | 'escape-hatch' | 'api-object' | 'sealed';
  /** The JSON pointers the escape hatch writes (mode `escape-hatch`). */
  readonly patched: string[];
  /** Documented changes between input and output (apiVersion upgrades, explicit defaults, Secret -> SealedSecret). */
  readonly notes: string[];
}

export interface ImportResult {
  readonly program: string;
  readonly entries: ImportEntry[];
  readonly errors: string[];
}

/** Annotation keys the library names: written as `[ReloaderAnnotations.X]` so the program uses the library's spelling. */
const NAMED_KEYS: { [key: string]: string } = Object.fromEntries(Object.entries(ReloaderAnnotations)
  .filter(([, v]) => typeof v === 'string').map(([k, v]) => [v as string, `[ReloaderAnnotations.${k}]`]));

/** The served apiVersions import writes (the documented upgrades). */
const UPGRADES: { [apiVersion: string]: string } = {
  'external-secrets.io/v1beta1': 'external-secrets.io/v1',
  'secrets-store.csi.x-k8s.io/v1alpha1': 'secrets-store.csi.x-k8s.io/v1',
};

/**
 * Fields the library's constructs write although an input without them means the same: the API server fills them in
 * (a schema default), or the operator assumes that value when the field is omitted (documented in the CRD, or the Go
 * zero value). Written explicitly so GitOps tools see no drift. `path` is a JSON pointer pattern.
 */
const EXPLICIT_DEFAULTS: Array<{ kinds: string[]; path: RegExp; value: any }> = [
  ...['', '/externalSecretSpec'].flatMap((at) => [
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/target/creationPolicy$`), value: 'Owner' },
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/target/deletionPolicy$`), value: 'Retain' },
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/(data/\\d+/remoteRef|dataFrom/\\d+/(extract|find))/conversionStrategy$`), value: 'Default' },
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/(data/\\d+/remoteRef|dataFrom/\\d+/(extract|find))/decodingStrategy$`), value: 'None' },
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/(data/\\d+/remoteRef|dataFrom/\\d+/extract)/metadataPolicy$`), value: 'None' },
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/target/template/engineVersion$`), value: 'v2' },
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/target/template/mergePolicy$`), value: 'Replace' },
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/target/template/type$`), value: 'Opaque' },
    { kinds: ['ExternalSecret', 'ClusterExternalSecret'], path: new RegExp(`^/spec${at}/refreshInterval$`), value: '1h' },
  ]),
  { kinds: ['SecretStore', 'ClusterSecretStore'], path: /^\/spec\/provider\/aws\/sessionTagsPolicy$/, value: 'None' },
  { kinds: ['SecretStore', 'ClusterSecretStore'], path: /^\/spec\/provider\/vault\/version$/, value: 'v2' },
  { kinds: ['SecretStore', 'ClusterSecretStore'], path: /^\/spec\/provider\/vault\/auth\/kubernetes\/mountPath$/, value: 'kubernetes' },
  { kinds: ['PushSecret'], path: /^\/spec\/data\/\d+\/conversionStrategy$/, value: 'None' },
  { kinds: ['PushSecret'], path: /^\/spec\/updatePolicy$/, value: 'Replace' },
  { kinds: ['PushSecret'], path: /^\/spec\/deletionPolicy$/, value: 'None' },
  { kinds: ['PushSecret'], path: /^\/spec\/refreshInterval$/, value: '1h' },
  { kinds: ['VaultConnection'], path: /^\/spec\/skipTLSVerify$/, value: false },
  { kinds: ['VaultAuth'], path: /^\/spec\/(kubernetes|jwt)\/tokenExpirationSeconds$/, value: 600 },
  { kinds: ['VaultStaticSecret'], path: /^\/spec\/hmacSecretData$/, value: true },
  { kinds: ['VaultDynamicSecret'], path: /^\/spec\/renewalPercent$/, value: 67 },
  { kinds: ['VaultDynamicSecret', 'VaultPKISecret'], path: /^\/spec\/revoke$/, value: false },
  { kinds: ['VaultPKISecret'], path: /^\/spec\/clear$/, value: false },
  { kinds: ['VaultStaticSecret', 'VaultDynamicSecret', 'VaultPKISecret'], path: /^\/spec\/destination\/overwrite$/, value: false },
  { kinds: ['SecretProviderClass'], path: /^\/spec\/secretObjects\/\d+\/type$/, value: 'Opaque' },
  { kinds: ['Deployment'], path: /^\/spec\/progressDeadlineSeconds$/, value: 600 },
  { kinds: ['Deployment'], path: /^\/spec\/replicas$/, value: 1 },
  { kinds: ['Deployment'], path: /^\/spec\/strategy$/, value: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' } },
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'], path: /^\/spec\/template\/spec\/dnsPolicy$/, value: 'ClusterFirst' },
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet'], path: /^\/spec\/template\/spec\/restartPolicy$/, value: 'Always' },
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'], path: /^\/spec\/template\/spec\/terminationGracePeriodSeconds$/, value: 30 },
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'], path: /^\/spec\/template\/spec\/setHostnameAsFQDN$/, value: false },
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'], path: /^\/spec\/template\/spec\/volumes\/\d+\/secret\/defaultMode$/, value: 420 },
];

/** Whether an operation between what the construct writes and the input is a documented upgrade; the note, if so. */
function upgradeNote(kind: string, op: PatchOp, got: any): string | undefined {
  const at = (p: string) => p.split('/').slice(1).reduce((v, k) => (v === undefined ? v : v[k.replace(/~1/g, '/').replace(/~0/g, '~')]), got);
  if (op.op === 'remove') {
    const value = at(op.path);
    if (EXPLICIT_DEFAULTS.some((d) => d.kinds.includes(kind) && d.path.test(op.path) && sameJson(d.value, value))) return `${op.path}: ${JSON.stringify(value)} written explicitly (the value used when omitted)`;
    if (op.path.startsWith('/metadata/annotations/suppress.cdk8s-secrets.io~1')) return `${op.path}: suppression carried over`;
    if (WORKLOAD_KINDS.has(kind) && /^\/metadata\/annotations\/(reloader\.stakater\.com~1auto|secret\.reloader\.stakater\.com~1reload|secretproviderclass\.reloader\.stakater\.com~1(reload|auto)|secrets\.exclude\.reloader\.stakater\.com~1reload)$/.test(op.path)) {
      return `${op.path.slice('/metadata/annotations/'.length).replace(/~1/g, '/')}: ${JSON.stringify(value)} derived by SecretConsumer from what the workload consumes`;
    }
    if (WORKLOAD_KINDS.has(kind) && /^\/spec\/template\/spec\/containers\/\d+\/imagePullPolicy$/.test(op.path)) {
      return `${op.path}: ${JSON.stringify(value)} written explicitly (the value used when omitted, for this image)`;
    }
    const ms = goDurationMillis(value);
    if (ms !== undefined && EXPLICIT_DEFAULTS.some((d) => d.kinds.includes(kind) && d.path.test(op.path) && ms === goDurationMillis(d.value))) {
      return `${op.path}: ${JSON.stringify(value)} written explicitly (the value used when omitted)`;
    }
  }
  if (op.op === 'replace') {
    const value = at(op.path);
    const a = goDurationMillis(value);
    if (a !== undefined && a === goDurationMillis(op.value)) return `${op.path}: ${JSON.stringify(op.value)} written as ${JSON.stringify(value)}`;
    if (kind === 'SecretProviderClass' && op.path === '/spec/parameters/objects' && sameYaml(value, op.value)) return `${op.path}: the same objects, re-serialized`;
  }
  return undefined;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

/**
 * A workload written through SecretConsumer names its Secret volumes itself (`secret-<name>`, `csi-<class>`) and adds
 * volumes, mounts and variables in the order it consumes them: both are documented upgrades. Returns `got` with the
 * volumes named as in the input, and `want` in `got`'s order, so the comparison (and the patches, whose paths index
 * into what the program writes) sees only real differences.
 */
function alignWorkload(got: any, want: any): { got: any; want: any; notes: string[] } {
  if (!WORKLOAD_KINDS.has(want?.kind)) return { got, want, notes: [] };
  const g = JSON.parse(JSON.stringify(got));
  const w = JSON.parse(JSON.stringify(want));
  const gp = g.spec?.template?.spec;
  const wp = w.spec?.template?.spec;
  if (!gp || !wp) return { got, want, notes: [] };
  const notes: string[] = [];
  const source = (v: any) => (v?.secret ? `secret:${v.secret.secretName}` : v?.csi ? `csi:${v.csi.volumeAttributes?.secretProviderClass}` : undefined);
  const renames = new Map<string, string>();
  for (const v of gp.volumes ?? []) {
    const match = (wp.volumes ?? []).find((x: any) => source(x) !== undefined && source(x) === source(v));
    if (match && match.name !== v.name) {
      renames.set(v.name, match.name);
      notes.push(`volume "${match.name}" is named "${v.name}" (SecretConsumer names the volumes it adds)`);
      v.name = match.name;
    }
  }
  const order = (ws: any[] | undefined, gs: any[] | undefined, key: (x: any) => string) => {
    if (!Array.isArray(ws) || !Array.isArray(gs)) return ws;
    const pos = (x: any) => { const i = gs.findIndex((y) => key(y) === key(x)); return i < 0 ? gs.length : i; };
    return [...ws].sort((a, b) => pos(a) - pos(b));
  };
  wp.volumes = order(wp.volumes, gp.volumes, (x) => x.name);
  (gp.containers ?? []).forEach((c: any, i: number) => {
    for (const m of c.volumeMounts ?? []) if (renames.has(m.name)) m.name = renames.get(m.name);
    const wc = (wp.containers ?? [])[i];
    if (!wc) return;
    wc.volumeMounts = order(wc.volumeMounts, c.volumeMounts, (x) => `${x.name}:${x.mountPath}`);
    wc.env = order(wc.env, c.env, (x) => x.name);
    wc.envFrom = order(wc.envFrom, c.envFrom, (x) => JSON.stringify(x));
  });
  for (const k of ['volumes']) if (wp[k] === undefined) delete wp[k];
  return { got: g, want: w, notes };
}

/** The upgrade notes, with the explicit defaults listed in one note. */
function summarizeUpgrades(notes: string[]): string[] {
  const defaults: string[] = [];
  const rest: string[] = [];
  for (const n of notes) {
    const m = /^(\S+): .* written explicitly \(the value used when omitted(, for this image)?\)$/.exec(n);
    if (m) defaults.push(m[1]);
    else rest.push(n);
  }
  return [...rest, ...(defaults.length > 0 ? [`defaults written explicitly: ${defaults.join(', ')}`] : [])];
}

function sameYaml(a: any, b: any): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml');
    return sameJson(YAML.parse(String(a)), YAML.parse(String(b)));
  } catch {
    return false;
  }
}

function describe(o: any): string {
  const md = o?.metadata ?? {};
  return `${o?.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '?'}`;
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

/** What the program must give back for an input object: the served apiVersion, its metadata without server fields, no status. */
function expectedOutput(o: any): any {
  const apiVersion = UPGRADES[o.apiVersion] ?? o.apiVersion;
  const rest = Object.fromEntries(Object.entries(o).filter(([k]) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k)));
  return JSON.parse(JSON.stringify({ apiVersion, kind: o.kind, metadata: cleanMetadata(o.metadata), ...rest }));
}

/**
 * The differences between an object a generated program wrote and the input object it was imported from, apart from
 * the documented upgrades (served apiVersions, explicit API-server defaults, re-serialized SecretProviderClass objects,
 * Go durations written another way, volume names and order under SecretConsumer, derived Reloader wiring, carried-over
 * suppressions). Empty when the program reproduces the input. (Not for a Secret the program turned into a SealedSecret.)
 */
export function compareWithInput(output: any, input: any): PatchOp[] {
  const want = expectedOutput(input);
  if (output === undefined || output === null) return [{ op: 'add', path: '', value: want }];
  return remaining(want, canonical(output));
}

/** The operations between what the program wrote and what it must give back that are not documented upgrades. */
function remaining(want: any, got: any): PatchOp[] {
  const aligned = alignWorkload(got, want);
  return perKey(diff(aligned.got, aligned.want), aligned.got).filter((op) => !upgradeNote(want.kind, op, aligned.got));
}

/** A removal of a whole label or annotation map, as one removal per key (each may be an upgrade on its own). */
function perKey(ops: PatchOp[], got: any): PatchOp[] {
  return ops.flatMap((op) => {
    const m = /^\/metadata\/(labels|annotations)$/.exec(op.path);
    if (op.op !== 'remove' || !m) return [op];
    return Object.keys(got.metadata?.[m[1]] ?? {}).map((k) => ({ op: 'remove' as const, path: `${op.path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}` }));
  });
}

const envName = (...parts: string[]) => parts.join('_').toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^([0-9])/, '_$1');

const camel = (...words: string[]) => {
  const parts = words.join(' ').split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  const s = parts.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return /^[0-9]/.test(s) ? `_${s}` : s || 'object';
};

/** One object of the input, and how it is written. */
interface Item {
  readonly index: number;
  readonly file: string;
  /** The object as the program must give it back: cleaned metadata, no status, served apiVersion. */
  readonly want: any;
  readonly resource: string;
  readonly notes: string[];
}

interface Block {
  readonly item: Item;
  readonly construct: string;
  readonly mode: ImportEntry['mode'];
  /** Statements, without the escape hatch. */
  readonly lines: string[];
  readonly variable: string;
  readonly apiObject: string;
  /** Whether the in-process run of the program creates it (a Secret sealed from files is not run). */
  readonly evaluated: boolean;
  readonly notes: string[];
  /** Whether patches are written in the generated L1's prop spelling (cdk8s-plus workloads). */
  readonly l1Keys?: boolean;
}

/** What the emitters were told to do differently on the next round. */
interface Plan {
  readonly fallback: Map<number, string>;
  readonly patches: Map<number, PatchOp[]>;
  readonly upgrades: Map<number, string[]>;
  readonly suppressions: Map<number, Array<{ ruleId: string; reason: string }>>;
}

interface Generated {
  readonly program: string;
  /** The program's body as JavaScript for the in-process run (no imports, no synth). */
  readonly evalSource: string;
  readonly blocks: Block[];
}

/**
 * Turns existing manifests into a TypeScript program that uses this library's constructs (ESO v1beta1 becomes v1,
 * SecretProviderClass v1alpha1 becomes v1): every object the constructs can express is written as the construct
 * (plus an escape hatch for fields it does not model), the rest as `ApiObject`s with the reason in a comment, and a
 * `Secret` with data as a `SealedSecret` whose values come from files or environment variables (never copied
 * into the code). The program runs in a `SecretsApp`, so the posture checks and the token scan run on it; findings
 * the input already had are carried over as suppressions that say so.
 *
 * Before the program is returned, it is run in-process and every object it writes is compared with the input: what
 * differs beyond the documented upgrades is patched, and what a construct refuses falls back to an `ApiObject`.
 */
export function importManifests(paths: string[], opts: ImportOptions = {}): ImportResult {
  const loaded = load(paths);
  const items: Item[] = loaded.objects.map(({ object: o, file }, index) => {
    const notes: string[] = [];
    const want = expectedOutput(o);
    if (want.apiVersion !== o.apiVersion) notes.push(`apiVersion ${o.apiVersion} -> ${want.apiVersion}`);
    return { index, file, want, resource: describe(o), notes };
  });
  const plan: Plan = { fallback: new Map(), patches: new Map(), upgrades: new Map(), suppressions: new Map() };
  const sources = [...new Set(loaded.objects.map((o) => o.file))].map((f) => path.basename(f)).sort();

  let gen = generate(items, plan, opts, sources);
  const evaluator = loaded.errors.length === 0 ? new Evaluator() : undefined;
  if (evaluator) {
    // Round 1: constructs that refuse their input fall back to ApiObject, one at a time (a store that falls back changes
    // how the ExternalSecrets reading through it are written).
    for (;;) {
      const first = evaluator.run(gen);
      if (!first.failure) break;
      if (plan.fallback.has(first.failure.index)) evaluator.fail(items[first.failure.index], first.failure.message);
      plan.fallback.set(first.failure.index, first.failure.message);
      gen = generate(items, plan, opts, sources);
    }
    // Round 2: what the constructs write differently is either a documented upgrade or patched back.
    let run = evaluator.mustRun(gen, items);
    for (const b of gen.blocks) {
      const got = run.objects.get(b.item.index);
      if (b.mode === 'api-object' || !got) continue;
      const aligned = alignWorkload(got, b.item.want);
      const ops = perKey(diff(aligned.got, aligned.want), aligned.got);
      const patches: PatchOp[] = [];
      const upgrades: string[] = [...aligned.notes];
      for (const op of ops) {
        const note = upgradeNote(b.item.want.kind, op, got);
        if (note) upgrades.push(note);
        else patches.push(op);
      }
      if (patches.length > 0) plan.patches.set(b.item.index, patches);
      plan.upgrades.set(b.item.index, summarizeUpgrades(upgrades));
    }
    gen = generate(items, plan, opts, sources);
    // Round 3: the posture findings the input already has are carried over as suppressions with the finding as the reason.
    run = evaluator.mustRun(gen, items);
    for (const f of run.findings) {
      const b = gen.blocks.find((x) => x.item.resource === f.resource);
      if (!b) continue;
      const list = plan.suppressions.get(b.item.index) ?? [];
      if (!list.some((s) => s.ruleId === f.ruleId)) list.push({ ruleId: f.ruleId, reason: `carried over by cdk8s-secrets import: ${f.message}` });
      plan.suppressions.set(b.item.index, list);
    }
    gen = generate(items, plan, opts, sources);
    // Verification: every object the program writes is the input, apart from the documented upgrades. A construct whose
    // escape hatch cannot write a field (a generated L1 class leaves out what its schema does not have) falls back to an
    // ApiObject, which writes it as it is.
    for (;;) {
      run = evaluator.mustRun(gen, items);
      const missed = gen.blocks.map((b) => {
        const got = run.objects.get(b.item.index);
        if (!got || b.mode === 'sealed') return undefined;
        const left = remaining(b.item.want, got);
        return left.length > 0 ? { b, left } : undefined;
      }).find((x) => x !== undefined);
      if (!missed) break;
      if (missed.b.mode === 'api-object') evaluator.fail(missed.b.item, `it differs in ${missed.left.map((op) => op.path).join(', ')}`);
      plan.fallback.set(missed.b.item.index, `${missed.b.construct} cannot write ${missed.left.map((op) => op.path || '/').join(', ')} (outside the schema it renders)`);
      gen = generate(items, plan, opts, sources);
    }
  }
  const entries: ImportEntry[] = gen.blocks.map((b) => ({
    resource: b.item.resource,
    file: b.item.file,
    construct: b.construct,
    mode: b.mode === 'construct' && (plan.patches.get(b.item.index)?.length ?? 0) > 0 ? 'escape-hatch' : b.mode,
    patched: b.mode === 'construct' ? (plan.patches.get(b.item.index) ?? []).map((p) => p.path) : [],
    notes: [...b.item.notes, ...b.notes, ...(plan.upgrades.get(b.item.index) ?? [])],
  }));
  const position = (e: ImportEntry) => items.findIndex((i) => i.resource === e.resource && i.file === e.file);
  entries.sort((a, b) => position(a) - position(b));
  return { program: gen.program, entries, errors: loaded.errors };
}

function generate(items: Item[], plan: Plan, opts: ImportOptions, sources: string[]): Generated {
  const ids = new Set<string>();
  const vars = new Set<string>(['app', 'cluster', 'chart', 'certificate']);
  const ctx: EmitContext = {
    lib: new Set(['ClusterTarget', 'SecretsApp']),
    cdk8s: new Set(),
    l2: new Map(),
    produced: new Map(),
    id: (base) => {
      const clean = base.replace(/[^A-Za-z0-9-]/g, '-');
      let id = clean;
      for (let i = 2; ids.has(id); i++) id = `${clean}-${i}`;
      ids.add(id);
      return id;
    },
    variable: (...words) => {
      const base = camel(...words);
      let v = base;
      for (let i = 2; vars.has(v); i++) v = `${base}${i}`;
      vars.add(v);
      return v;
    },
  };
  const keyExpr = (k: string) => {
    if (NAMED_KEYS[k]) { ctx.lib.add('ReloaderAnnotations'); return NAMED_KEYS[k].slice(1, -1); }
    return quote(k);
  };
  const keyOf = (k: string) => {
    if (NAMED_KEYS[k]) { ctx.lib.add('ReloaderAnnotations'); return NAMED_KEYS[k]; }
    return propertyKey(k);
  };
  let usesSealing = false;
  const blocks: Block[] = [];
  const ordered = [...items].sort((a, b) => emitOrder(a.want) - emitOrder(b.want) || a.index - b.index);
  for (const item of ordered) {
    const o = item.want;
    const group = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '';
    const emitter = EMITTERS[`${group}/${o.kind}`];
    let reason = plan.fallback.get(item.index);
    if (emitter && reason === undefined) {
      try {
        const e: Emitted = emitter(ctx, o);
        for (const [k, v] of Object.entries(e.produces ?? {})) ctx.produced.set(k, v);
        blocks.push({ item, construct: e.construct, mode: 'construct', lines: e.lines, variable: e.variable, apiObject: e.apiObject, evaluated: true, notes: e.notes ?? [], l1Keys: e.l1Keys });
        continue;
      } catch (err) {
        if (!(err instanceof Fallback)) throw err;
        reason = err.message;
      }
    }
    if (o.apiVersion === 'v1' && o.kind === 'Secret' && (Object.keys(o.data ?? {}).length + Object.keys(o.stringData ?? {}).length > 0)) {
      usesSealing = true;
      blocks.push(sealedFromSecret(ctx, item, opts, keyOf));
      continue;
    }
    if (o.kind === 'SealedSecret' && reason === undefined) {
      reason = 'it is sealed already; the SealedSecret construct seals values at synth from their sources (SealedValue.fromFile / fromEnvironmentVariable), so to manage it as code, re-seal it with those';
    }
    ctx.cdk8s.add('ApiObject');
    const variable = ctx.variable(o.metadata?.name ?? o.kind, o.kind);
    const comment = reason !== undefined
      ? `// ${item.resource}: written as an ApiObject because ${reason.replace(/\n/g, ' ')}.`
      : `// ${item.resource}: no construct of this library models ${o.kind}; kept as it is.`;
    blocks.push({
      item,
      construct: 'ApiObject',
      mode: 'api-object',
      lines: [comment, `const ${variable} = new ApiObject(chart, ${quote(ctx.id(describeId(o)))}, ${literal(o, '', keyOf)});`],
      variable,
      apiObject: variable,
      evaluated: true,
      notes: reason !== undefined ? [`kept as an ApiObject: ${reason}`] : [],
    });
  }

  // The escape hatches and carried-over suppressions, after each block.
  const text = (b: Block): string[] => {
    const out: string[] = [];
    const notes = [...b.item.notes];
    if (notes.length > 0) out.push(`// ${b.item.resource}: ${notes.join('; ')}.`);
    if (b.notes.length > 0 && b.mode === 'construct') out.push(...b.notes.map((n) => `// Note: ${n}.`));
    out.push(...b.lines);
    const patches = b.mode === 'construct' ? plan.patches.get(b.item.index) ?? [] : [];
    // cdk8s-plus hardens every pod it writes; the input's pod did not have these settings, so they are removed (harden
    // them in the program as a choice of its own).
    const hardening = /^\/spec\/template\/(metadata\/labels(\/cdk8s\.io~1metadata\.addr)?|spec\/(automountServiceAccountToken|securityContext|containers\/\d+\/securityContext))$/;
    const groups: Array<[string, PatchOp[]]> = b.l1Keys
      ? [
        ['// cdk8s-plus defaults the input\'s pod does not have (its selector label, no token mount, security contexts), removed to keep the pod as it was:', patches.filter((p) => p.op === 'remove' && hardening.test(p.path))],
        [`// Fields ${b.construct} does not model, kept as written (escape hatch):`, patches.filter((p) => !(p.op === 'remove' && hardening.test(p.path)))],
      ]
      : [[`// Fields ${b.construct} does not model, kept as written (escape hatch):`, patches]];
    for (const [title, list] of groups) {
      if (list.length === 0) continue;
      out.push(title);
      for (const p of list) {
        const m = /^\/metadata\/(labels|annotations)(?:\/(.+))?$/.exec(p.path);
        if (m && p.op === 'add') {
          const entries: Array<[string, any]> = m[2] !== undefined ? [[m[2].replace(/~1/g, '/').replace(/~0/g, '~'), p.value]] : Object.entries(p.value);
          for (const [k, v] of entries) out.push(`${b.apiObject}.metadata.${m[1] === 'labels' ? 'addLabel' : 'addAnnotation'}(${keyExpr(k)}, ${quote(String(v))});`);
          continue;
        }
        ctx.cdk8s.add('JsonPatch');
        const q = b.l1Keys ? l1Patch(p) : p;
        out.push(q.op === 'remove'
          ? `${b.apiObject}.addJsonPatch(JsonPatch.remove(${quote(q.path)}));`
          : `${b.apiObject}.addJsonPatch(JsonPatch.${q.op}(${quote(q.path)}, ${literal(q.value, '', keyOf)}));`);
      }
    }
    for (const s of plan.suppressions.get(b.item.index) ?? []) {
      ctx.lib.add('SecretsSuppressions');
      out.push(`SecretsSuppressions.add(${b.variable}, ${quote(s.ruleId)}, ${quote(s.reason)});`);
    }
    return out;
  };
  // A comment ends at a line terminator: input text in comments (names, reasons) must not end one early and turn the
  // rest into code.
  const safe = (l: string) => (/^\s*\/\//.test(l) ? l.replace(/[\r\n\u2028\u2029]+/g, ' ') : l);
  const bodies = blocks.map((b) => text(b).map(safe));

  const lib = opts.libraryModule ?? 'cdk8s-secrets';
  if (usesSealing) ['SealedSecret', 'SealedValue', 'SealingCertificate'].forEach((n) => ctx.lib.add(n));
  const libImports = [...ctx.lib].sort((a, b) => a.localeCompare(b));
  const cdk8sImports = [...ctx.cdk8s].sort();
  const usesKplus = bodies.some((lines) => lines.some((l) => /\bkplus\./.test(l)));
  const setup = [
    'const app = new SecretsApp();',
    '// One cluster without AWS identities: give it env and irsa (or clusterName) to derive IAM for the stores.',
    "const cluster = new ClusterTarget(app, 'imported');",
    "const chart = cluster.addChart('imported');",
  ];
  const header = [
    `// Generated by \`cdk8s-secrets import\` from ${sources.length} file(s): ${sources.join(', ')}.`,
    '// Review it, then run it with ts-node (or cdk8s synth) to write the manifests to dist/.',
    ...(cdk8sImports.length > 0 ? [`import { ${cdk8sImports.join(', ')} } from 'cdk8s';`] : []),
    ...(usesKplus ? ["import * as kplus from 'cdk8s-plus-28';"] : []),
    `import { ${libImports.join(', ')} } from '${lib}';`,
    '',
    ...setup,
    ...(usesSealing ? [
      '// The Sealed Secrets controller certificate (kubeseal --fetch-cert > sealed-secrets-cert.pem).',
      `const certificate = SealingCertificate.fromPemFile(${quote(opts.certificate ?? 'sealed-secrets-cert.pem')});`,
    ] : []),
    '',
  ];
  const program = [...header.map(safe), ...bodies.flatMap((lines) => [...lines, '']), 'app.synth();', ''].join('\n');

  const evalLines = [
    `const { ${cdk8sImports.join(', ')} } = __cdk8s;`,
    'const kplus = __kplus;',
    `const { ${libImports.join(', ')} } = __lib;`,
    ...setup,
    ...blocks.flatMap((b, i) => (b.evaluated ? [`__hook.at(${b.item.index});`, ...bodies[i]] : [])),
    `__hook.done(cluster, { ${blocks.filter((b) => b.evaluated).map((b) => `${b.item.index}: () => ${b.apiObject}`).join(', ')} });`,
  ];
  return { program, evalSource: evalLines.join('\n'), blocks };
}

function describeId(o: any): string {
  const md = o.metadata ?? {};
  return [o.kind, md.namespace, md.name].filter((x) => typeof x === 'string' && x.length > 0).join('-');
}

function sealedFromSecret(ctx: EmitContext, item: Item, opts: ImportOptions, keyOf: (k: string) => string): Block {
  const o = item.want;
  const metadata = o.metadata ?? {};
  const keys = [...new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})])].sort();
  const ns = metadata.namespace ?? 'default';
  const values = keys.map((k) => {
    const source = opts.secretValues === 'env'
      ? `SealedValue.fromEnvironmentVariable(${quote(envName(ns, metadata.name, k))})`
      : `SealedValue.fromFile(${quote(`secrets/${ns}/${metadata.name}/${k}`)})`;
    return `    ${propertyKey(k)}: ${source},`;
  });
  const variable = ctx.variable(metadata.name ?? 'secret', 'sealed');
  const lines = [
    `// ${item.resource}: its ${keys.length} value(s) were NOT copied into this program. ${opts.secretValues === 'env'
      ? 'Export the environment variables below'
      : `Write each value into the file named below (exact bytes${o.data ? '; base64-decode `data` values' : ''})`} before synth;`,
    '// the output is a SealedSecret (sealed with the controller certificate), never the plaintext.',
    `const ${variable} = new SealedSecret(chart, ${quote(ctx.id(describeId(o)))}, {`,
    `  name: ${quote(metadata.name)},`,
    ...(metadata.namespace ? [`  namespace: ${quote(metadata.namespace)},`] : []),
    '  certificate,',
    ...(o.type && o.type !== 'Opaque' ? [`  type: ${quote(o.type)},`] : []),
    ...(metadata.labels ? [`  labels: ${literal(metadata.labels, '  ', keyOf)},`] : []),
    ...(metadata.annotations ? [`  annotations: ${literal(metadata.annotations, '  ', keyOf)},`] : []),
    ...(o.immutable === true ? ['  immutable: true,'] : []),
    '  values: {',
    ...values,
    '  },',
    '});',
  ];
  ctx.produced.set(`${ns}/${metadata.name}`, variable);
  return {
    item,
    construct: 'SealedSecret',
    mode: 'sealed',
    lines,
    variable,
    apiObject: `${variable}.apiObject`,
    evaluated: false,
    notes: ['Secret -> SealedSecret: values are not copied; the program reads them at synth time and seals them'],
  };
}

interface Run {
  /** The first object whose construct refused its input. */
  readonly failure?: { readonly index: number; readonly message: string };
  /** What each evaluated block writes, by item index. */
  readonly objects: Map<number, any>;
  /** Error findings of the posture checks, unsuppressed. */
  readonly findings: Array<{ ruleId: string; resource: string; message: string }>;
}

/** Runs a generated program's body in-process against this library (no files are read or written). */
class Evaluator {
  private readonly lib: any;
  private readonly cdk8s: any;
  private readonly kplus: any;
  private readonly render: any;
  private readonly checks: any;

  public constructor() {
    /* eslint-disable @typescript-eslint/no-require-imports */
    this.lib = require('../index');
    this.cdk8s = require('cdk8s');
    this.kplus = require('cdk8s-plus-28');
    this.render = require('../app/render');
    this.checks = require('../checks/secrets-checks');
    /* eslint-enable @typescript-eslint/no-require-imports */
  }

  /** Runs a program that must run through (every construct accepted its input before). */
  public mustRun(gen: Generated, items: Item[]): Run {
    const r = this.run(gen);
    if (r.failure) this.fail(items[r.failure.index], r.failure.message);
    return r;
  }

  public fail(item: Item, message: string): never {
    throw new Error(`import: the generated program cannot write ${item.resource}, not even as an ApiObject: ${message}`);
  }

  public run(gen: Generated): Run {
    let current = -1;
    let result: Run | undefined;
    const hook = {
      at: (i: number) => { current = i; },
      done: (cluster: any, objects: { [index: string]: () => any }) => {
        const errors: string[] = this.render.validateTree(cluster.k8sApp);
        for (const e of errors) {
          const index = this.blockOfError(gen, e);
          if (index !== undefined) { result = { failure: { index, message: cleanError(e) }, objects: new Map(), findings: [] }; return; }
        }
        const out = new Map<number, any>();
        for (const [i, f] of Object.entries(objects)) {
          current = Number(i);
          out.set(Number(i), canonical(f().toJson()));
        }
        current = -1;
        const rendered = this.render.renderTarget(cluster);
        const found = this.checks.SecretsChecks.check(rendered.objects, {}, { kubernetesVersion: cluster.kubernetesVersion });
        const findings = this.checks.SecretsChecks.errorsOf(found).map((f: any) => ({ ruleId: f.ruleId, resource: f.resource, message: f.message }));
        result = { objects: out, findings };
      },
    };
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      new Function('__cdk8s', '__kplus', '__lib', '__hook', gen.evalSource)(this.cdk8s, this.kplus, this.lib, hook);
    } catch (e) {
      if (current < 0) throw e;
      return { failure: { index: current, message: cleanError((e as Error).message) }, objects: new Map(), findings: [] };
    }
    if (!result) throw new Error('import: the generated program did not run to its end');
    return result;
  }

  private blockOfError(gen: Generated, error: string): number | undefined {
    const m = /^\[([^\]]+)\]/.exec(error);
    const segments = m ? m[1].split('/') : [];
    const b = gen.blocks.find((x) => {
      const id = /new [A-Za-z.]+\(chart, '([^']+)'/.exec(x.lines.find((l) => /new [A-Za-z.]+\(chart, '/.test(l)) ?? '')?.[1];
      return id !== undefined && segments.includes(id);
    });
    return b?.item.index;
  }
}

/** An error as one line for a comment: no construct path, no "ValidationError:" prefix. */
function cleanError(message: string): string {
  return message.split('\n')[0].replace(/^Failed serializing construct at path '[^']*' with name '[^']*': /, '').replace(/^(ValidationError: )/, '')
    .replace(/^\[[^\]]*\] /, '').replace(/\.$/, '');
}
