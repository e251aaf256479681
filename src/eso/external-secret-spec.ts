// How an ExternalSecret's spec is built and checked: remote references, dataFrom, the target template, and the
// records of what each reference reads (for IAM and Vault policies). Shared by ExternalSecret and ClusterExternalSecret.
import { Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ConversionStrategy, CreationPolicy, DataFrom, DecodingStrategy, DeletionPolicy, ExternalSecretData, ExternalSecretOptions, MetadataPolicy, RemoteRefOptions, TargetTemplate, TemplateMergePolicy } from './external-secret-options';
import { StoreProviderKind } from './provider';
import { RemoteRefOperation, RemoteRefUse } from './remote-ref';
import { ISecretStore } from './store';
import { ISecretsManagerEntry } from '../aws/secrets-manager-entry';
import { durationProp } from '../core/duration';
import { validationError } from '../core/errors';
import { missingSecretKeys } from '../core/secret-types';
import { checkSecretKey, requireConcrete } from '../core/validate';
import { requireConcreteManifest } from '../identity/bridge';

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
export function checkPropertyKnown(scope: IConstruct, prop: string, property: string | undefined, entry: ISecretsManagerEntry | undefined): void {
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

export function remoteRefSpec(o: RemoteRefOptions, key: string): any {
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

export type Use = Omit<RemoteRefUse, 'consumer' | 'consumerKind' | 'consumerName' | 'consumerNamespace' | 'storeName' | 'storeKind'>;

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
