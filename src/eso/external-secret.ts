import { ApiObject, Names } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CreationPolicy, DataFrom, ExternalSecretData, ExternalSecretOptions } from './external-secret-options';
import { ExternalSecretSpecBuilder } from './external-secret-spec';
import { RemoteRefUse } from './remote-ref';
import { ISecretStore, SecretStoreKind, resolveStore } from './store';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { IProducedSecret, RolloutRestartTarget, SecretProducerKind } from '../core/produced-secret';
import { claimSecretName } from '../core/secret-registry';
import { checkDnsLabel, checkDnsSubdomain, resolveNamespace } from '../core/validate';
import { requireConcreteManifest } from '../identity/bridge';
import { SecretReadGrant } from '../workloads/secret-read-grant';


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
    this.apiObject = new lazy.eso.ExternalSecret(this, 'Resource', {
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
