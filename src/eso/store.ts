import { ApiObject, Names } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { StoreProvider } from './provider';
import { RemoteRefUse } from './remote-ref';
import { omitNamespace } from '../core/cluster-scope';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { registeredInTree, registerInTree } from '../core/tree-cache';
import { checkDnsLabel, checkDnsSubdomain, resolveNamespace } from '../core/validate';
import { requireConcreteManifest } from '../identity/bridge';
import type * as L1 from '../imports/external-secrets.io';


/** The two kinds of ESO stores. */
export enum SecretStoreKind {
  /** A namespaced `SecretStore`: only ExternalSecrets of its namespace can use it. */
  SECRET_STORE = 'SecretStore',
  /** A cluster-wide `ClusterSecretStore`, limited by its `conditions`. */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/**
 * A SecretStore or ClusterSecretStore, defined in this program or elsewhere.
 */
export interface ISecretStore extends IConstruct {
  /** The store's name. */
  readonly storeName: string;
  /** SecretStore or ClusterSecretStore. */
  readonly storeKind: SecretStoreKind;
  /**
   * The store's namespace.
   * @default - none (ClusterSecretStore)
   */
  readonly storeNamespace?: string;
  /**
   * The store's backend.
   * @default - unknown (a store defined outside this program)
   */
  readonly provider?: StoreProvider;
  /** Whether the store is defined outside this program (no definition is required, no permissions are derived). */
  readonly definedOutsideProgram: boolean;
  /** The remote secrets read or written through this store by the ExternalSecrets and PushSecrets of this program. */
  readonly remoteRefs: RemoteRefUse[];
  /**
   * Records a use of a remote secret through this store and grants the store's identity what it needs.
   * Called by ExternalSecret, ClusterExternalSecret and PushSecret.
   */
  recordRemoteRef(use: RemoteRefUse): void;

  /**
   * Whether ExternalSecrets of a namespace may use this store, as far as the program knows: a SecretStore
   * admits its own namespace; a ClusterSecretStore admits what its conditions admit (namespace names and
   * regular expressions; a label condition admits any namespace, since labels are known only at run time).
   */
  admitsNamespace(namespace: string): boolean;
}

/** Options for importing a store by name. */
export interface SecretStoreImportOptions {
  /**
   * The store is defined outside this program (applied by another team or repository). Without this,
   * synth fails when no store of that kind and name is defined in the program's cdk8s app.
   * @default false
   */
  readonly definedOutsideProgram?: boolean;
}

/**
 * Which namespaces may use a ClusterSecretStore (`spec.conditions[]`).
 */
export interface StoreCondition {
  /**
   * Namespace names.
   * @default - none
   */
  readonly namespaces?: string[];
  /**
   * Namespace name regular expressions.
   * @default - none
   */
  readonly namespaceRegexes?: string[];
  /**
   * Labels a namespace must carry.
   * @default - none
   */
  readonly namespaceLabels?: { [key: string]: string };
}

/** Props common to both store kinds. */
export interface SecretStoreBaseProps {
  /**
   * The store's name.
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /** The backend. */
  readonly provider: StoreProvider;
  /**
   * The controller class that handles this store (`spec.controller`).
   * @default - every controller
   */
  readonly controller?: string;
}

/** Props for `SecretStore`. */
export interface SecretStoreProps extends SecretStoreBaseProps {
  /**
   * The namespace.
   * @default - the chart's namespace (an error if the chart has none)
   */
  readonly namespace?: string;
}

/** Props for `ClusterSecretStore`. */
export interface ClusterSecretStoreProps extends SecretStoreBaseProps {
  /**
   * Which namespaces may use the store. Without conditions every namespace can read everything the store's
   * identity can read (a warning is added).
   * @default - every namespace
   */
  readonly conditions?: StoreCondition[];
}

const STORE_SYMBOL = Symbol.for('cdk8s-secrets.SecretStore');

abstract class StoreBase extends Construct implements ISecretStore {
  /** The store's name. */
  public abstract readonly storeName: string;
  /** SecretStore or ClusterSecretStore. */
  public abstract readonly storeKind: SecretStoreKind;
  /** The store's namespace (none for a ClusterSecretStore). */
  public abstract readonly storeNamespace?: string;
  /** The store's backend (none for a store defined outside this program). */
  public abstract readonly provider?: StoreProvider;
  /** Whether the store is defined outside this program. */
  public abstract readonly definedOutsideProgram: boolean;
  private readonly uses: RemoteRefUse[] = [];

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, STORE_SYMBOL, { value: true });
    registerInTree(this, STORE_SYMBOL);
  }

  /** The remote secrets read or written through this store. */
  public get remoteRefs(): RemoteRefUse[] {
    return [...this.uses];
  }

  /** Records a use of a remote secret and grants the store's identity what it needs. */
  public recordRemoteRef(use: RemoteRefUse): void {
    this.uses.push(use);
    if (this.provider) this.provider._grant(this, use);
  }

  /** Whether ExternalSecrets of a namespace may use this store (as far as the program knows). */
  public admitsNamespace(namespace: string): boolean {
    if (this.storeKind === SecretStoreKind.SECRET_STORE) return this.storeNamespace === namespace;
    const conditions = this._conditions();
    if (conditions.length === 0) return true;
    return conditions.some((c) => c.namespaceLabels !== undefined
      || (c.namespaces ?? []).includes(namespace)
      || (c.namespaceRegexes ?? []).some((re) => new RegExp(re).test(namespace)));
  }

  /** @internal */
  protected _conditions(): StoreCondition[] {
    return [];
  }
}

