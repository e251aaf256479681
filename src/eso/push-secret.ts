import { ApiObject, Duration, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { checkEntryFits, remoteKeyOf } from './external-secret-spec';
import { RemoteRefOperation, RemoteRefUse } from './remote-ref';
import { ISecretStore, SecretStoreKind, resolveStore } from './store';
import { ISecretsManagerEntry } from '../aws/secrets-manager-entry';
import { durationProp } from '../core/duration';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey, resolveNamespace } from '../core/validate';
import { requireConcreteManifest } from '../identity/bridge';
import type * as L1 from '../imports/external-secrets.io';


/** The tag ESO puts on the remote secrets it creates, and requires on those it updates. */
const MANAGED_BY_TAG = 'managed-by';
const MANAGED_BY_ESO = 'external-secrets';

/** What happens to the remote secret when the PushSecret goes (`deletionPolicy`). */
export enum PushSecretDeletionPolicy {
  /** Leave the remote secret. The API default. */
  NONE = 'None',
  /** Delete the remote secret (AWS: adds `DeleteSecret`/`DeleteParameter`). */
  DELETE = 'Delete',
}

/** Whether existing remote secrets are overwritten (`updatePolicy`). */
export enum PushSecretUpdatePolicy {
  /** Overwrite. The API default. */
  REPLACE = 'Replace',
  /** Only create missing remote secrets. */
  IF_NOT_EXISTS = 'IfNotExists',
}

/** One key pushed to the remote store. */
export interface PushSecretData {
  /**
   * The key of the source Secret to push.
   * @default - the whole Secret, as JSON
   */
  readonly secretKey?: string;
  /**
   * The remote key (secret or parameter name, or Vault path).
   * @default - the name of `secretsManagerEntry`
   */
  readonly remoteKey?: string;
  /**
   * The remote property (JSON key) to write into.
   * @default - the whole remote value
   */
  readonly property?: string;
  /**
   * The Secrets Manager entry written (for exact ARNs and KMS grants).
   * @default - only `remoteKey` is known
   */
  readonly secretsManagerEntry?: ISecretsManagerEntry;
}

/** Props for `PushSecret`. */
export interface PushSecretProps {
  /**
   * The PushSecret's name.
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /**
   * The namespace.
   * @default - the chart's namespace (an error if the chart has none)
   */
  readonly namespace?: string;
  /** The store to push through. */
  readonly store: ISecretStore;
  /** The Kubernetes Secret to push (in the same namespace). */
  readonly sourceSecretName: string;
  /** What to push. */
  readonly data: PushSecretData[];
  /**
   * How often to push.
   * @default - one hour (`1h0m0s`, ESO's default)
   */
  readonly refreshInterval?: Duration;
  /**
   * Overwrite existing remote secrets.
   * @default PushSecretUpdatePolicy.REPLACE
   */
  readonly updatePolicy?: PushSecretUpdatePolicy;
  /**
   * Delete remote secrets when the PushSecret goes.
   * @default PushSecretDeletionPolicy.NONE
   */
  readonly deletionPolicy?: PushSecretDeletionPolicy;
}

/**
 * An ESO `PushSecret` (`external-secrets.io/v1alpha1`, the only version ESO 2.9.0 serves for PushSecret): writes a Kubernetes Secret's keys to a remote store.
 * Through an AWS store, the store's identity gets write actions on exactly the pushed keys.
 *
 * Needs a cluster newer than Kubernetes 1.28: the ESO 2.9.0 PushSecret CRD's CEL rules exceed 1.28's cost budget,
 * so a 1.28 API server refuses to install that CRD.
 */
export class PushSecret extends Construct {
  /** The PushSecret's name. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The store pushed through. */
  public readonly store: ISecretStore;
  /** The L1 object. */
  public readonly apiObject: ApiObject;
  private readonly uses: RemoteRefUse[];

