import YAML from 'yaml';
import { Code, code, defined, goDurationMillis, inline, literal, quote } from './import-code';

/**
 * Why an object is written as a plain `ApiObject`: the library's construct for its kind cannot express it. The reason
 * goes into the generated program, above the object.
 */
export class Fallback extends Error {}

/** What the emitters know about the program being written. */
export interface EmitContext {
  /** Library names the program imports. */
  readonly lib: Set<string>;
  /** cdk8s names the program imports. */
  readonly cdk8s: Set<string>;
  /** Variables of constructs written as the library's constructs, by `Kind/namespace/name`. */
  readonly l2: Map<string, string>;
  /** Variables of produced Secrets (`IProducedSecret`), by `namespace/name`. */
  readonly produced: Map<string, string>;
  /** Allocates a construct id (unique in the chart) from a base. */
  id(base: string): string;
  /** Allocates a variable name (unique in the program) from words. */
  variable(...words: string[]): string;
}

/** One object written as one of the library's constructs. */
export interface Emitted {
  /** The construct class, for the report. */
  readonly construct: string;
  /** The statements that create it (the last one defines `variable`). */
  readonly lines: string[];
  /** The construct's variable. */
  readonly variable: string;
  /** The expression of its underlying `ApiObject`, for escape hatches. */
  readonly apiObject: string;
  /** Secrets it produces, by `namespace/name`, as expressions of `IProducedSecret`. */
  readonly produces?: { [key: string]: string };
  /** Notes for the report (and the program). */
  readonly notes?: string[];
  /**
   * Whether its escape hatch patches the props of a generated L1 class (cdk8s-plus workloads, the ESO and CSI constructs)
   * rather than the API's fields: those classes render their props back to the API's spelling after the patches, and
   * leave out what their schema does not have.
   */
  readonly l1Keys?: boolean;
}

const lib = (ctx: EmitContext, ...names: string[]) => names.forEach((n) => ctx.lib.add(n));

/**
 * A Go or VSO duration ("1h", "90s", "1h30m", "0") as the cdk8s `Duration` the construct props take, in the largest unit
 * that keeps it whole. Undefined for anything else (the written value then differs and is patched).
 */
function duration(ctx: EmitContext, v: any): Code | undefined {
  const ms = goDurationMillis(v);
  if (ms === undefined && !(typeof v === 'string' && /^\d+d$/.test(v))) return undefined;
  const millis = ms ?? Number(String(v).slice(0, -1)) * 86_400_000;
  ctx.cdk8s.add('Duration');
  for (const [unit, size] of [['days', 86_400_000], ['hours', 3_600_000], ['minutes', 60_000], ['seconds', 1000]] as Array<[string, number]>) {
    if (millis > 0 && millis % size === 0) return code(`Duration.${unit}(${millis / size})`);
  }
  return code(millis === 0 ? 'Duration.seconds(0)' : `Duration.millis(${millis})`);
}

/** An enum member for a value, when the enum has one (else undefined: the value then differs and is patched). */
function member(ctx: EmitContext, enumName: string, members: { [value: string]: string }, v: any): Code | undefined {
  if (typeof v !== 'string' || members[v] === undefined) return undefined;
  lib(ctx, enumName);
  return code(`${enumName}.${members[v]}`);
}

const stringMap = (v: any): { [k: string]: string } | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string') ? { ...v } : undefined;
const strings = (v: any): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v] : undefined);
const str = (v: any): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: any): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const num = (v: any): number | undefined => (typeof v === 'number' ? v : undefined);

function construct(ctx: EmitContext, cls: string, o: any, props: { [k: string]: any }, pre: string[] = [], words: string[] = [],
): { lines: string[]; variable: string } {
  lib(ctx, cls);
  const md = o.metadata ?? {};
  const short = cls.split('.').pop()!;
  const base = words.length > 0 ? words : [md.name ?? short];
  const variable = ctx.variable(...base, ...(base[base.length - 1] === short ? [] : [short]));
  const id = ctx.id([o.kind, md.namespace, md.name].filter((x) => typeof x === 'string' && x.length > 0).join('-'));
  return { lines: [...pre, `const ${variable} = new ${cls}(chart, ${quote(id)}, ${literal(defined(props))});`], variable };
}

// ---------------------------------------------------------------- External Secrets Operator

const CONVERSION = { Default: 'DEFAULT', Unicode: 'UNICODE' };
const DECODING = { None: 'NONE', Auto: 'AUTO', Base64: 'BASE64', Base64URL: 'BASE64_URL' };
const METADATA = { None: 'NONE', Fetch: 'FETCH' };
const CREATION = { Owner: 'OWNER', Orphan: 'ORPHAN', Merge: 'MERGE', CreateOrMerge: 'CREATE_OR_MERGE', None: 'NONE' };
const DELETION = { Retain: 'RETAIN', Delete: 'DELETE', Merge: 'MERGE' };
const REFRESH = { Periodic: 'PERIODIC', CreatedOnce: 'CREATED_ONCE', OnChange: 'ON_CHANGE' };
const MERGE = { Replace: 'REPLACE', Merge: 'MERGE' };

