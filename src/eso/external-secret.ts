import * as kms from 'aws-cdk-lib/aws-kms';
import { ApiObject, Duration, Lazy, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { StoreProviderKind } from './provider';
import { RemoteRefOperation, RemoteRefUse } from './remote-ref';
import { ISecretStore, SecretStoreKind, resolveStore } from './store';
import { ISecretsManagerEntry } from '../aws/secrets-manager-entry';
import { omitNamespace } from '../core/cluster-scope';
import { durationProp } from '../core/duration';
import { validationError } from '../core/errors';
import { IProducedSecret, RolloutRestartTarget, SecretProducerKind } from '../core/produced-secret';
import { claimSecretName } from '../core/secret-registry';
import { missingSecretKeys } from '../core/secret-types';
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey, requireConcrete, resolveNamespace } from '../core/validate';
import { requireConcreteManifest } from '../identity/bridge';
import type * as L1 from '../imports/external-secrets.io';
import { SecretReadGrant } from '../workloads/secret-read-grant';

// The generated CRD module loads when the first object is built, not with the package (load time).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const l1 = (): typeof L1 => require('../imports/external-secrets.io');

/** Who owns the target Secret (`target.creationPolicy`). */
export enum CreationPolicy {
  /** ESO creates the Secret and owns it (garbage-collected with the ExternalSecret). The API default. */
  OWNER = 'Owner',
  /** ESO creates the Secret but does not own it. */
  ORPHAN = 'Orphan',
  /** ESO merges into an existing Secret and never creates it. */
  MERGE = 'Merge',
  /** ESO creates the Secret if missing, else merges into it. */
  CREATE_OR_MERGE = 'CreateOrMerge',
  /** ESO neither creates nor updates the Secret. */
  NONE = 'None',
}

/** What happens to the target Secret when the remote secret disappears (`target.deletionPolicy`). */
export enum DeletionPolicy {
  /** Keep the Secret as it is. The API default. */
  RETAIN = 'Retain',
  /** Delete the Secret. */
  DELETE = 'Delete',
  /** Remove only the keys ESO manages. */
  MERGE = 'Merge',
}

/** When ESO refreshes (`refreshPolicy`). */
export enum RefreshPolicy {
  /** Every `refreshInterval`. */
  PERIODIC = 'Periodic',
  /** Once, when the Secret is created. */
  CREATED_ONCE = 'CreatedOnce',
  /** When the ExternalSecret changes. */
  ON_CHANGE = 'OnChange',
}

/** Whether the remote secret's value or its metadata (tags, labels) is read (`metadataPolicy`). */
export enum MetadataPolicy {
  /** The value. The default. */
  NONE = 'None',
  /**
   * The metadata instead of the value (AWS: the tags as JSON, read with `secretsmanager:DescribeSecret` or
   * `ssm:ListTagsForResource`, which are then granted instead of the value reads).
   */
  FETCH = 'Fetch',
}

/** How remote values are converted (`conversionStrategy`). */
export enum ConversionStrategy {
  /** No conversion. The default. */
  DEFAULT = 'Default',
  /** Unicode-escape conversion. */
  UNICODE = 'Unicode',
}

/** How remote values are decoded (`decodingStrategy`). */
export enum DecodingStrategy {
  /** No decoding. The default. */
  NONE = 'None',
  /** Decode base64 or base64url when the value is encoded. */
  AUTO = 'Auto',
  /** Standard base64. */
  BASE64 = 'Base64',
  /** URL-safe base64. */
  BASE64_URL = 'Base64URL',
}

/** How a template combines with the fetched data (`target.template.mergePolicy`). */
export enum TemplateMergePolicy {
  /** Only the templated keys. The default. */
  REPLACE = 'Replace',
  /** The templated keys merged with the fetched data. */
  MERGE = 'Merge',
}

/** Options of a remote reference. */
export interface RemoteRefOptions {
  /**
   * The JSON key (property) to read from the remote secret.
   * @default - the whole value
   */
  readonly property?: string;
  /**
   * The remote version (AWS: a version stage such as `AWSCURRENT`, or `uuid/<id>`).
   * @default - the current version
   */
  readonly version?: string;
  /**
   * Whether to fetch metadata too.
   * @default MetadataPolicy.NONE
   */
  readonly metadataPolicy?: MetadataPolicy;
  /**
   * Value conversion.
   * @default ConversionStrategy.DEFAULT
   */
  readonly conversionStrategy?: ConversionStrategy;
  /**
   * Value decoding.
   * @default DecodingStrategy.NONE
   */
  readonly decodingStrategy?: DecodingStrategy;
}

