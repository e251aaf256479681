import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { plusSecretNamespace } from './kplus';
import { SecretReadGrant } from './secret-read-grant';
import { validationError } from '../core/errors';
import { IProducedSecret, RolloutRestartTarget, SecretProducerKind } from '../core/produced-secret';
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey, requireConcrete, resolveNamespace } from '../core/validate';

/**
 * Options for `KubernetesSecret.fromSecretName`.
 */
export interface KubernetesSecretFromNameOptions {
  /** The Secret's name. */
  readonly name: string;
  /**
   * The Secret's namespace.
   * @default - the namespace of the chart that holds `scope`
   */
  readonly namespace?: string;
  /**
   * The keys the Secret is known to hold. Consumers that pick keys are checked against this list.
   * @default - unknown: consumers may pick any key, or mount the whole Secret
   */
  readonly keys?: string[];
}

/**
 * Options for `KubernetesSecret.fromPlusSecret`.
 */
export interface KubernetesSecretFromPlusSecretOptions {
  /**
   * The Secret's namespace.
   * @default - the cdk8s-plus Secret's own metadata namespace
   */
  readonly namespace?: string;
  /**
   * The keys the Secret holds.
   * @default - unknown: consumers may pick any key, or mount the whole Secret
   */
  readonly keys?: string[];
}

/**
 * A plain Kubernetes Secret as an `IProducedSecret`: one that exists already, or that something
 * outside this library writes (a cdk8s-plus `Secret`, a Helm chart, an operator this library does not
 * model). Workloads consume it exactly as they consume an ExternalSecret target or a VSO destination.
 *
 * Never put secret values into a cdk8s-plus `Secret` that is synthesized into Git: use an ExternalSecret,
 * a VSO secret, a SealedSecret or the CSI driver to produce the values, and this class only to name them.
 */
export class KubernetesSecret extends Construct implements IProducedSecret {
  /**
   * Names a Secret by name and namespace.
   *
   * @example
   * const db = KubernetesSecret.fromSecretName(chart, 'Db', { name: 'ext-postgres-secret', namespace: 'secrets-demo', keys: ['username', 'password'] });
   */
  public static fromSecretName(scope: Construct, id: string, options: KubernetesSecretFromNameOptions): IProducedSecret {
    return new KubernetesSecret(scope, id, options.name, options.namespace, options.keys);
  }

  /**
   * Wraps a cdk8s-plus `Secret` (created in this program, or imported with `Secret.fromSecretName`).
   */
  public static fromPlusSecret(scope: Construct, id: string, secret: kplus.ISecret,
    options: KubernetesSecretFromPlusSecretOptions = {}): IProducedSecret {
    const own = plusSecretNamespace(secret);
    return new KubernetesSecret(scope, id, secret.name, options.namespace ?? own, options.keys);
  }

  /** The Secret's name. */
  public readonly secretName: string;
  /** The Secret's namespace. */
  public readonly secretNamespace: string;
  /** Always `KUBERNETES`. */
  public readonly producerKind: SecretProducerKind = SecretProducerKind.KUBERNETES;
  private readonly keys: string[];

  private constructor(scope: Construct, id: string, name: string, namespace: string | undefined, keys: string[] | undefined) {
    super(scope, id);
    this.secretName = checkDnsSubdomain(this, 'name', requireConcrete(this, 'name', name, 'pass the Secret name as a literal string'));
    const ns = resolveNamespace(this, 'namespace', namespace);
    this.secretNamespace = checkDnsLabel(this, 'namespace', requireConcrete(this, 'namespace', ns, 'pass the namespace as a literal string'));
    const seen = new Set<string>();
    (keys ?? []).forEach((k, i) => {
      checkSecretKey(this, `keys[${i}]`, k);
      if (seen.has(k)) {
        throw validationError(this, { code: 'CS-WL-023', prop: `keys[${i}]`, value: k, problem: 'is listed twice', fix: 'list each key once' });
      }
      seen.add(k);
    });
    this.keys = [...seen];
  }

  /** The keys the Secret is known to hold (a copy; empty when unknown). */
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

  /** A plain Secret cannot restart its consumers: Reloader annotations are used instead. */
  public addRolloutRestartTarget(_target: RolloutRestartTarget): boolean {
    return false;
  }
}