/** The store an ExternalSecret or PushSecret names: the program's store, or an import of one defined elsewhere. */
function storeRef(ctx: EmitContext, ref: any, namespace: string | undefined, pre: string[]): Code {
  if (!ref || typeof ref.name !== 'string') throw new Fallback('it names no secretStoreRef (a generator or another source only), which the ExternalSecret construct needs');
  const kind = ref.kind ?? 'SecretStore';
  if (kind !== 'SecretStore' && kind !== 'ClusterSecretStore') throw new Fallback(`its store kind ${kind} is not a SecretStore or ClusterSecretStore`);
  const key = kind === 'SecretStore' ? `SecretStore/${namespace}/${ref.name}` : `ClusterSecretStore//${ref.name}`;
  const own = ctx.l2.get(key);
  if (own) return code(own);
  const variable = ctx.variable(ref.name, kind, 'ref');
  const id = ctx.id(`${kind}-ref-${namespace && kind === 'SecretStore' ? `${namespace}-` : ''}${ref.name}`);
  lib(ctx, kind);
  pre.push(`// ${kind} ${kind === 'SecretStore' ? `${namespace}/` : ''}${ref.name} is not among the imported objects: referenced as defined outside this program.`);
  pre.push(kind === 'SecretStore'
    ? `const ${variable} = SecretStore.fromSecretStoreName(chart, ${quote(id)}, ${quote(ref.name)}, ${quote(namespace ?? 'default')}, { definedOutsideProgram: true });`
    : `const ${variable} = ClusterSecretStore.fromClusterSecretStoreName(chart, ${quote(id)}, ${quote(ref.name)}, { definedOutsideProgram: true });`);
  return code(variable);
}

function remoteRefOptions(ctx: EmitContext, r: any): { [k: string]: any } {
  return {
    property: str(r.property),
    version: str(r.version),
    metadataPolicy: member(ctx, 'MetadataPolicy', METADATA, r.metadataPolicy),
    conversionStrategy: member(ctx, 'ConversionStrategy', CONVERSION, r.conversionStrategy),
    decodingStrategy: member(ctx, 'DecodingStrategy', DECODING, r.decodingStrategy),
  };
}

function rewrites(ctx: EmitContext, list: any): Code[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: Code[] = [];
  for (const r of list) {
    if (r?.regexp && typeof r.regexp.source === 'string' && typeof r.regexp.target === 'string') {
      out.push(code(`Rewrite.regexp(${quote(r.regexp.source)}, ${quote(r.regexp.target)})`));
    } else if (r?.transform && typeof r.transform.template === 'string') {
      out.push(code(`Rewrite.transform(${quote(r.transform.template)})`));
    }
  }
  if (out.length > 0) lib(ctx, 'Rewrite');
  return out.length > 0 ? out : undefined;
}

/** The ExternalSecretOptions of an ExternalSecret spec (shared with ClusterExternalSecret). */
function externalSecretOptions(ctx: EmitContext, spec: any, namespace: string | undefined, pre: string[]): { [k: string]: any } {
  const data = (Array.isArray(spec.data) ? spec.data : []).filter((d: any) => d?.remoteRef && typeof d.remoteRef.key === 'string')
    .map((d: any) => defined({ secretKey: d.secretKey, remoteKey: d.remoteRef.key, ...remoteRefOptions(ctx, d.remoteRef) }));
  const dataFrom: Code[] = [];
  for (const df of Array.isArray(spec.dataFrom) ? spec.dataFrom : []) {
    if (df?.extract && typeof df.extract.key === 'string') {
      dataFrom.push(code(`DataFrom.extract(${literal(defined({ remoteKey: df.extract.key, ...remoteRefOptions(ctx, df.extract), rewrite: rewrites(ctx, df.rewrite) }))})`));
    } else if (df?.find) {
      const f = df.find;
      dataFrom.push(code(`DataFrom.find(${literal(defined({
        path: str(f.path),
        nameRegexp: str(f.name?.regexp),
        tags: stringMap(f.tags),
        conversionStrategy: member(ctx, 'ConversionStrategy', CONVERSION, f.conversionStrategy),
        decodingStrategy: member(ctx, 'DecodingStrategy', DECODING, f.decodingStrategy),
        rewrite: rewrites(ctx, df.rewrite),
      }))})`));
    }
  }
  if (dataFrom.length > 0) lib(ctx, 'DataFrom');
  const t = spec.target ?? {};
  const tt = t.template;
  return {
    store: storeRef(ctx, spec.secretStoreRef, namespace, pre),
    targetName: str(t.name),
    refreshInterval: duration(ctx, spec.refreshInterval),
    refreshPolicy: member(ctx, 'RefreshPolicy', REFRESH, spec.refreshPolicy),
    creationPolicy: member(ctx, 'CreationPolicy', CREATION, t.creationPolicy),
    deletionPolicy: member(ctx, 'DeletionPolicy', DELETION, t.deletionPolicy),
    immutable: bool(t.immutable),
    template: tt && typeof tt === 'object' ? defined({
      type: str(tt.type),
      data: stringMap(tt.data),
      labels: stringMap(tt.metadata?.labels),
      annotations: stringMap(tt.metadata?.annotations),
      mergePolicy: member(ctx, 'TemplateMergePolicy', MERGE, tt.mergePolicy),
    }) : undefined,
    data: data.length > 0 ? data : undefined,
    dataFrom: dataFrom.length > 0 ? dataFrom : undefined,
  };
}

function externalSecret(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const pre: string[] = [];
  const options = externalSecretOptions(ctx, o.spec ?? {}, md.namespace, pre);
  const c = construct(ctx, 'ExternalSecret', o, { name: md.name, namespace: md.namespace, ...options }, pre);
  const target = options.targetName ?? md.name;
  return { construct: 'ExternalSecret', ...c, apiObject: `${c.variable}.apiObject`, l1Keys: true, produces: { [`${md.namespace}/${target}`]: c.variable } };
}