/** One key of the target Secret, read from one remote secret (`data[]`). */
export interface ExternalSecretData extends RemoteRefOptions {
  /** The key in the Kubernetes Secret. */
  readonly secretKey: string;
  /**
   * The remote key (secret name or ARN, parameter name, or Vault path).
   * @default - the name of `secretsManagerEntry`
   */
  readonly remoteKey?: string;
  /**
   * The Secrets Manager entry read (gives exact ARNs and its KMS key to the derived permissions).
   * @default - only `remoteKey` is known
   */
  readonly secretsManagerEntry?: ISecretsManagerEntry;
}

/** Options for `DataFrom.extract`. */
export interface ExtractOptions extends RemoteRefOptions {
  /**
   * The remote key whose JSON is extracted into the Secret's keys.
   * @default - the name of `secretsManagerEntry`
   */
  readonly remoteKey?: string;
  /**
   * The Secrets Manager entry extracted.
   * @default - only `remoteKey` is known
   */
  readonly secretsManagerEntry?: ISecretsManagerEntry;
  /**
   * Rewrites of the extracted keys.
   * @default - none
   */
  readonly rewrite?: Rewrite[];
}

/** Options for `DataFrom.find`. */
export interface FindOptions {
  /**
   * Only secrets whose name starts with this path. Also scopes the derived `GetSecretValue` (`<path>*`).
   * The AWS providers need `nameRegexp` or `tags` besides the path.
   * @default - no path
   */
  readonly path?: string;
  /**
   * Only secrets whose name matches this regular expression.
   * @default - any name
   */
  readonly nameRegexp?: string;
  /**
   * Only secrets with these tags.
   * @default - any tags
   */
  readonly tags?: { [key: string]: string };
  /**
   * Name patterns (with `*`) that every found secret matches, used to scope the derived `GetSecretValue`
   * when there is no path.
   * @default - the path as a prefix
   */
  readonly readScope?: string[];
  /**
   * Grant `GetSecretValue` on every secret (`Resource: "*"`), for finds by name or tags whose matches
   * cannot be scoped.
   * @default false
   */
  readonly allowReadAnySecret?: boolean;
  /**
   * Customer-managed KMS keys the found secrets are encrypted with: the store's identity gets `kms:Decrypt`
   * on them with `kms:ViaService = secretsmanager.<region>.amazonaws.com`.
   * @default - none (the secrets use the AWS managed key)
   */
  readonly encryptionKeys?: kms.IKey[];
  /**
   * Value conversion.
   * @default ConversionStrategy.DEFAULT
   */
  readonly conversionStrategy?: ConversionStrategy;
  /**
   * Value decoding.
   * @default DecodingStrategy.NONE
   */
  readonly decodingStrategy?: DecodingStrategy;
  /**
   * Rewrites of the found keys.
   * @default - none
   */
  readonly rewrite?: Rewrite[];
}

/** A rewrite of keys fetched by `dataFrom` (`rewrite[]`). */
export class Rewrite {
  /** Replaces `source` (a regular expression) with `target` in every key. */
  public static regexp(source: string, target: string): Rewrite {
    return new Rewrite({ regexp: { source, target } });
  }

  /** Renders every key through a Go template (`{{ .value }}` is the key). */
  public static transform(template: string): Rewrite {
    return new Rewrite({ transform: { template } });
  }

  private constructor(/** @internal */ public readonly _spec: any) {}
}

/** A `dataFrom[]` entry: many keys from one remote secret (extract) or from many (find). */
export class DataFrom {
  /** Every JSON key of one remote secret becomes a key of the Secret. */
  public static extract(options: ExtractOptions): DataFrom {
    return new DataFrom(options, undefined);
  }

  /** Every remote secret matching a path, name or tags becomes a key of the Secret. */
  public static find(options: FindOptions): DataFrom {
    return new DataFrom(undefined, options);
  }

  private constructor(
    /** @internal */ public readonly _extract: ExtractOptions | undefined,
    /** @internal */ public readonly _find: FindOptions | undefined,
  ) {}
}