/** @internal */
export function isStore(x: any): x is ISecretStore {
  return x !== null && typeof x === 'object' && STORE_SYMBOL in x;
}

class ImportedStore extends StoreBase {
  /** The store's backend (none for a store defined outside this program). */
  public readonly provider?: StoreProvider = undefined;
  public constructor(scope: Construct, id: string,
    public readonly storeName: string,
    public readonly storeKind: SecretStoreKind,
    public readonly storeNamespace: string | undefined,
    public readonly definedOutsideProgram: boolean) {
    super(scope, id);
    requireConcreteManifest(this, 'name', storeName);
    requireConcreteManifest(this, 'namespace', storeNamespace);
    checkDnsSubdomain(this, 'name', storeName);
    if (storeNamespace !== undefined) checkDnsLabel(this, 'namespace', storeNamespace);
  }
}

/**
 * Finds the store a reference points at, among the stores defined in the same cdk8s app.
 * @internal
 */
export function resolveStore(consumer: IConstruct, store: ISecretStore): ISecretStore {
  if (!(store instanceof ImportedStore) || store.definedOutsideProgram) return store;
  const defined = registeredInTree<StoreBase>(consumer, STORE_SYMBOL).filter((c) => !(c instanceof ImportedStore));
  const match = defined.find((s) => s.storeKind === store.storeKind && s.storeName === store.storeName && s.storeNamespace === store.storeNamespace);
  if (!match) {
    throw validationError(consumer, {
      code: 'CS-ESO-038',
      prop: 'store',
      value: `${store.storeKind} ${store.storeNamespace ? store.storeNamespace + '/' : ''}${store.storeName}`,
      problem: 'references a store that this program does not define',
      fix: 'define the store in this program, or import it with `definedOutsideProgram` set to true when another repository applies it',
    });
  }
  return match;
}

function renderConditions(scope: IConstruct, conditions: StoreCondition[]): L1.ClusterSecretStoreSpecConditions[] {
  return conditions.map((c, i) => {
    for (const ns of c.namespaces ?? []) checkDnsLabel(scope, `conditions[${i}].namespaces`, ns);
    for (const re of c.namespaceRegexes ?? []) {
      try {
        new RegExp(re);
      } catch {
        throw validationError(scope, {
          code: 'CS-ESO-039',
          prop: `conditions[${i}].namespaceRegexes`,
          value: re,
          problem: 'is not a valid regular expression',
          fix: 'write an RE2-compatible expression such as "^team-a-.*$"',
        });
      }
    }
    if (!c.namespaces?.length && !c.namespaceRegexes?.length && !c.namespaceLabels) {
      throw validationError(scope, {
        code: 'CS-ESO-040',
        prop: `conditions[${i}]`,
        value: c,
        problem: 'is empty, so it matches no namespace',
        fix: 'give namespaces, namespaceRegexes or namespaceLabels',
      });
    }
    return {
      ...(c.namespaces?.length ? { namespaces: [...c.namespaces] } : {}),
      ...(c.namespaceRegexes?.length ? { namespaceRegexes: [...c.namespaceRegexes] } : {}),
      ...(c.namespaceLabels ? { namespaceSelector: { matchLabels: { ...c.namespaceLabels } } } : {}),
    };
  });
}

/**
 * A namespaced ESO `SecretStore` (`external-secrets.io/v1`).
 *
 * @example
 * new SecretStore(chart, 'Store', {
 *   name: 'secretstore-demo', namespace: 'secrets-demo',
 *   provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
 * });
 */