function clusterExternalSecret(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  const pre: string[] = [];
  const options = externalSecretOptions(ctx, spec.externalSecretSpec ?? {}, undefined, pre);
  const selectors = Array.isArray(spec.namespaceSelectors)
    ? spec.namespaceSelectors.map((s: any) => stringMap(s?.matchLabels)).filter((s: any) => s)
    : undefined;
  const c = construct(ctx, 'ClusterExternalSecret', o, {
    name: md.name,
    externalSecretName: str(spec.externalSecretName),
    namespaces: strings(spec.namespaces),
    namespaceSelectors: selectors && selectors.length > 0 ? selectors : undefined,
    refreshTime: duration(ctx, spec.refreshTime),
    ...options,
  }, pre);
  return { construct: 'ClusterExternalSecret', ...c, apiObject: `${c.variable}.apiObject`, l1Keys: true };
}

function storeProvider(ctx: EmitContext, provider: any, notes: string[]): Code {
  const kinds = Object.keys(provider ?? {});
  if (kinds.length !== 1) throw new Fallback(`its provider names ${kinds.length} backends`);
  lib(ctx, 'StoreProvider');
  const aws = provider.aws;
  if (aws) {
    const factory = aws.service === 'ParameterStore' ? 'awsParameterStore' : aws.service === 'SecretsManager' ? 'awsSecretsManager' : undefined;
    if (!factory) throw new Fallback(`its AWS service ${aws.service} is neither SecretsManager nor ParameterStore`);
    let auth: Code;
    const a = aws.auth;
    lib(ctx, 'AwsAuth');
    const keys = a?.secretRef;
    if (keys?.accessKeyIDSecretRef?.name !== undefined && keys.secretAccessKeySecretRef?.name === keys.accessKeyIDSecretRef.name) {
      const s = a.secretRef;
      auth = code(`AwsAuth.staticAccessKeys(${literal(defined({
        secretName: s.accessKeyIDSecretRef.name,
        secretNamespace: str(s.accessKeyIDSecretRef.namespace),
        accessKeyIdKey: str(s.accessKeyIDSecretRef.key),
        secretAccessKeyKey: str(s.secretAccessKeySecretRef.key),
        sessionTokenKey: str(s.sessionTokenSecretRef?.key),
      }))})`);
    } else {
      if (a !== undefined) {
        notes.push('its auth block is kept as written (escape hatch): AwsAuth.serviceAccount() takes a WorkloadIdentity, which would create the IAM role; '
          + 'switch to it to have the role and its permissions derived');
      }
      auth = code('AwsAuth.controllerIdentity()');
    }
    return code(`StoreProvider.${factory}(${literal(defined({ region: str(aws.region), auth, prefix: str(aws.prefix) }))})`);
  }
  const vault = provider.vault;
  if (vault) {
    const a = vault.auth ?? {};
    let auth: Code;
    lib(ctx, 'EsoVaultAuth');
    if (a.kubernetes && typeof a.kubernetes.role === 'string') {
      const k = a.kubernetes;
      auth = code(`EsoVaultAuth.kubernetes(${literal(defined({
        role: k.role,
        mountPath: str(k.mountPath),
        serviceAccountName: str(k.serviceAccountRef?.name),
        serviceAccountNamespace: str(k.serviceAccountRef?.namespace),
        audiences: strings(k.serviceAccountRef?.audiences),
      }))})`);
    } else if (a.tokenSecretRef && typeof a.tokenSecretRef.name === 'string') {
      auth = code(`EsoVaultAuth.tokenSecret(${literal(defined({ secretName: a.tokenSecretRef.name, key: str(a.tokenSecretRef.key) }))})`);
    } else {
      throw new Fallback(`its Vault auth (${Object.keys(a).join(', ') || 'none'}) is neither kubernetes nor tokenSecretRef, the methods EsoVaultAuth models`);
    }
    return code(`StoreProvider.vault(${literal(defined({
      server: str(vault.server),
      path: str(vault.path),
      version: member(ctx, 'EsoVaultKvVersion', { v1: 'V1', v2: 'V2' }, vault.version),
      auth,
      namespace: str(vault.namespace),
    }))})`);
  }
  throw new Fallback(`its provider ${kinds[0]} has no StoreProvider factory (the library models aws and vault)`);
}

function secretStore(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  const notes: string[] = [];
  const provider = storeProvider(ctx, spec.provider, notes);
  const cluster = o.kind === 'ClusterSecretStore';
  const conditions = cluster && Array.isArray(spec.conditions) ? spec.conditions.map((c: any) => defined({
    namespaces: strings(c.namespaces),
    namespaceRegexes: strings(c.namespaceRegexes),
    namespaceLabels: stringMap(c.namespaceSelector?.matchLabels),
  })) : undefined;
  const c = construct(ctx, o.kind, o, {
    name: md.name,
    namespace: cluster ? undefined : md.namespace,
    provider,
    controller: str(spec.controller),
    conditions,
  });
  ctx.l2.set(`${o.kind}/${cluster ? '' : md.namespace}/${md.name}`, c.variable);
  return { construct: o.kind, ...c, apiObject: `${c.variable}.apiObject`, notes, l1Keys: true };
}