/** The shape of the target Secret (`target.template`). */
export interface TargetTemplate {
  /**
   * The Secret's type, such as `kubernetes.io/dockerconfigjson`.
   * @default 'Opaque'
   */
  readonly type?: string;
  /**
   * Templated keys (Go templates over the fetched keys, such as `postgres://{{ .username }}:{{ .password }}@db`).
   * @default - the fetched keys as they are
   */
  readonly data?: { [key: string]: string };
  /**
   * Labels on the Secret.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations on the Secret.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * How templated keys combine with fetched keys.
   * @default TemplateMergePolicy.REPLACE
   */
  readonly mergePolicy?: TemplateMergePolicy;
}

/** What an ExternalSecret syncs; shared by `ExternalSecret` and `ClusterExternalSecret`. */
export interface ExternalSecretOptions {
  /** The store to read through. */
  readonly store: ISecretStore;
  /**
   * The target Secret's name.
   * @default - the ExternalSecret's name
   */
  readonly targetName?: string;
  /**
   * Keys read one by one.
   * @default - none (then `dataFrom` is required)
   */
  readonly data?: ExternalSecretData[];
  /**
   * Keys read in bulk.
   * @default - none
   */
  readonly dataFrom?: DataFrom[];
  /**
   * How often ESO re-reads the remote secret; zero disables refresh.
   * @default - one hour (`1h0m0s`, ESO's default)
   */
  readonly refreshInterval?: Duration;
  /**
   * When ESO refreshes.
   * @default - ESO's behaviour (periodic), field not written
   */
  readonly refreshPolicy?: RefreshPolicy;
  /**
   * Who owns the Secret.
   * @default CreationPolicy.OWNER
   */
  readonly creationPolicy?: CreationPolicy;
  /**
   * What happens to the Secret when the remote secret is deleted.
   * @default DeletionPolicy.RETAIN
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * A template for the Secret.
   * @default - an Opaque Secret with the fetched keys
   */
  readonly template?: TargetTemplate;
  /**
   * Make the Secret immutable.
   * @default false
   */
  readonly immutable?: boolean;
}

/** Props for `ExternalSecret`. */
export interface ExternalSecretProps extends ExternalSecretOptions {
  /**
   * The ExternalSecret's name.
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /**
   * The namespace.
   * @default - the chart's namespace (an error if the chart has none)
   */
  readonly namespace?: string;
}

/** The remote key of a data entry: `remoteKey`, or the name of its Secrets Manager entry (they must agree). @internal */
export function remoteKeyOf(scope: IConstruct, prop: string, remoteKey: string | undefined, entry: ISecretsManagerEntry | undefined): string {
  const key = remoteKey ?? entry?.secretName;
  if (key === undefined || key.length === 0) {
    throw validationError(scope, { code: 'CS-ESO-005', prop, problem: 'needs a remote key', fix: 'pass remoteKey or secretsManagerEntry' });
  }
  requireConcrete(scope, prop, key, 'pass the remote key as a literal string, or pass the SecretsManagerEntry');
  if (entry && remoteKey !== undefined && remoteKey !== entry.secretName) {
    throw validationError(scope, {
      code: 'CS-ESO-006',
      prop,
      value: remoteKey,
      problem: `differs from the name of secretsManagerEntry (${entry.secretName})`,
      fix: 'pass only secretsManagerEntry',
    });
  }
  return key;
}

/** A `property` that is a plain JSON key must be one of the entry's known JSON keys (when they are known). */
function checkPropertyKnown(scope: IConstruct, prop: string, property: string | undefined, entry: ISecretsManagerEntry | undefined): void {
  if (property === undefined || entry === undefined) return;
  const known = entry.jsonKeys;
  // Only plain keys are judged: a gjson path ("a.b", "list.0") may reach into nested values.
  if (known.length === 0 || !/^[A-Za-z0-9_-]+$/.test(property) || known.includes(property)) return;
  throw validationError(scope, {
    code: 'CS-ESO-007',
    prop,
    value: property,
    problem: `is not a JSON key of secret "${entry.secretName}" (its keys: ${[...known].sort().join(', ')}); ESO would fail to sync`,
    fix: 'use one of the secret\'s JSON keys, or add the key to the SecretsManagerEntry',
  });
}

function remoteRefSpec(o: RemoteRefOptions, key: string): any {
  // Every field the API server (or ESO) would otherwise fill is written, so GitOps tools see no drift.
  return {
    key,
    ...(o.property !== undefined ? { property: o.property } : {}),
    ...(o.version !== undefined ? { version: o.version } : {}),
    conversionStrategy: o.conversionStrategy ?? ConversionStrategy.DEFAULT,
    decodingStrategy: o.decodingStrategy ?? DecodingStrategy.NONE,
    metadataPolicy: o.metadataPolicy ?? MetadataPolicy.NONE,
  };
}

