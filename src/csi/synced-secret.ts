import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ISecretProviderClass } from './secret-provider-class';
import { IProducedSecret, RolloutRestartTarget, SecretProducerKind } from '../core/produced-secret';
import { claimSecretName } from '../core/secret-registry';
import { SecretReadGrant } from '../workloads/secret-read-grant';

const SYNCED_SYMBOL = Symbol.for('cdk8s-secrets.CsiSyncedSecret');
/** @internal */
interface CsiSyncedSecretProps {
  readonly secretProviderClass: ISecretProviderClass;
  readonly secretName: string;
  readonly keys: string[];
}

/**
 * A Kubernetes Secret that the Secrets Store CSI driver syncs from a SecretProviderClass's
 * `secretObjects`. Created by `AwsSecretProviderClass.addSecretObject`.
 */
export class CsiSyncedSecret extends Construct implements IProducedSecret {
  /** Whether `x` is a CsiSyncedSecret (works across copies of this library). */
  public static isCsiSyncedSecret(x: any): x is CsiSyncedSecret {
    return x !== null && typeof x === 'object' && SYNCED_SYMBOL in x;
  }

  /** @internal */
  public static _create(scope: Construct, id: string, props: CsiSyncedSecretProps): CsiSyncedSecret {
    return new CsiSyncedSecret(scope, id, props);
  }

  /** The synced Secret's name. */
  public readonly secretName: string;
  /** The synced Secret's namespace (the SecretProviderClass's). */
  public readonly secretNamespace: string;
  /** Always `SECRETS_STORE_CSI`. */
  public readonly producerKind: SecretProducerKind = SecretProducerKind.SECRETS_STORE_CSI;
  /** The SecretProviderClass the Secret is synced from (a pod must mount it for the Secret to exist). */
  public readonly secretProviderClass: ISecretProviderClass;
  private readonly keys: string[];

  private constructor(scope: Construct, id: string, props: CsiSyncedSecretProps) {
    super(scope, id);
    Object.defineProperty(this, SYNCED_SYMBOL, { value: true });
    this.secretProviderClass = props.secretProviderClass;
    this.secretName = props.secretName;
    this.secretNamespace = props.secretProviderClass.secretProviderClassNamespace;
    this.keys = [...props.keys];
    claimSecretName(this, 'secretName', this.secretNamespace, this.secretName, 'the secretObjects entry of SecretProviderClass');
  }

  /** The synced Secret's keys (a copy). */
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

  /** The CSI driver cannot restart workloads: Reloader annotations are used instead. */
  public addRolloutRestartTarget(_target: RolloutRestartTarget): boolean {
    return false;
  }
}