function pushSecret(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  const refs = Array.isArray(spec.secretStoreRefs) ? spec.secretStoreRefs : [];
  if (refs.length !== 1 || refs[0].labelSelector) throw new Fallback(`it pushes through ${refs.length} store references (or a label selector); the PushSecret construct pushes through one store`);
  if (typeof spec.selector?.secret?.name !== 'string') throw new Fallback('its source is not a Secret (a generator), which the PushSecret construct does not model');
  const pre: string[] = [];
  const store = storeRef(ctx, refs[0], md.namespace, pre);
  const data = (Array.isArray(spec.data) ? spec.data : []).map((d: any) => defined({
    secretKey: str(d?.match?.secretKey),
    remoteKey: str(d?.match?.remoteRef?.remoteKey),
    property: str(d?.match?.remoteRef?.property),
  }));
  const c = construct(ctx, 'PushSecret', o, {
    name: md.name,
    namespace: md.namespace,
    store,
    sourceSecretName: spec.selector.secret.name,
    data,
    refreshInterval: duration(ctx, spec.refreshInterval),
    updatePolicy: member(ctx, 'PushSecretUpdatePolicy', { Replace: 'REPLACE', IfNotExists: 'IF_NOT_EXISTS' }, spec.updatePolicy),
    deletionPolicy: member(ctx, 'PushSecretDeletionPolicy', { None: 'NONE', Delete: 'DELETE' }, spec.deletionPolicy),
  }, pre);
  return { construct: 'PushSecret', ...c, apiObject: `${c.variable}.apiObject`, l1Keys: true };
}

// ---------------------------------------------------------------- Secrets Store CSI driver

const SYNCED_TYPES = { 'Opaque': 'OPAQUE', 'kubernetes.io/tls': 'TLS', 'kubernetes.io/basic-auth': 'BASIC_AUTH', 'kubernetes.io/dockerconfigjson': 'DOCKER_CONFIG_JSON' };

function awsCsiObject(ctx: EmitContext, x: any): Code {
  lib(ctx, 'AwsCsiObject');
  const jmesPath = Array.isArray(x.jmesPath) ? x.jmesPath.map((j: any) => ({ path: j.path, objectAlias: j.objectAlias })) : undefined;
  const type = String(x.objectType ?? '').toLowerCase();
  const name = String(x.objectName);
  if (type === 'ssmparameter') {
    return code(`AwsCsiObject.parameterStore(${literal(defined({
      parameterName: name, objectAlias: str(x.objectAlias), jmesPath, version: str(x.objectVersion), versionLabel: str(x.objectVersionLabel),
    }))})`);
  }
  if (type === 'secretsmanager' || name.startsWith('arn:')) {
    return code(`AwsCsiObject.secretsManager(${literal(defined({
      ...(name.startsWith('arn:') ? { secretArn: name } : { secretName: name }),
      objectAlias: str(x.objectAlias),
      jmesPath,
      versionId: str(x.objectVersion),
      versionStage: str(x.objectVersionLabel),
    }))})`);
  }
  throw new Fallback(`its object ${name} has the objectType "${x.objectType}", which AwsCsiObject does not model`);
}

function secretProviderClass(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  if (spec.provider !== 'aws') {
    throw new Fallback(`its provider is ${spec.provider}; the library's SecretProviderClass construct (AwsSecretProviderClass) is for the AWS provider`);
  }
  const p = spec.parameters ?? {};
  let objects: any;
  try {
    objects = YAML.parse(String(p.objects ?? ''));
  } catch {
    objects = undefined;
  }
  if (!Array.isArray(objects)) throw new Fallback('its parameters.objects is not a YAML list of objects');
  const c = construct(ctx, 'AwsSecretProviderClass', o, {
    name: md.name,
    namespace: md.namespace,
    objects: objects.map((x) => awsCsiObject(ctx, x)),
    region: str(p.region),
    usePodIdentity: p.usePodIdentity === 'true' ? true : undefined,
    pathTranslation: str(p.pathTranslation),
  });
  const lines = [...c.lines];
  const produces: { [key: string]: string } = {};
  for (const s of Array.isArray(spec.secretObjects) ? spec.secretObjects : []) {
    const v = ctx.variable(s.secretName, 'synced');
    const type = member(ctx, 'SyncedSecretType', SYNCED_TYPES, s.type);
    lines.push(`const ${v} = ${c.variable}.addSecretObject(${literal(defined({
      secretName: s.secretName,
      type,
      data: Array.isArray(s.data) ? s.data.map((d: any) => ({ key: d.key, objectName: d.objectName })) : [],
      labels: stringMap(s.labels),
      annotations: stringMap(s.annotations),
    }))});`);
    produces[`${md.namespace}/${s.secretName}`] = v;
  }
  ctx.l2.set(`SecretProviderClass/${md.namespace}/${md.name}`, c.variable);
  return { construct: 'AwsSecretProviderClass', lines, variable: c.variable, apiObject: `${c.variable}.apiObject`, produces, l1Keys: true };
}

// ---------------------------------------------------------------- Vault Secrets Operator

/** `name` or `namespace/name` of a VSO reference, resolved against the referring object's namespace. */
function vsoRef(ref: string, from: string): { namespace: string; name: string } {
  const i = ref.indexOf('/');
  return i < 0 ? { namespace: from, name: ref } : { namespace: ref.slice(0, i), name: ref.slice(i + 1) };
}

function vaultConnection(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  const c = construct(ctx, 'VaultConnection', o, {
    name: md.name,
    namespace: md.namespace,
    address: str(spec.address),
    skipTlsVerify: bool(spec.skipTLSVerify),
    caCertSecret: str(spec.caCertSecretRef),
    tlsServerName: str(spec.tlsServerName),
    headers: stringMap(spec.headers),
    timeout: duration(ctx, spec.timeout),
  });
  ctx.l2.set(`VaultConnection/${md.namespace}/${md.name}`, c.variable);
  return { construct: 'VaultConnection', ...c, apiObject: `${c.variable}.apiObject` };
}

