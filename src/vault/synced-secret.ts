import { ApiObject, Lazy } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { VSO_API_VERSION } from './connection';
import { checkUseCovered } from './derive';
import { VaultDestinationSecretType, VaultSecretTransformation, VaultSyncedSecretProps } from './destination';
import { resolveVaultObjectNamespace } from './internal';
import { registerReader, VaultAccess, VaultUse } from './use';
import { IVaultAuth, ref } from './vault-auth';
import { validationError } from '../core/errors';
import { IProducedSecret, RolloutRestartTarget, SecretProducerKind } from '../core/produced-secret';
import { claimSecretName } from '../core/secret-registry';
import { missingSecretKeys } from '../core/secret-types';
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey } from '../core/validate';
import { SecretReadGrant } from '../workloads/secret-read-grant';

// Not re-exported from the package: jsii copies the public members of this base class into
// VaultStaticSecret, VaultDynamicSecret and VaultPKISecret.

const ROLLOUT_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'argo.Rollout'];

/**
 * What VaultStaticSecret, VaultDynamicSecret and VaultPKISecret share: the destination Secret, the
 * VaultAuth reference, rollout restart targets, and the derivation of what they read.
 * @internal
 */
export abstract class VaultSyncedSecretBase extends Construct implements IProducedSecret {
  /** The Secret's name. */
  public readonly secretName: string;
  /** The Secret's namespace. */
  public readonly secretNamespace: string;
  /** VSO writes the Secret. */
  public readonly producerKind: SecretProducerKind = SecretProducerKind.VAULT_SECRETS_OPERATOR;
  /** The VaultAuth it logs in with. */
  public readonly vaultAuth: IVaultAuth;
  /** The L1 object. */
  public readonly apiObject: ApiObject;
  private readonly targets: RolloutRestartTarget[] = [];
  private readonly keys: string[];

