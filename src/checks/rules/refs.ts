import { asArray, describeK8s, podTemplateOf } from './util';

/** A Secret some object in the input makes (or fills). */
export interface SecretProducer {
  /** The namespace of the Secret; `undefined` when the object names none (applied with `-n` or a Kustomize namespace), `*` for every namespace. */
  readonly namespace?: string;
  readonly name: string;
  /** The producing object, as findings name it. */
  readonly producer: string;
  /** False when the object writes into a Secret that must already exist (ESO `creationPolicy: Merge`, VSO `create: false`). */
  readonly creates: boolean;
}

const ESO_GROUP = /^external-secrets\.io\//;
const VSO_GROUP = /^secrets\.hashicorp\.com\//;
const VSO_SYNCING = ['VaultStaticSecret', 'VaultDynamicSecret', 'VaultPKISecret', 'HCPVaultSecretsApp'];

/** Every Secret the objects produce: plain Secrets, ExternalSecrets, ClusterExternalSecrets, SealedSecrets, VSO destinations, CSI `secretObjects`. */
export function secretProducers(objects: any[]): SecretProducer[] {
  const memo = ruleMemo?.get(objects);
  if (memo) return memo;
  const out: SecretProducer[] = [];
  for (const o of objects) {
    const ns = o?.metadata?.namespace;
    const api = String(o?.apiVersion ?? '');
    if (!((api === 'v1' && o.kind === 'Secret') || ESO_GROUP.test(api) || api.startsWith('bitnami.com/') || VSO_GROUP.test(api) || api.startsWith('secrets-store.csi.x-k8s.io/'))) continue;
    // The object as findings name it (only for the groups that produce Secrets).
    const producer = describeK8s(o);
    if (api === 'v1' && o.kind === 'Secret' && o.metadata?.name) {
      out.push({ namespace: ns, name: o.metadata.name, producer, creates: true });
    } else if (ESO_GROUP.test(api) && o.kind === 'ExternalSecret') {
      const policy = o.spec?.target?.creationPolicy ?? 'Owner';
      if (policy === 'None') continue;
      out.push({ namespace: ns, name: o.spec?.target?.name ?? o.metadata?.name, producer, creates: policy !== 'Merge' });
    } else if (ESO_GROUP.test(api) && o.kind === 'ClusterExternalSecret') {
      const spec = o.spec?.externalSecretSpec ?? {};
      const policy = spec.target?.creationPolicy ?? 'Owner';
      if (policy === 'None') continue;
      out.push({ namespace: '*', name: spec.target?.name ?? o.spec?.externalSecretName ?? o.metadata?.name, producer, creates: policy !== 'Merge' });
    } else if (api.startsWith('bitnami.com/') && o.kind === 'SealedSecret' && o.metadata?.name) {
      out.push({ namespace: ns, name: o.metadata.name, producer, creates: true });
    } else if (VSO_GROUP.test(api) && VSO_SYNCING.includes(o.kind) && o.spec?.destination?.name) {
      out.push({ namespace: ns, name: o.spec.destination.name, producer, creates: o.spec.destination.create === true });
    } else if (api.startsWith('secrets-store.csi.x-k8s.io/') && o.kind === 'SecretProviderClass') {
      for (const so of asArray<any>(o.spec?.secretObjects)) {
        if (so?.secretName) out.push({ namespace: ns, name: so.secretName, producer, creates: true });
      }
    }
  }
  const producers = out.filter((p) => typeof p.name === 'string' && p.name.length > 0);
  ruleMemo?.set(objects, producers);
  return producers;
}

/** What several rules derive from the same input (its Secret producers), kept while `SecretsChecks.check` runs the rules over it. */
let ruleMemo: WeakMap<any[], SecretProducer[]> | undefined;

/** Runs `fn` with the Secret producers of each input derived once. @internal */
export function withRuleMemo<T>(fn: () => T): T {
  const outer = ruleMemo;
  ruleMemo = new WeakMap();
  try {
    return fn();
  } finally {
    ruleMemo = outer;
  }
}

/**
 * Whether any of `producers` makes the Secret `name` visible in `namespace`, as `producers.some((p) => produces(p,
 * namespace, name))` answers, in one lookup per question instead of a scan of every producer.
 */
export function producedBy(producers: SecretProducer[]): (namespace: string | undefined, name: string) => boolean {
  const names = new Set<string>();
  const everywhere = new Set<string>();
  const byName = new Map<string, Set<unknown>>();
  for (const p of producers) {
    names.add(p.name);
    if (p.namespace === '*' || p.namespace === undefined) {
      everywhere.add(p.name);
    } else {
      const set = byName.get(p.name);
      if (set) set.add(p.namespace);
      else byName.set(p.name, new Set([p.namespace]));
    }
  }
  return (namespace, name) => (namespace === undefined ? names.has(name) : everywhere.has(name) || (byName.get(name)?.has(namespace) ?? false));
}

/** Whether a producer makes the Secret `name` visible in `namespace` (unknown namespaces match anything). */
export function produces(p: SecretProducer, namespace: string | undefined, name: string): boolean {
  return p.name === name && (p.namespace === '*' || p.namespace === undefined || namespace === undefined || p.namespace === namespace);
}

/** A place where a workload names a Secret. */
export interface SecretReference {
  readonly object: any;
  readonly namespace?: string;
  readonly name: string;
  /** Where, such as `volume db` or `container web env PW`. */
  readonly where: string;
  readonly optional: boolean;
}

/** The pod spec of a workload or a Pod. */
export function podSpecOf(o: any): any | undefined {
  return podTemplateOf(o)?.spec ?? (o?.kind === 'Pod' && o?.apiVersion === 'v1' ? o.spec : undefined);
}

/** Every Secret a pod spec names: secret volumes, projected sources, env, envFrom, imagePullSecrets. */
export function secretReferences(objects: any[]): SecretReference[] {
  const out: SecretReference[] = [];
  for (const o of objects) {
    const spec = podSpecOf(o);
    if (!spec) continue;
    const namespace = o.metadata?.namespace;
    const add = (name: any, where: string, optional: any) => {
      if (typeof name === 'string' && name.length > 0) out.push({ object: o, namespace, name, where, optional: optional === true });
    };
    for (const v of asArray<any>(spec.volumes)) {
      if (v?.secret) add(v.secret.secretName, `volume ${v.name}`, v.secret.optional);
      for (const s of asArray<any>(v?.projected?.sources)) {
        if (s?.secret) add(s.secret.name, `projected volume ${v.name}`, s.secret.optional);
      }
    }
    for (const c of [...asArray<any>(spec.initContainers), ...asArray<any>(spec.containers)]) {
      for (const e of asArray<any>(c?.env)) {
        const ref = e?.valueFrom?.secretKeyRef;
        if (ref) add(ref.name, `container ${c.name} env ${e.name}`, ref.optional);
      }
      for (const e of asArray<any>(c?.envFrom)) {
        if (e?.secretRef) add(e.secretRef.name, `container ${c.name} envFrom`, e.secretRef.optional);
      }
    }
    for (const p of asArray<any>(spec.imagePullSecrets)) add(p?.name, 'imagePullSecrets', false);
  }
  return out;
}

/** Names listed in a comma-separated annotation value. */
export function namesIn(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : [];
}