function vaultAuth(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  const pre: string[] = [];
  let connection: Code | undefined;
  if (typeof spec.vaultConnectionRef === 'string' && spec.vaultConnectionRef.length > 0) {
    const r = vsoRef(spec.vaultConnectionRef, md.namespace);
    const own = ctx.l2.get(`VaultConnection/${r.namespace}/${r.name}`);
    if (own) {
      connection = code(own);
    } else {
      const v = ctx.variable(r.name, 'connection');
      lib(ctx, 'VaultConnection');
      pre.push(`const ${v} = VaultConnection.fromConnectionName(chart, ${quote(ctx.id(`VaultConnection-ref-${r.namespace}-${r.name}`))}, ${quote(r.name)}, ${quote(r.namespace)});`);
      connection = code(v);
    }
  }
  lib(ctx, 'VaultAuthMethod');
  let method: Code;
  const seconds = (v: any) => (typeof v === 'number' ? (ctx.cdk8s.add('Duration'), code(`Duration.seconds(${v})`)) : undefined);
  switch (spec.method) {
    case 'kubernetes': {
      const k = spec.kubernetes ?? {};
      if (typeof k.role !== 'string' || typeof k.serviceAccount !== 'string') throw new Fallback('its kubernetes method names no role or serviceAccount');
      const role = ctx.variable(k.role, 'role');
      lib(ctx, 'VaultKubernetesRole');
      pre.push(`// The Vault role ${k.role} is defined outside this program (its policy and binding are not derived).`);
      pre.push(`const ${role} = VaultKubernetesRole.fromRoleName(chart, ${quote(ctx.id(`VaultRole-${md.namespace}-${md.name}`))}, ${literal(defined({ roleName: k.role, authPath: str(spec.mount) }))});`);
      method = code(`VaultAuthMethod.kubernetes(${literal(defined({
        role: code(role), serviceAccount: k.serviceAccount, audiences: strings(k.audiences), tokenExpiration: seconds(k.tokenExpirationSeconds),
      }))})`);
      break;
    }
    case 'jwt': {
      const j = spec.jwt ?? {};
      method = code(`VaultAuthMethod.jwt(${literal(defined({
        role: str(j.role),
        mount: str(spec.mount),
        serviceAccount: str(j.serviceAccount),
        secretRef: str(j.secretRef),
        audiences: strings(j.audiences),
        tokenExpiration: seconds(j.tokenExpirationSeconds),
      }))})`);
      break;
    }
    case 'appRole': {
      const a = spec.appRole ?? {};
      method = code(`VaultAuthMethod.appRole(${literal(defined({ roleId: str(a.roleId), secretRef: str(a.secretRef), mount: str(spec.mount) }))})`);
      break;
    }
    case 'aws': {
      const a = spec.aws ?? {};
      method = code(`VaultAuthMethod.aws(${literal(defined({
        role: str(a.role),
        mount: str(spec.mount),
        region: str(a.region),
        irsaServiceAccount: str(a.irsaServiceAccount),
        secretRef: str(a.secretRef),
        headerValue: str(a.headerValue),
        sessionName: str(a.sessionName),
        stsEndpoint: str(a.stsEndpoint),
        iamEndpoint: str(a.iamEndpoint),
      }))})`);
      break;
    }
    default:
      throw new Fallback(`its method ${spec.method} is not one VaultAuthMethod models (kubernetes, jwt, appRole, aws)`);
  }
  const c = construct(ctx, 'VaultAuth', o, {
    name: md.name,
    namespace: md.namespace,
    method,
    connection,
    allowedNamespaces: strings(spec.allowedNamespaces),
    vaultNamespace: str(spec.namespace),
    headers: stringMap(spec.headers),
  }, pre);
  ctx.l2.set(`VaultAuth/${md.namespace}/${md.name}`, c.variable);
  return { construct: 'VaultAuth', ...c, apiObject: `${c.variable}.apiObject` };
}

const DEST_TYPES = { 'Opaque': 'OPAQUE', 'kubernetes.io/tls': 'TLS', 'kubernetes.io/dockerconfigjson': 'DOCKER_CONFIG_JSON', 'kubernetes.io/basic-auth': 'BASIC_AUTH', 'kubernetes.io/ssh-auth': 'SSH_AUTH' };

/** The props VaultStaticSecret, VaultDynamicSecret and VaultPKISecret share. */
function syncedProps(ctx: EmitContext, o: any, pre: string[]): { [k: string]: any } {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  if (typeof spec.vaultAuthRef !== 'string' || spec.vaultAuthRef.length === 0) {
    throw new Fallback('it uses the operator\'s default VaultAuth (no vaultAuthRef); the construct needs the VaultAuth it logs in with');
  }
  const r = vsoRef(spec.vaultAuthRef, md.namespace);
  let auth = ctx.l2.get(`VaultAuth/${r.namespace}/${r.name}`);
  if (!auth) {
    auth = ctx.variable(r.name, 'vaultAuth', 'ref');
    lib(ctx, 'VaultAuth');
    pre.push(`const ${auth} = VaultAuth.fromVaultAuthAttributes(chart, ${quote(ctx.id(`VaultAuth-ref-${r.namespace}-${r.name}`))}, ${literal({ name: r.name, namespace: r.namespace })});`);
  }
  const d = spec.destination ?? {};
  const t = d.transformation;
  return {
    name: md.name,
    namespace: md.namespace,
    vaultAuth: code(auth),
    vaultNamespace: str(spec.namespace),
    destination: defined({
      name: str(d.name),
      create: bool(d.create),
      overwrite: bool(d.overwrite),
      type: member(ctx, 'VaultDestinationSecretType', DEST_TYPES, d.type),
      labels: stringMap(d.labels),
      annotations: stringMap(d.annotations),
      transformation: t && typeof t === 'object' ? defined({
        templates: t.templates && typeof t.templates === 'object'
          ? Object.fromEntries(Object.entries(t.templates).filter(([, v]: [string, any]) => typeof v?.text === 'string').map(([k, v]: [string, any]) => [k, v.text]))
          : undefined,
        includes: strings(t.includes),
        excludes: strings(t.excludes),
        excludeRaw: bool(t.excludeRaw),
      }) : undefined,
    }),
    rolloutRestartTargets: Array.isArray(spec.rolloutRestartTargets)
      ? spec.rolloutRestartTargets.map((x: any) => ({ kind: x.kind, name: x.name }))
      : undefined,
  };
}