/** A Secrets Manager entry must be readable through the store: same backend, a region that holds it, no key prefix. @internal */
export function checkEntryFits(scope: IConstruct, prop: string, store: ISecretStore, entry: ISecretsManagerEntry | undefined): void {
  if (!entry || !store.provider) return;
  if (store.provider.kind !== StoreProviderKind.AWS_SECRETS_MANAGER) {
    throw validationError(scope, {
      code: 'CS-ESO-008',
      prop,
      value: entry.secretName,
      problem: `is a Secrets Manager entry, but store ${store.storeName} reads from ${store.provider.kind}`,
      fix: 'use a store built with `StoreProvider.awsSecretsManager`',
    });
  }
  const prefix = store.provider._awsPrefix();
  if (prefix) {
    throw validationError(scope, {
      code: 'CS-ESO-009',
      prop,
      value: entry.secretName,
      problem: `is used through store ${store.storeName}, which adds the prefix "${prefix}" to every key; ESO would read "${prefix}${entry.secretName}", not this entry`,
      fix: 'use a store without prefix for SecretsManagerEntry references, or pass remoteKey (the name without the prefix)',
    });
  }
  // Throws when the store's region neither holds nor replicates the secret.
  entry.arnPatternIn(store.provider.region!);
}

type Use = Omit<RemoteRefUse, 'consumer' | 'consumerKind' | 'consumerName' | 'consumerNamespace' | 'storeName' | 'storeKind'>;

/**
 * Builds an ExternalSecret spec. `data` and `dataFrom` grow through addData/addDataFrom and are rendered
 * lazily; every entry is validated and its remote uses are reported as it is added.
 * @internal
 */
export class ExternalSecretSpecBuilder {
  public readonly spec: any;
  private readonly data: any[] = [];
  private readonly dataFrom: any[] = [];
  private readonly dataKeys: string[] = [];
  // The keys each dataFrom entry produces, when known at synth (an extract of an entry with known JSON keys).
  private readonly dataFromKeys: Array<string[] | undefined> = [];
  private readonly template?: TargetTemplate;

  public constructor(private readonly scope: IConstruct, o: ExternalSecretOptions, targetName: string,
    private readonly store: ISecretStore, private readonly onUse: (use: Use) => void, private readonly specPath = 'spec') {
    const refreshInterval = o.refreshInterval === undefined ? '1h0m0s' : durationProp(scope, 'refreshInterval', o.refreshInterval, { allowZero: true });
    this.template = o.template;
    const t = o.template;
    let template: any;
    if (t) {
      for (const k of Object.keys(t.data ?? {})) checkSecretKey(scope, `template.data.${k}`, k);
      template = {
        engineVersion: 'v2',
        mergePolicy: t.mergePolicy ?? TemplateMergePolicy.REPLACE,
        type: t.type ?? 'Opaque',
        ...(t.data ? { data: { ...t.data } } : {}),
        ...(t.labels || t.annotations ? {
          metadata: {
            ...(t.labels ? { labels: { ...t.labels } } : {}),
            ...(t.annotations ? { annotations: { ...t.annotations } } : {}),
          },
        } : {}),
      };
    }
    this.spec = {
      refreshInterval,
      ...(o.refreshPolicy ? { refreshPolicy: o.refreshPolicy } : {}),
      secretStoreRef: { kind: store.storeKind, name: store.storeName },
      target: {
        name: targetName,
        creationPolicy: o.creationPolicy ?? CreationPolicy.OWNER,
        deletionPolicy: o.deletionPolicy ?? DeletionPolicy.RETAIN,
        ...(o.immutable ? { immutable: true } : {}),
        ...(template ? { template } : {}),
      },
      data: Lazy.any({ produce: () => (this.data.length > 0 ? [...this.data] : undefined) }),
      dataFrom: Lazy.any({ produce: () => (this.dataFrom.length > 0 ? [...this.dataFrom] : undefined) }),
    };
    // data and dataFrom (Lazy) are checked entry by entry as they are added.
    requireConcreteManifest(scope, specPath, this.spec);
    for (const d of o.data ?? []) this.addData(d);
    for (const df of o.dataFrom ?? []) this.addDataFrom(df);
    if (this.data.length === 0 && this.dataFrom.length === 0) {
      throw validationError(scope, { code: 'CS-ESO-010', prop: 'data', problem: 'is empty and there is no dataFrom, so nothing is synced', fix: 'add data entries or dataFrom' });
    }
    const type = o.template?.type;
    if (type !== undefined) scope.node.addValidation({ validate: () => this.checkTypeKeys(type) });
  }

