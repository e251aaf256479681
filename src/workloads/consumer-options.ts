import { Duration } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';

/**
 * How a workload asks Stakater Reloader to restart it.
 */
export enum ReloadMode {
  /**
   * Name exactly the consumed Secrets (`secret.reloader.stakater.com/reload`) and SecretProviderClasses
   * (`secretproviderclass.reloader.stakater.com/reload`), sorted and comma-joined.
   */
  EXPLICIT = 'explicit',
  /**
   * `reloader.stakater.com/auto: "true"` (and `secretproviderclass.reloader.stakater.com/auto` when the pod
   * mounts a SecretProviderClass): restart on any referenced ConfigMap or Secret. Secrets restarted by
   * their producer are listed in `secrets.exclude.reloader.stakater.com/reload`.
   */
  AUTO = 'auto',
  /** No Reloader annotations. */
  NONE = 'none',
}

/**
 * Who restarts the workload when a consumed Secret changes.
 */
export enum RestartVia {
  /**
   * The producer, when it can (VSO `rolloutRestartTargets` on Deployments, StatefulSets and DaemonSets);
   * Reloader for every other Secret.
   */
  PRODUCER_WHEN_SUPPORTED = 'producer-when-supported',
  /** Reloader for every Secret, even when the producer could restart the workload itself. */
  RELOADER = 'reloader',
}

/**
 * Reloader wiring of a `SecretConsumer`.
 */
export interface ReloadOptions {
  /**
   * How the workload asks Reloader to restart it.
   * @default ReloadMode.EXPLICIT
   */
  readonly mode?: ReloadMode;
  /**
   * Batch restarts: `deployment.reloader.stakater.com/pause-period` (Deployments only).
   * @default - no pause: each change restarts the Deployment at once
   */
  readonly pausePeriod?: Duration;
  /**
   * Who restarts the workload when a Secret changes.
   * @default RestartVia.PRODUCER_WHEN_SUPPORTED
   */
  readonly restartVia?: RestartVia;
}

/**
 * Props for `SecretConsumer`.
 */
export interface SecretConsumerProps {
  /** The workload (Deployment, StatefulSet, DaemonSet, Job or CronJob) that consumes Secrets. */
  readonly workload: kplus.Workload;
  /**
   * Reloader wiring.
   * @default - explicit Reloader annotations naming the consumed Secrets
   */
  readonly reload?: ReloadOptions;
}

/**
 * One Secret key projected to a file of a Secret volume.
 */
export interface SecretKeyProjection {
  /** The Secret's key. */
  readonly key: string;
  /**
   * The file's path, relative to the mount path.
   * @default - the key
   */
  readonly path?: string;
  /**
   * The file's mode bits (for example `0o400`).
   * @default - the volume's `defaultMode`
   */
  readonly mode?: number;
}

/**
 * Options for `SecretConsumer.mount`.
 */
export interface SecretMountOptions {
  /** The absolute directory inside the container where the Secret's files appear. */
  readonly path: string;
  /**
   * Mount only these keys, at these paths.
   * @default - every key of the Secret, one file per key
   */
  readonly keys?: SecretKeyProjection[];
  /**
   * Mode bits of the files. The default, `0o400`, becomes `0o440` owned by the pod's `fsGroup`, which the
   * workload must therefore set (kubelet adds group read); pass a mode with other-read (`0o444`) to
   * mount into a non-root pod without `fsGroup`.
   * @default 0o400
   */
  readonly defaultMode?: number;
  /**
   * Start the pod even when the Secret or a key is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/**
 * Options for `SecretConsumer.env`.
 */
export interface SecretEnvOptions {
  /** Environment variable name to Secret key, for example `{ POSTGRES_PASSWORD: 'password' }`. */
  readonly variables: { [name: string]: string };
  /**
   * Start the pod even when the Secret or a key is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/**
 * Options for `SecretConsumer.mountSecretProviderClass`.
 */
export interface SecretProviderClassMountOptions {
  /**
   * The absolute directory inside the container where the objects appear.
   * @default '/mnt/secrets-store/<SecretProviderClass name>'
   */
  readonly path?: string;
}