  public constructor(scope: Construct, id: string, props: PushSecretProps) {
    super(scope, id);
    const namespace = resolveNamespace(this, 'namespace', props.namespace);
    requireConcreteManifest(this, 'namespace', namespace);
    requireConcreteManifest(this, 'name', props.name);
    requireConcreteManifest(this, 'sourceSecretName', props.sourceSecretName);
    this.namespace = checkDnsLabel(this, 'namespace', namespace);
    this.name = checkDnsSubdomain(this, 'name', props.name ?? Names.toDnsLabel(this));
    checkDnsSubdomain(this, 'sourceSecretName', props.sourceSecretName);
    const refreshInterval = props.refreshInterval === undefined ? '1h0m0s' : durationProp(this, 'refreshInterval', props.refreshInterval);
    this.store = resolveStore(this, props.store);
    if (this.store.storeKind === SecretStoreKind.SECRET_STORE && this.store.storeNamespace !== this.namespace) {
      throw validationError(this, {
        code: 'CS-ESO-033',
        prop: 'store',
        value: `${this.store.storeNamespace}/${this.store.storeName}`,
        problem: `is a SecretStore in another namespace than the PushSecret (${this.namespace})`,
        fix: `create the SecretStore in namespace "${this.namespace}", or use a ClusterSecretStore`,
      });
    }
    if (!this.store.admitsNamespace(this.namespace)) {
      throw validationError(this, {
        code: 'CS-ESO-034',
        prop: 'store',
        value: this.store.storeName,
        problem: `is a ClusterSecretStore whose conditions do not admit namespace "${this.namespace}"`,
        fix: `add "${this.namespace}" to the store's conditions, or use another store`,
      });
    }
    if (props.data.length === 0) {
      throw validationError(this, { code: 'CS-ESO-035', prop: 'data', problem: 'is empty, so nothing is pushed', fix: 'add at least one data entry' });
    }
    const deletionPolicy = props.deletionPolicy ?? PushSecretDeletionPolicy.NONE;
    const seen = new Set<string>();
    const data = props.data.map((d, i) => {
      if (d.secretKey !== undefined) checkSecretKey(this, `data[${i}].secretKey`, d.secretKey);
      const remoteKey = remoteKeyOf(this, `data[${i}].remoteKey`, d.remoteKey, d.secretsManagerEntry);
      checkEntryFits(this, `data[${i}].secretsManagerEntry`, this.store, d.secretsManagerEntry);
      const entryTags = d.secretsManagerEntry?.tags;
      if (entryTags !== undefined && this.store.provider && entryTags[MANAGED_BY_TAG] !== MANAGED_BY_ESO) {
        throw validationError(this, {
          code: 'CS-ESO-036',
          prop: `data[${i}].secretsManagerEntry`,
          value: d.secretsManagerEntry!.secretName,
          problem: `is created by this program without the tag ${MANAGED_BY_TAG}=${MANAGED_BY_ESO}; ESO refuses to write a secret it does not manage ("secret not managed by external-secrets")`,
          fix: `give the entry tags: { '${MANAGED_BY_TAG}': '${MANAGED_BY_ESO}' }, or push to a remoteKey that ESO creates`,
        });
      }
      const target = `${remoteKey}#${d.property ?? ''}`;
      if (seen.has(target)) {
        throw validationError(this, {
          code: 'CS-ESO-037',
          prop: `data[${i}].remoteKey`,
          value: d.property ? `${remoteKey} (property ${d.property})` : remoteKey,
          problem: 'is written twice; one push would overwrite the other',
          fix: 'push each remote key (and property) once',
        });
      }
      seen.add(target);
      requireConcreteManifest(this, `data[${i}]`, { secretKey: d.secretKey, property: d.property });
      return {
        // API-server default, emitted so GitOps tools see no drift.
        conversionStrategy: 'None',
        match: {
          ...(d.secretKey !== undefined ? { secretKey: d.secretKey } : {}),
          remoteRef: { remoteKey, ...(d.property !== undefined ? { property: d.property } : {}) },
        },
      };
    });
    this.uses = props.data.map((d, i) => ({
      operation: RemoteRefOperation.WRITE,
      key: data[i].match.remoteRef.remoteKey,
      property: d.property,
      secretsManagerEntry: d.secretsManagerEntry,
      deleteOnRemoval: deletionPolicy === PushSecretDeletionPolicy.DELETE,
      consumer: this.node.path,
      consumerKind: 'PushSecret',
      consumerName: this.name,
      consumerNamespace: this.namespace,
      storeName: this.store.storeName,
      storeKind: this.store.storeKind,
    }));
    for (const u of this.uses) this.store.recordRemoteRef(u);

    this.apiObject = new lazy.eso.PushSecret(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        refreshInterval,
        updatePolicy: (props.updatePolicy ?? PushSecretUpdatePolicy.REPLACE) as unknown as L1.PushSecretSpecUpdatePolicy,
        deletionPolicy: deletionPolicy as unknown as L1.PushSecretSpecDeletionPolicy,
        secretStoreRefs: [{ kind: this.store.storeKind as unknown as L1.PushSecretSpecSecretStoreRefsKind, name: this.store.storeName }],
        selector: { secret: { name: props.sourceSecretName } },
        data: data as any,
      },
    });
  }

  /** The remote secrets this PushSecret writes. */
  public get remoteRefs(): RemoteRefUse[] {
    return [...this.uses];
  }
}