  private checkTypeKeys(type: string): string[] {
    const keys = this.knownKeys();
    if (keys === undefined) return [];
    const missing = missingSecretKeys(type, keys);
    if (missing === undefined) return [];
    return [validationError(this.scope, {
      code: 'CS-ESO-011',
      prop: 'template.type',
      value: type,
      problem: `needs the key ${missing}, but the target Secret would hold only ${keys.length > 0 ? keys.map((k) => `"${k}"`).join(', ') : 'no keys'}; the API server would refuse it and ESO could never write it`,
      fix: `add a data entry or a template.data key named ${missing}, or use the type Opaque`,
    }).message];
  }

  public addData(d: ExternalSecretData): void {
    const scope = this.scope;
    const i = this.data.length;
    checkSecretKey(scope, `data[${i}].secretKey`, d.secretKey);
    if (this.dataKeys.includes(d.secretKey)) {
      throw validationError(scope, {
        code: 'CS-ESO-012',
        prop: `data[${i}].secretKey`,
        value: d.secretKey,
        problem: 'is used twice; the second value would silently overwrite the first',
        fix: 'give each data entry its own secretKey',
      });
    }
    const key = remoteKeyOf(scope, `data[${i}].remoteKey`, d.remoteKey, d.secretsManagerEntry);
    checkEntryFits(scope, `data[${i}].secretsManagerEntry`, this.store, d.secretsManagerEntry);
    checkPropertyKnown(scope, `data[${i}].property`, d.property, d.secretsManagerEntry);
    const entry = { secretKey: d.secretKey, remoteRef: remoteRefSpec(d, key) };
    requireConcreteManifest(scope, `${this.specPath}.data[${i}]`, entry);
    this.onUse({
      operation: RemoteRefOperation.READ,
      key,
      property: d.property,
      version: d.version,
      metadataPolicyFetch: d.metadataPolicy === MetadataPolicy.FETCH,
      secretsManagerEntry: d.secretsManagerEntry,
    });
    this.dataKeys.push(d.secretKey);
    this.data.push(entry);
  }