function vaultStaticSecret(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  const pre: string[] = [];
  const props = syncedProps(ctx, o, pre);
  const version = spec.type === 'kv-v1' ? 'V1' : spec.type === 'kv-v2' ? 'V2' : undefined;
  if (!version || typeof spec.mount !== 'string') throw new Fallback(`its type ${spec.type} or mount ${spec.mount} is not a KV mount the construct can name`);
  const mount = ctx.variable(spec.mount, 'mount');
  lib(ctx, 'VaultKvMount', 'VaultKvVersion');
  pre.push(`const ${mount} = VaultKvMount.fromMountPath(chart, ${quote(ctx.id(`VaultKvMount-${md.namespace}-${md.name}`))}, ${quote(spec.mount)}, VaultKvVersion.${version});`);
  const c = construct(ctx, 'VaultStaticSecret', o, {
    ...props,
    mount: code(mount),
    path: str(spec.path),
    version: num(spec.version),
    refreshAfter: duration(ctx, spec.refreshAfter),
    hmacSecretData: bool(spec.hmacSecretData),
  }, pre);
  return { construct: 'VaultStaticSecret', ...c, apiObject: `${c.variable}.apiObject`, produces: { [`${md.namespace}/${spec.destination?.name ?? md.name}`]: c.variable } };
}

function vaultDynamicSecret(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  const pre: string[] = [];
  const props = syncedProps(ctx, o, pre);
  const c = construct(ctx, 'VaultDynamicSecret', o, {
    ...props,
    mount: str(spec.mount),
    path: str(spec.path),
    params: stringMap(spec.params),
    requestMethod: member(ctx, 'VaultRequestMethod', { GET: 'GET', POST: 'POST', PUT: 'PUT' }, spec.requestHTTPMethod),
    renewalPercent: num(spec.renewalPercent),
    revoke: bool(spec.revoke),
    allowStaticCreds: bool(spec.allowStaticCreds),
    refreshAfter: duration(ctx, spec.refreshAfter),
  }, pre);
  return { construct: 'VaultDynamicSecret', ...c, apiObject: `${c.variable}.apiObject`, produces: { [`${md.namespace}/${spec.destination?.name ?? md.name}`]: c.variable } };
}

function vaultPkiSecret(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const spec = o.spec ?? {};
  const pre: string[] = [];
  const props = syncedProps(ctx, o, pre);
  const c = construct(ctx, 'VaultPKISecret', o, {
    ...props,
    mount: str(spec.mount),
    role: str(spec.role),
    commonName: str(spec.commonName),
    altNames: strings(spec.altNames),
    ipSans: strings(spec.ipSans),
    uriSans: strings(spec.uriSans),
    ttl: duration(ctx, spec.ttl),
    expiryOffset: duration(ctx, spec.expiryOffset),
    format: member(ctx, 'VaultPkiFormat', { pem: 'PEM', der: 'DER', pem_bundle: 'PEM_BUNDLE' }, spec.format),
    privateKeyFormat: member(ctx, 'VaultPkiPrivateKeyFormat', { der: 'DER', pkcs8: 'PKCS8' }, spec.privateKeyFormat),
    issuerRef: str(spec.issuerRef),
    excludeCnFromSans: bool(spec.excludeCNFromSans),
    revoke: bool(spec.revoke),
    clear: bool(spec.clear),
  }, pre);
  return { construct: 'VaultPKISecret', ...c, apiObject: `${c.variable}.apiObject`, produces: { [`${md.namespace}/${spec.destination?.name ?? md.name}`]: c.variable } };
}

/** The emitters, by `group/Kind` (after the documented apiVersion upgrades). */
export const EMITTERS: { [groupKind: string]: (ctx: EmitContext, o: any) => Emitted } = {
  'external-secrets.io/SecretStore': secretStore,
  'external-secrets.io/ClusterSecretStore': secretStore,
  'external-secrets.io/ExternalSecret': externalSecret,
  'external-secrets.io/ClusterExternalSecret': clusterExternalSecret,
  'external-secrets.io/PushSecret': pushSecret,
  'secrets-store.csi.x-k8s.io/SecretProviderClass': secretProviderClass,
  'secrets.hashicorp.com/VaultConnection': vaultConnection,
  'secrets.hashicorp.com/VaultAuth': vaultAuth,
  'secrets.hashicorp.com/VaultStaticSecret': vaultStaticSecret,
  'secrets.hashicorp.com/VaultDynamicSecret': vaultDynamicSecret,
  'secrets.hashicorp.com/VaultPKISecret': vaultPkiSecret,
};