  protected constructor(
    scope: Construct,
    id: string,
    kind: string,
    props: VaultSyncedSecretProps,
    defaultType: VaultDestinationSecretType | undefined,
    specOf: (self: VaultSyncedSecretBase) => any,
  ) {
    super(scope, id);
    this.secretNamespace = resolveVaultObjectNamespace(this, 'namespace', props.namespace);
    if (props.name !== undefined) checkDnsSubdomain(this, 'name', props.name);
    this.vaultAuth = props.vaultAuth;
    this.checkAuthReachable();
    const d = props.destination ?? {};
    const t = d.transformation;
    const templateKeys = Object.keys(t?.templates ?? {});
    templateKeys.forEach((k) => checkSecretKey(this, `destination.transformation.templates.${k}`, k));
    (props.expectedKeys ?? []).forEach((k, i) => checkSecretKey(this, `expectedKeys[${i}]`, k));
    this.keys = [...new Set([...(props.expectedKeys ?? []), ...templateKeys])].sort();
    (props.rolloutRestartTargets ?? []).forEach((r) => this.addRolloutRestartTarget(r));

    let rendered: any;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: VSO_API_VERSION,
      kind,
      metadata: { ...(props.name !== undefined ? { name: props.name } : {}), namespace: this.secretNamespace },
      spec: Lazy.any({ produce: () => rendered }),
    });
    const destName = d.name ?? this.apiObject.name;
    checkDnsSubdomain(this, 'destination.name', destName);
    this.secretName = destName;
    // Checked before the object is registered as a Vault reader, so a refused object leaves nothing behind.
    // A typed Secret without its required keys is refused by the API server, so VSO could never write it.
    // Judged when the keys are declared (expectedKeys) or templated; the Vault data's own keys are unknown.
    const destType = d.type ?? defaultType;
    const missing = destType !== undefined && this.keys.length > 0 ? missingSecretKeys(destType, this.keys) : undefined;
    if (missing !== undefined) {
      throw validationError(this, {
        code: 'CS-VAULT-054',
        prop: 'destination.type',
        value: destType,
        problem: `needs the key ${missing}, but the Secret would hold only ${this.keys.map((k) => `"${k}"`).join(', ')} (expectedKeys and transformation templates); the API server would refuse it`,
        fix: `add ${missing} to expectedKeys (when the Vault secret holds it) or as a transformation template, or use VaultDestinationSecretType.OPAQUE`,
      });
    }
    claimSecretName(this, d.name !== undefined ? 'destination.name' : 'name', this.secretNamespace, this.secretName, `the destination of ${kind}`);
    rendered = {
      ...specOf(this),
      namespace: props.vaultNamespace,
      vaultAuthRef: ref(this.vaultAuth.vaultAuthNamespace, this.vaultAuth.vaultAuthName, this.secretNamespace),
      destination: {
        name: destName,
        create: d.create ?? true,
        overwrite: d.overwrite ?? false,
        type: d.type ?? defaultType,
        labels: d.labels ? { ...d.labels } : undefined,
        annotations: d.annotations ? { ...d.annotations } : undefined,
        transformation: t ? renderTransformation(this, t) : undefined,
      },
      rolloutRestartTargets: Lazy.any({ produce: () => (this.targets.length > 0 ? this.targets.map((x) => ({ ...x })) : undefined) }),
    };
    registerReader(this, () => [this.use()]);
    this.node.addValidation({ validate: () => { checkUseCovered(this.use()); return []; } });
  }

  /** The keys the Secret is known to hold. */
  public get secretKeys(): string[] {
    return [...this.keys];
  }

  /**
   * Lets subjects read this Secret through the Kubernetes API: a Role with `get` on its name only, bound to the
   * subjects (see `SecretReadGrant`). No pod is changed.
   */
  public grantRead(...subjects: kplus.ISubject[]): SecretReadGrant {
    return SecretReadGrant.grant(this, subjects);
  }

  /** Records a workload VSO restarts when the Secret changes (`rolloutRestartTargets`). */
  public addRolloutRestartTarget(target: RolloutRestartTarget): boolean {
    if (!ROLLOUT_KINDS.includes(target.kind)) {
      throw validationError(this, {
        code: 'CS-VAULT-055',
        prop: 'rolloutRestartTargets.kind',
        value: target.kind,
        problem: `is not a kind VSO can restart (${ROLLOUT_KINDS.join(', ')})`,
        fix: 'restart other kinds with Reloader annotations',
      });
    }
    checkDnsSubdomain(this, 'rolloutRestartTargets.name', target.name);
    if (!this.targets.some((x) => x.kind === target.kind && x.name === target.name)) {
      this.targets.push({ kind: target.kind, name: target.name });
    }
    return true;
  }

  /** The rollout restart targets recorded so far. */
  public get rolloutRestartTargets(): RolloutRestartTarget[] {
    return this.targets.map((x) => ({ ...x }));
  }

  /** The Vault paths read, with capabilities. @internal */
  protected abstract _access(): VaultAccess[];

  /** A short description for policy comments. @internal */
  protected _describe(): string {
    return `${this.apiObject.kind} ${this.secretNamespace}/${this.apiObject.name}`;
  }

  private use(): VaultUse {
    const sa = this.vaultAuth.serviceAccountName;
    return {
      reader: this,
      description: this._describe(),
      role: this.vaultAuth.kubernetesRole,
      serviceAccount: sa !== undefined ? { name: sa, namespace: this.secretNamespace } : undefined,
      access: this._access(),
    };
  }

  private checkAuthReachable(): void {
    const a = this.vaultAuth;
    if (a.vaultAuthNamespace === this.secretNamespace) return;
    const allowed = a.allowedNamespaces ?? [];
    if (!allowed.includes('*') && !allowed.includes(this.secretNamespace)) {
      throw validationError(this, {
        code: 'CS-VAULT-056',
        prop: 'vaultAuth',
        value: `${a.vaultAuthNamespace}/${a.vaultAuthName}`,
        problem: `lives in namespace "${a.vaultAuthNamespace}" and does not allow namespace "${this.secretNamespace}", so VSO refuses to use it`,
        fix: `add "${this.secretNamespace}" to the VaultAuth's allowedNamespaces, or create a VaultAuth in "${this.secretNamespace}"`,
      });
    }
  }
}

function renderTransformation(scope: Construct, t: VaultSecretTransformation): any {
  const templates = t.templates
    ? Object.fromEntries(Object.keys(t.templates).sort().map((k) => [k, { name: k, text: t.templates![k] }]))
    : undefined;
  return {
    templates,
    includes: t.includes ? [...t.includes] : undefined,
    excludes: t.excludes ? [...t.excludes] : undefined,
    excludeRaw: t.excludeRaw,
    transformationRefs: t.transformationRefs?.map((r, i) => {
      checkDnsSubdomain(scope, `destination.transformation.transformationRefs[${i}].name`, r.name);
      if (r.namespace !== undefined) checkDnsLabel(scope, `destination.transformation.transformationRefs[${i}].namespace`, r.namespace);
      return {
        name: r.name,
        namespace: r.namespace,
        templateRefs: r.templates
          ? Object.keys(r.templates).sort().map((n) => ({ name: n, keyOverride: r.templates![n] || undefined }))
          : undefined,
        ignoreIncludes: r.ignoreIncludes,
        ignoreExcludes: r.ignoreExcludes,
      };
    }),
  };
}