export class SecretStore extends StoreBase {
  /** References a SecretStore by name (defined elsewhere in this program, or outside it). */
  public static fromSecretStoreName(scope: Construct, id: string, name: string, namespace: string,
    options: SecretStoreImportOptions = {}): ISecretStore {
    return new ImportedStore(scope, id, name, SecretStoreKind.SECRET_STORE, namespace, options.definedOutsideProgram ?? false);
  }

  /** The store's name. */
  public readonly storeName: string;
  /** SecretStore or ClusterSecretStore. */
  public readonly storeKind = SecretStoreKind.SECRET_STORE;
  /** The store's namespace (always set for a SecretStore). */
  public readonly storeNamespace?: string;
  /** The store's backend (always set for a store defined in this program). */
  public readonly provider?: StoreProvider;
  /** Whether the store is defined outside this program. */
  public readonly definedOutsideProgram = false;
  /** The L1 object. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: SecretStoreProps) {
    super(scope, id);
    const namespace = resolveNamespace(this, 'namespace', props.namespace);
    requireConcreteManifest(this, 'namespace', namespace);
    const storeNamespace = checkDnsLabel(this, 'namespace', namespace);
    this.storeNamespace = storeNamespace;
    requireConcreteManifest(this, 'name', props.name);
    this.storeName = checkDnsSubdomain(this, 'name', props.name ?? Names.toDnsLabel(this));
    this.provider = props.provider;
    const provider = props.provider._render(this, storeNamespace, this.storeName);
    const spec = {
      provider,
      ...(props.controller ? { controller: props.controller } : {}),
    };
    requireConcreteManifest(this, 'spec', spec);
    this.apiObject = new lazy.eso.SecretStore(this, 'Resource', {
      metadata: { name: this.storeName, namespace: storeNamespace },
      spec,
    });
  }
}

/**
 * A cluster-wide ESO `ClusterSecretStore` (`external-secrets.io/v1`).
 */
export class ClusterSecretStore extends StoreBase {
  /** References a ClusterSecretStore by name (defined elsewhere in this program, or outside it). */
  public static fromClusterSecretStoreName(scope: Construct, id: string, name: string, options: SecretStoreImportOptions = {}): ISecretStore {
    return new ImportedStore(scope, id, name, SecretStoreKind.CLUSTER_SECRET_STORE, undefined, options.definedOutsideProgram ?? false);
  }

  /** The store's name. */
  public readonly storeName: string;
  /** SecretStore or ClusterSecretStore. */
  public readonly storeKind = SecretStoreKind.CLUSTER_SECRET_STORE;
  /** The store's namespace (none for a ClusterSecretStore). */
  public readonly storeNamespace?: string = undefined;
  /** The store's backend (always set for a store defined in this program). */
  public readonly provider?: StoreProvider;
  /** Whether the store is defined outside this program. */
  public readonly definedOutsideProgram = false;
  /** The L1 object. */
  public readonly apiObject: ApiObject;
  private readonly conditions: StoreCondition[];

  public constructor(scope: Construct, id: string, props: ClusterSecretStoreProps) {
    super(scope, id);
    requireConcreteManifest(this, 'name', props.name);
    this.storeName = checkDnsSubdomain(this, 'name', props.name ?? Names.toDnsLabel(this));
    this.provider = props.provider;
    const provider = props.provider._render(this, undefined, this.storeName);
    const conditions = props.conditions ? renderConditions(this, props.conditions) : undefined;
    this.conditions = (props.conditions ?? []).map((c) => ({ ...c }));
    if (!conditions || conditions.length === 0) {
      lazy.cdk.Annotations.of(this).addWarning(
        'ClusterSecretStore without conditions: ExternalSecrets in every namespace can read what its identity can read. Add conditions (namespaces, namespaceRegexes or namespaceLabels).');
    }
    const spec = {
      provider,
      ...(conditions && conditions.length > 0 ? { conditions } : {}),
      ...(props.controller ? { controller: props.controller } : {}),
    };
    requireConcreteManifest(this, 'spec', spec);
    this.apiObject = new lazy.eso.ClusterSecretStore(this, 'Resource', {
      metadata: { name: this.storeName },
      spec,
    });
    // Cluster-scoped: never the chart's namespace.
    omitNamespace(this.apiObject);
  }

  /** @internal */
  protected _conditions(): StoreCondition[] {
    return this.conditions;
  }
}