/**
 * The order objects are written in: what others reference first (connections, auths, stores, classes), then what
 * reads through them, then workloads, then the rest.
 */
export function emitOrder(o: any): number {
  const kind = o?.kind;
  if (['VaultConnection', 'SecretStore', 'ClusterSecretStore', 'SecretProviderClass'].includes(kind)) return 0;
  if (kind === 'VaultAuth') return 1;
  if (['ExternalSecret', 'ClusterExternalSecret', 'PushSecret', 'VaultStaticSecret', 'VaultDynamicSecret', 'VaultPKISecret', 'SealedSecret', 'Secret'].includes(kind)) return 2;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'].includes(kind)) return 3;
  return 4;
}

// ---------------------------------------------------------------- Workloads

const WORKLOADS: { [kind: string]: string } = { Deployment: 'Deployment', StatefulSet: 'StatefulSet', DaemonSet: 'DaemonSet', Job: 'Job' };
/** Reloader annotations a SecretConsumer derives on the workload's own metadata. */
const DERIVED_RELOADER_KEYS = [
  'reloader.stakater.com/auto', 'secret.reloader.stakater.com/reload', 'secretproviderclass.reloader.stakater.com/reload',
  'secretproviderclass.reloader.stakater.com/auto', 'secrets.exclude.reloader.stakater.com/reload',
];
const CSI_DRIVER = 'secrets-store.csi.k8s.io';

/** A Secret the workload consumes: the program's producer of it, or a Secret named as existing. */
function consumedSecret(ctx: EmitContext, namespace: string, name: string, pre: string[], refs: Map<string, string>): string {
  const own = ctx.produced.get(`${namespace}/${name}`);
  if (own) return own;
  const known = refs.get(name);
  if (known) return known;
  const v = ctx.variable(name, 'secret');
  lib(ctx, 'KubernetesSecret');
  pre.push(`// Secret ${namespace}/${name} is produced by nothing among the imported objects: named as existing.`);
  pre.push(`const ${v} = KubernetesSecret.fromSecretName(chart, ${quote(ctx.id(`Secret-ref-${namespace}-${name}`))}, { name: ${quote(name)}, namespace: ${quote(namespace)} });`);
  refs.set(name, v);
  return v;
}

/**
 * A Deployment, StatefulSet, DaemonSet or Job as a cdk8s-plus workload whose Secrets are consumed through a
 * `SecretConsumer` (volumes, variables, SecretProviderClass mounts), so the Reloader wiring (or the producer's
 * rollout restart) is derived. The pod spec keeps the input's settings where cdk8s-plus would harden them (the
 * security context, the token mount): hardening is a choice the program should make, not the import.
 */
