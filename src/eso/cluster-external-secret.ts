import { ApiObject, Duration, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { CreationPolicy, ExternalSecretOptions } from './external-secret-options';
import { ExternalSecretSpecBuilder } from './external-secret-spec';
import { RemoteRefUse } from './remote-ref';
import { ISecretStore, SecretStoreKind, resolveStore } from './store';
import { omitNamespace } from '../core/cluster-scope';
import { durationProp } from '../core/duration';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { claimSecretName } from '../core/secret-registry';
import { checkDnsLabel, checkDnsSubdomain } from '../core/validate';
import { requireConcreteManifest } from '../identity/bridge';


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
    this.apiObject = new lazy.eso.ClusterExternalSecret(this, 'Resource', {
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