  public addDataFrom(df: DataFrom): void {
    const scope = this.scope;
    const i = this.dataFrom.length;
    const rewrite = (df._extract?.rewrite ?? df._find?.rewrite ?? []).map((r) => r._spec);
    const rw = rewrite.length > 0 ? { rewrite } : {};
    requireConcreteManifest(scope, `${this.specPath}.dataFrom[${i}].rewrite`, rewrite);
    if (df._extract) {
      const e = df._extract;
      const key = remoteKeyOf(scope, `dataFrom[${i}].extract.remoteKey`, e.remoteKey, e.secretsManagerEntry);
      requireConcreteManifest(scope, `${this.specPath}.dataFrom[${i}].extract`, remoteRefSpec(e, key));
      checkEntryFits(scope, `dataFrom[${i}].extract.secretsManagerEntry`, this.store, e.secretsManagerEntry);
      checkPropertyKnown(scope, `dataFrom[${i}].extract.property`, e.property, e.secretsManagerEntry);
      this.onUse({
        operation: RemoteRefOperation.READ,
        key,
        property: e.property,
        version: e.version,
        metadataPolicyFetch: e.metadataPolicy === MetadataPolicy.FETCH,
        secretsManagerEntry: e.secretsManagerEntry,
      });
      // The extracted keys are known when the entry's JSON keys are, the whole value is extracted, and no
      // rewrite renames them.
      const known = e.secretsManagerEntry?.jsonKeys ?? [];
      const plain = known.length > 0 && e.property === undefined && rewrite.length === 0 && e.metadataPolicy !== MetadataPolicy.FETCH;
      this.dataFromKeys.push(plain ? [...known] : undefined);
      this.dataFrom.push({ extract: remoteRefSpec(e, key), ...rw });
      return;
    }
    const f = df._find!;
    requireConcreteManifest(scope, `${this.specPath}.dataFrom[${i}].find`, { path: f.path, name: { regexp: f.nameRegexp }, tags: f.tags });
    if (f.path === undefined && f.nameRegexp === undefined && f.tags === undefined) {
      throw validationError(scope, {
        code: 'CS-ESO-013',
        prop: `dataFrom[${i}].find`,
        problem: 'has no path, nameRegexp or tags, so it matches every secret',
        fix: 'narrow the find with a path, a nameRegexp or tags',
      });
    }
    const kind = this.store.provider?.kind;
    if (f.nameRegexp === undefined && f.tags === undefined
      && (kind === StoreProviderKind.AWS_SECRETS_MANAGER || kind === StoreProviderKind.AWS_PARAMETER_STORE)) {
      throw validationError(scope, {
        code: 'CS-ESO-014',
        prop: `dataFrom[${i}].find`,
        value: f.path,
        problem: `has only a path; ESO's ${kind} provider finds by name or by tags (a path only narrows them) and fails with "unexpected find operator"`,
        fix: 'add nameRegexp: ".*" to take every secret under the path, or tags',
      });
    }
    if (f.nameRegexp !== undefined) {
      try {
        new RegExp(f.nameRegexp);
      } catch {
        throw validationError(scope, {
          code: 'CS-ESO-015',
          prop: `dataFrom[${i}].find.nameRegexp`,
          value: f.nameRegexp,
          problem: 'is not a valid regular expression',
          fix: 'write an RE2-compatible expression such as "^team-a/.*"',
        });
      }
    }
    this.onUse({
      operation: RemoteRefOperation.FIND,
      key: f.path ?? '',
      findNameRegexp: f.nameRegexp,
      findTags: f.tags ? { ...f.tags } : undefined,
      findReadScope: f.readScope ? [...f.readScope] : undefined,
      findAllowReadAnySecret: f.allowReadAnySecret ?? false,
      findEncryptionKeys: f.encryptionKeys ? [...f.encryptionKeys] : undefined,
    });
    this.dataFromKeys.push(undefined);
    this.dataFrom.push({
      find: {
        ...(f.path !== undefined ? { path: f.path } : {}),
        ...(f.nameRegexp !== undefined ? { name: { regexp: f.nameRegexp } } : {}),
        ...(f.tags !== undefined ? { tags: { ...f.tags } } : {}),
        conversionStrategy: f.conversionStrategy ?? ConversionStrategy.DEFAULT,
        decodingStrategy: f.decodingStrategy ?? DecodingStrategy.NONE,
      },
      ...rw,
    });
  }

  /** The keys of the target Secret, when known at synth (else empty). */
  public keys(): string[] {
    return this.knownKeys() ?? [];
  }

  /** The keys of the target Secret; undefined when only known at run time (a find, or an extract of unknown JSON). */
  public knownKeys(): string[] | undefined {
    const t = this.template;
    if (t?.data && (t.mergePolicy ?? TemplateMergePolicy.REPLACE) === TemplateMergePolicy.REPLACE) return Object.keys(t.data).sort();
    if (this.dataFromKeys.some((k) => k === undefined)) return undefined;
    const extracted = this.dataFromKeys.flatMap((k) => k ?? []);
    return [...new Set([...this.dataKeys, ...extracted, ...Object.keys(t?.data ?? {})])].sort();
  }
}

/**
 * An ESO `ExternalSecret` (`external-secrets.io/v1`): a Kubernetes Secret kept in sync with remote secrets.
 * Reading through an AWS store grants the store's identity exactly what is read.
 *
 * @example
 * new ExternalSecret(chart, 'Db', {
 *   name: 'external-secrets-demo', namespace: 'secrets-demo', store, targetName: 'ext-postgres-secret', refreshInterval: Duration.minutes(1),
 *   data: [
 *     { secretKey: 'username', remoteKey: 'demo/aws-sm/ext-postgres-secret', property: 'username' },
 *     { secretKey: 'password', remoteKey: 'demo/aws-sm/ext-postgres-secret', property: 'password' },
 *   ],
 * });
 */
export class ExternalSecret extends Construct implements IProducedSecret {
  /** The ExternalSecret's name. */
  public readonly name: string;
  /** The target Secret's name. */
  public readonly secretName: string;
  /** The namespace. */
  public readonly secretNamespace: string;
  /** Always EXTERNAL_SECRETS. */
  public readonly producerKind = SecretProducerKind.EXTERNAL_SECRETS;
  /** The store read through (resolved to its definition when imported by name). */
  public readonly store: ISecretStore;
  /** The L1 object. */
  public readonly apiObject: ApiObject;
  private readonly builder: ExternalSecretSpecBuilder;
  private readonly uses: RemoteRefUse[];