function workload(ctx: EmitContext, o: any): Emitted {
  const md = o.metadata ?? {};
  const cls = WORKLOADS[o.kind];
  if (o.kind === 'StatefulSet') {
    throw new Fallback('cdk8s-plus\'s StatefulSet creates its own headless Service (from container ports), an object the input does not have; '
      + 'port it to kplus.StatefulSet with its Service, then consume its Secrets with SecretConsumer');
  }
  const template = o.spec?.template ?? {};
  const pod = template.spec ?? {};
  if (typeof md.namespace !== 'string') throw new Fallback('it has no namespace, which SecretConsumer needs to know which Secrets it may consume');
  const containers: any[] = Array.isArray(pod.containers) ? pod.containers : [];
  if (containers.length === 0) throw new Fallback('its pod template has no containers');
  ctx.cdk8s.add('ApiObject');
  const pre: string[] = [];
  const refs = new Map<string, string>();
  const own = md.annotations ?? {};
  const annotations = Object.fromEntries(Object.entries(own).filter(([k]) => !DERIVED_RELOADER_KEYS.includes(k)));
  let mode: Code | undefined;
  if (own['reloader.stakater.com/auto'] === 'true') mode = code('ReloadMode.AUTO');
  else if (own['reloader.stakater.com/search'] === 'true' || own['reloader.stakater.com/auto'] === 'false') mode = code('ReloadMode.NONE');
  if (mode) lib(ctx, 'ReloadMode');
  const sa = typeof pod.serviceAccountName === 'string' ? pod.serviceAccountName : undefined;
  if (sa) {
    const v = ctx.variable(sa, 'serviceAccount');
    pre.push(`const ${v} = kplus.ServiceAccount.fromServiceAccountName(chart, ${quote(ctx.id(`ServiceAccount-ref-${md.namespace}-${sa}`))}, ${quote(sa)});`);
  }
  const saVar = sa ? camelOf(ctx, pre) : undefined;
  const props = defined({
    metadata: defined({
      name: md.name,
      namespace: md.namespace,
      labels: stringMap(md.labels),
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    }),
    // The API server's default is 1 (cdk8s-plus would write 2).
    replicas: o.kind === 'Deployment' ? num(o.spec?.replicas) ?? 1 : undefined,
    select: false,
    podMetadata: template.metadata && Object.keys(template.metadata).length > 0
      ? defined({ labels: stringMap(template.metadata.labels), annotations: stringMap(template.metadata.annotations) })
      : undefined,
    serviceAccount: saVar ? code(saVar) : undefined,
    // What the input's pod does: the token is mounted unless it says otherwise, and no security context is imposed.
    automountServiceAccountToken: bool(pod.automountServiceAccountToken),
    securityContext: { ensureNonRoot: pod.securityContext?.runAsNonRoot === true },
    restartPolicy: ({ Always: code('kplus.RestartPolicy.ALWAYS'), OnFailure: code('kplus.RestartPolicy.ON_FAILURE'), Never: code('kplus.RestartPolicy.NEVER') } as any)[pod.restartPolicy],
    containers: containers.map((c) => defined({
      name: str(c.name),
      image: str(c.image),
      command: strings(c.command),
      args: strings(c.args),
      workingDir: str(c.workingDir),
      imagePullPolicy: pullPolicy(c),
      securityContext: {
        ensureNonRoot: c.securityContext?.runAsNonRoot === true,
        readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem === true,
        privileged: c.securityContext?.privileged === true,
        allowPrivilegeEscalation: c.securityContext?.allowPrivilegeEscalation,
      },
      resources: {},
    })),
    ...(o.kind === 'StatefulSet' && typeof o.spec?.serviceName === 'string' ? { service: undefined } : {}),
  });
  const c = construct(ctx, `kplus.${cls}`, o, props, pre, [md.name ?? cls, cls]);
  ctx.lib.delete(`kplus.${cls}`);
  const lines = [...c.lines];
  const selector = o.spec?.selector?.matchLabels;
  if (stringMap(selector)) lines.push(`${c.variable}.select(kplus.LabelSelector.of({ labels: ${inline(selector)} }));`);
  const consumer = ctx.variable(md.name ?? cls, 'consumer');
  lib(ctx, 'SecretConsumer');
  lines.push(`const ${consumer} = new SecretConsumer(${c.variable}, 'SecretConsumer', ${literal(defined({ workload: code(c.variable), reload: mode ? { mode } : undefined }))});`);
  const volumes: any[] = Array.isArray(pod.volumes) ? pod.volumes : [];
  containers.forEach((ct, i) => {
    const container = `${c.variable}.containers[${i}]`;
    for (const vm of Array.isArray(ct.volumeMounts) ? ct.volumeMounts : []) {
      const vol = volumes.find((v) => v.name === vm.name);
      if (!vol || vm.subPath !== undefined) continue;
      if (vol.secret && typeof vol.secret.secretName === 'string') {
        const s = consumedSecret(ctx, md.namespace, vol.secret.secretName, lines, refs);
        lines.push(`${consumer}.mount(${container}, ${s}, ${literal(defined({
          path: vm.mountPath,
          keys: Array.isArray(vol.secret.items)
            ? vol.secret.items.map((it: any) => defined({ key: it.key, path: it.path, mode: num(it.mode) }))
            : undefined,
          defaultMode: num(vol.secret.defaultMode) !== undefined ? code(`0o${vol.secret.defaultMode.toString(8)}`) : code('0o644'),
          optional: bool(vol.secret.optional),
        }))});`);
      } else if (vol.csi?.driver === CSI_DRIVER && typeof vol.csi.volumeAttributes?.secretProviderClass === 'string') {
        const spc = ctx.l2.get(`SecretProviderClass/${md.namespace}/${vol.csi.volumeAttributes.secretProviderClass}`);
        if (spc) lines.push(`${consumer}.mountSecretProviderClass(${container}, ${spc}, { path: ${quote(vm.mountPath)} });`);
      }
    }
    const env: any[] = Array.isArray(ct.env) ? ct.env : [];
    const bySecret = new Map<string, { [name: string]: string }>();
    for (const e of env) {
      const ref = e?.valueFrom?.secretKeyRef;
      if (ref && typeof ref.name === 'string' && typeof ref.key === 'string' && ref.optional === undefined) {
        bySecret.set(ref.name, { ...(bySecret.get(ref.name) ?? {}), [e.name]: ref.key });
      }
    }
    for (const [name, variables] of bySecret) {
      const s = consumedSecret(ctx, md.namespace, name, lines, refs);
      lines.push(`${consumer}.env(${container}, ${s}, { variables: ${inline(variables)} });`);
    }
    for (const ef of Array.isArray(ct.envFrom) ? ct.envFrom : []) {
      if (typeof ef?.secretRef?.name === 'string' && ef.prefix === undefined && ef.secretRef.optional === undefined) {
        lines.push(`${consumer}.envFrom(${container}, ${consumedSecret(ctx, md.namespace, ef.secretRef.name, lines, refs)});`);
      }
    }
  });
  return { construct: `kplus.${cls} + SecretConsumer`, lines, variable: c.variable, apiObject: `ApiObject.of(${c.variable})`, l1Keys: true };
}

/** The image pull policy, as written or as the API server defaults it (Always for `:latest` or no tag). */
function pullPolicy(c: any): Code {
  const image = String(c.image ?? '');
  const policy = c.imagePullPolicy ?? (/:[^/:@]+$/.test(image) && !image.endsWith(':latest') || image.includes('@') ? 'IfNotPresent' : 'Always');
  return code(`kplus.ImagePullPolicy.${({ Always: 'ALWAYS', IfNotPresent: 'IF_NOT_PRESENT', Never: 'NEVER' } as any)[policy] ?? 'ALWAYS'}`);
}

/** The variable of the ServiceAccount reference just written into `pre`. */
function camelOf(_ctx: EmitContext, pre: string[]): string {
  return /^const ([A-Za-z0-9_$]+) =/.exec(pre[pre.length - 1])![1];
}

for (const kind of Object.keys(WORKLOADS)) EMITTERS[`apps/${kind}`] = workload;
EMITTERS['/Pod'] = () => {
  throw new Fallback('it is a bare Pod; SecretConsumer wires workloads (Deployment, DaemonSet, Job): run it from one of those to have its Secrets consumed and its restarts derived');
};
EMITTERS['batch/Job'] = workload;
delete EMITTERS['apps/Job'];