  public constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    const namespace = resolveNamespace(this, 'namespace', props.namespace);
    requireConcreteManifest(this, 'namespace', namespace);
    requireConcreteManifest(this, 'name', props.name);
    requireConcreteManifest(this, 'targetName', props.targetName);
    this.secretNamespace = checkDnsLabel(this, 'namespace', namespace);
    this.name = checkDnsSubdomain(this, 'name', props.name ?? Names.toDnsLabel(this));
    this.secretName = checkDnsSubdomain(this, 'targetName', props.targetName ?? this.name);
    this.store = resolveStore(this, props.store);
    if (this.store.storeKind === SecretStoreKind.SECRET_STORE && this.store.storeNamespace !== this.secretNamespace) {
      throw validationError(this, {
        code: 'CS-ESO-016',
        prop: 'store',
        value: `${this.store.storeNamespace}/${this.store.storeName}`,
        problem: `is a SecretStore in another namespace than the ExternalSecret (${this.secretNamespace}); ESO only resolves SecretStores of the ExternalSecret's own namespace`,
        fix: `create the SecretStore in namespace "${this.secretNamespace}", or use a ClusterSecretStore`,
      });
    }
    if (!this.store.admitsNamespace(this.secretNamespace)) {
      throw validationError(this, {
        code: 'CS-ESO-017',
        prop: 'store',
        value: this.store.storeName,
        problem: `is a ClusterSecretStore whose conditions do not admit namespace "${this.secretNamespace}"; ESO would refuse to sync`,
        fix: `add "${this.secretNamespace}" to the store's conditions, or use another store`,
      });
    }
    this.uses = [];
    this.builder = new ExternalSecretSpecBuilder(this, props, this.secretName, this.store, (u) => {
      const use: RemoteRefUse = {
        ...u,
        consumer: this.node.path,
        consumerKind: 'ExternalSecret',
        consumerName: this.name,
        consumerNamespace: this.secretNamespace,
        storeName: this.store.storeName,
        storeKind: this.store.storeKind,
      };
      this.uses.push(use);
      this.store.recordRemoteRef(use);
    });
    this.apiObject = new (l1().ExternalSecret)(this, 'Resource', {
      metadata: { name: this.name, namespace: this.secretNamespace },
      spec: this.builder.spec,
    });
    // Merge and None do not own the Secret (they add to one that something else creates, or only read).
    const policy = props.creationPolicy ?? CreationPolicy.OWNER;
    if (policy !== CreationPolicy.MERGE && policy !== CreationPolicy.NONE) {
      claimSecretName(this, props.targetName !== undefined ? 'targetName' : 'name', this.secretNamespace, this.secretName, 'the target of ExternalSecret');
    }
  }

  /**
   * Adds a key read from one remote secret (validated, and granted to the store's identity, at once).
   */
  public addData(data: ExternalSecretData): void {
    this.builder.addData(data);
  }

  /**
   * Adds a `dataFrom` entry (extract or find).
   */
  public addDataFrom(dataFrom: DataFrom): void {
    this.builder.addDataFrom(dataFrom);
  }

  /** The target Secret's keys: the `data` secretKeys (or the template's keys); empty when `dataFrom` is used. */
  public get secretKeys(): string[] {
    return this.builder.keys();
  }

  /** The remote secrets this ExternalSecret reads. */
  public get remoteRefs(): RemoteRefUse[] {
    return [...this.uses];
  }

  /**
   * Lets subjects read this Secret through the Kubernetes API: a Role with `get` on its name only, bound to the
   * subjects (see `SecretReadGrant`). No pod is changed.
   */
  public grantRead(...subjects: kplus.ISubject[]): SecretReadGrant {
    return SecretReadGrant.grant(this, subjects);
  }

  /** ESO cannot restart workloads itself: consumers fall back to Reloader. */
  public addRolloutRestartTarget(_target: RolloutRestartTarget): boolean {
    return false;
  }
}

/** Props for `ClusterExternalSecret`. */
export interface ClusterExternalSecretProps extends ExternalSecretOptions {
  /**
   * The ClusterExternalSecret's name.
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /**
   * The name of the ExternalSecret created in each namespace.
   * @default - the ClusterExternalSecret's name
   */
  readonly externalSecretName?: string;
  /**
   * Namespaces by name.
   * @default - none
   */
  readonly namespaces?: string[];
  /**
   * Namespaces by labels (each entry is one `matchLabels` selector; a namespace matching any gets the ExternalSecret).
   * @default - none
   */
  readonly namespaceSelectors?: Array<{ [key: string]: string }>;
  /**
   * How often the namespace list is re-evaluated.
   * @default - ESO's default, field not written
   */
  readonly refreshTime?: Duration;
}

/**
 * An ESO `ClusterExternalSecret`: one ExternalSecret in every selected namespace, reading through a
 * ClusterSecretStore.
 */
export class ClusterExternalSecret extends Construct {
  /** The ClusterExternalSecret's name. */
  public readonly name: string;
  /** The store read through. */
  public readonly store: ISecretStore;
  /** The L1 object. */
  public readonly apiObject: ApiObject;
  private readonly uses: RemoteRefUse[];

  public constructor(scope: Construct, id: string, props: ClusterExternalSecretProps) {
    super(scope, id);
    requireConcreteManifest(this, '', {
      name: props.name,
      externalSecretName: props.externalSecretName,
      targetName: props.targetName,
      namespaces: props.namespaces,
      namespaceSelectors: props.namespaceSelectors,
      refreshTime: props.refreshTime,
    });
    this.name = checkDnsSubdomain(this, 'name', props.name ?? Names.toDnsLabel(this));
    const esName = checkDnsSubdomain(this, 'externalSecretName', props.externalSecretName ?? this.name);
    this.store = resolveStore(this, props.store);
    if (this.store.storeKind !== SecretStoreKind.CLUSTER_SECRET_STORE) {
      throw validationError(this, {
        code: 'CS-ESO-018',
        prop: 'store',
        value: `${this.store.storeNamespace}/${this.store.storeName}`,
        problem: 'is a namespaced SecretStore; the ExternalSecrets a ClusterExternalSecret creates in other namespaces cannot use it',
        fix: 'use a ClusterSecretStore',
      });
    }
    const namespaces = props.namespaces ?? [];
    namespaces.forEach((ns, i) => {
      checkDnsLabel(this, `namespaces[${i}]`, ns);
      if (!this.store.admitsNamespace(ns)) {
        throw validationError(this, {
          code: 'CS-ESO-019',
          prop: `namespaces[${i}]`,
          value: ns,
          problem: `is not admitted by the conditions of ClusterSecretStore ${this.store.storeName}; ESO would refuse to sync there`,
          fix: `add "${ns}" to the store's conditions, or drop it here`,
        });
      }
    });
    const selectors = props.namespaceSelectors ?? [];
    if (namespaces.length === 0 && selectors.length === 0) {
      throw validationError(this, { code: 'CS-ESO-020', prop: 'namespaceSelectors', problem: 'and namespaces are both empty, so no namespace gets the ExternalSecret', fix: 'pass namespaces or namespaceSelectors' });
    }
    const refreshTime = props.refreshTime === undefined ? undefined : durationProp(this, 'refreshTime', props.refreshTime);
    this.uses = [];
    const builder = new ExternalSecretSpecBuilder(this, props, checkDnsSubdomain(this, 'targetName', props.targetName ?? esName), this.store, (u) => {
      const use: RemoteRefUse = {
        ...u,
        consumer: this.node.path,
        consumerKind: 'ClusterExternalSecret',
        consumerName: this.name,
        storeName: this.store.storeName,
        storeKind: this.store.storeKind,
      };
      this.uses.push(use);
      this.store.recordRemoteRef(use);
    }, 'spec.externalSecretSpec');
    this.apiObject = new (l1().ClusterExternalSecret)(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        externalSecretName: esName,
        // The embedded spec has the same schema as ExternalSecret.spec.
        externalSecretSpec: builder.spec,
        ...(namespaces.length > 0 ? { namespaces: [...namespaces] } : {}),
        ...(selectors.length > 0 ? { namespaceSelectors: selectors.map((s) => ({ matchLabels: { ...s } })) } : {}),
        ...(refreshTime ? { refreshTime } : {}),
      },
    });
    // Cluster-scoped: never the chart's namespace.
    omitNamespace(this.apiObject);
    const policy = props.creationPolicy ?? CreationPolicy.OWNER;
    if (policy !== CreationPolicy.MERGE && policy !== CreationPolicy.NONE) {
      const target = builder.spec.target.name as string;
      namespaces.forEach((ns, i) => claimSecretName(this, `namespaces[${i}]`, ns, target, 'the target of ClusterExternalSecret'));
    }
  }

  /** The remote secrets this ClusterExternalSecret reads. */
  public get remoteRefs(): RemoteRefUse[] {
    return [...this.uses];
  }
}
