import * as path from 'path';
import { ApiObject } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ReloadMode, RestartVia, SecretConsumerProps, SecretEnvOptions, SecretMountOptions, SecretProviderClassMountOptions } from './consumer-options';
import * as k from './kplus';
import { ReloaderAnnotations } from './reloader';
import { goDuration } from '../core/duration';
import { validationError } from '../core/errors';
import { IProducedSecret } from '../core/produced-secret';
import { checkSecretKey } from '../core/validate';
import { ISecretProviderClass } from '../csi/secret-provider-class';
import { CsiSyncedSecret } from '../csi/synced-secret';
import { fitName } from '../identity/bridge';

const CONSUMERS = new WeakMap<kplus.Workload, SecretConsumer>();
const CONSUMER_ID = 'SecretConsumer';
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const PRODUCER_RESTART_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * Wires Secrets into one workload, whichever backend produces them (ExternalSecret target, VSO
 * destination, SealedSecret, CSI `secretObjects`, plain Secret), and derives the rest:
 *
 * - read-only Secret volumes (the default) or environment variables (explicit opt-in);
 * - Reloader annotations on the workload's own metadata naming exactly the consumed Secrets, or the
 *   producer's own restart (VSO `rolloutRestartTargets`);
 * - for Secrets read through the Kubernetes API, a Role with `get` on those names only and a
 *   RoleBinding to the workload's ServiceAccount;
 * - Secrets Store CSI volumes, and the CSI volume a synced Secret needs to exist.
 *
 * One consumer per workload: `SecretConsumer.of` returns it (creating one with defaults if needed).
 *
 * @example
 * const consumer = SecretConsumer.of(deployment);
 * consumer.mount(container, dbSecret, { path: '/etc/secrets/db' });
 */
export class SecretConsumer extends Construct {
  /**
   * The workload's consumer, created with default options (as a child of the workload) if it has none.
   */
  public static of(workload: kplus.Workload): SecretConsumer {
    return CONSUMERS.get(workload) ?? new SecretConsumer(workload, CONSUMER_ID, { workload });
  }

  /** The workload. */
  public readonly workload: kplus.Workload;
  /** The workload's namespace (every consumed Secret must be in it). */
  public readonly namespace: string;
  /** The Reloader mode. */
  public readonly reloadMode: ReloadMode;
  /** Who restarts the workload when a Secret changes. */
  public readonly restartVia: RestartVia;
  private readonly facts: k.WorkloadFacts;
  private readonly reloaded = new Set<string>();
  private readonly restartedByProducer = new Set<string>();
  private readonly providerClasses = new Set<string>();
  private readonly apiReads = new Set<string>();
  private readonly csiVolumes = new Map<string, { volume: kplus.Volume; containers: Set<kplus.Container> }>();
  private role?: ApiObject;
  private counter = 0;

  public constructor(scope: Construct, id: string, props: SecretConsumerProps) {
    super(scope, id);
    const existing = CONSUMERS.get(props.workload);
    if (existing) {
      throw validationError(this, {
        code: 'CS-WL-028',
        prop: 'workload',
        value: props.workload.node.path,
        problem: `already has a SecretConsumer (${existing.node.path})`,
        fix: 'use one SecretConsumer per workload: get it with `SecretConsumer.of`, and create it before any `SecretConsumer.of` call when you need options',
      });
    }
    this.workload = props.workload;
    this.facts = k.workloadFacts(props.workload);
    if (this.facts.namespace === undefined) {
      throw validationError(this, {
        code: 'CS-WL-029',
        prop: 'workload',
        value: props.workload.node.path,
        problem: 'has no namespace, so which Secrets it can consume is unknown',
        fix: 'set metadata.namespace on the workload, or give its chart a namespace',
      });
    }
    this.namespace = this.facts.namespace;
    const reload = props.reload ?? {};
    this.reloadMode = reload.mode ?? ReloadMode.EXPLICIT;
    this.restartVia = reload.restartVia ?? RestartVia.PRODUCER_WHEN_SUPPORTED;
    if (reload.pausePeriod !== undefined) {
      if (!this.facts.isDeployment) {
        throw validationError(this, {
          code: 'CS-WL-030',
          prop: 'reload.pausePeriod',
          value: this.facts.kind,
          problem: 'works on Deployments only (deployment.reloader.stakater.com/pause-period)',
          fix: 'remove pausePeriod for this workload',
        });
      }
      if (this.reloadMode === ReloadMode.NONE) {
        throw validationError(this, {
          code: 'CS-WL-031',
          prop: 'reload.pausePeriod',
          value: goDuration(reload.pausePeriod),
          problem: 'has no effect with ReloadMode.NONE',
          fix: 'remove pausePeriod, or use ReloadMode.EXPLICIT or ReloadMode.AUTO',
        });
      }
      const seconds = reload.pausePeriod.toSeconds();
      if (seconds <= 0) {
        throw validationError(this, {
          code: 'CS-WL-032',
          prop: 'reload.pausePeriod',
          value: goDuration(reload.pausePeriod),
          problem: 'must be positive',
          fix: 'use a period such as `Duration.minutes(5)`',
        });
      }
      k.workloadMetadata(this.workload).addAnnotation(ReloaderAnnotations.DEPLOYMENT_PAUSE_PERIOD, goDuration(reload.pausePeriod));
    }
    CONSUMERS.set(props.workload, this);
  }

  /**
   * Mounts a Secret as a read-only volume (the recommended way: files are updated in place when the
   * Secret changes, and values never show in the pod spec or `env` output).
   */
  public mount(container: kplus.Container, secret: IProducedSecret, options: SecretMountOptions): void {
    this.checkContainer(container);
    this.checkSecret(secret);
    const mountPath = this.checkMountPath(container, 'path', options.path);
    const defaultMode = options.defaultMode ?? 0o400;
    this.checkMode('defaultMode', defaultMode);
    this.checkReadable(container, 'defaultMode', defaultMode);
    const items: k.KeyProjection[] = [];
    const filePaths = new Set<string>();
    (options.keys ?? []).forEach((p, i) => {
      const key = this.checkKey(secret, `keys[${i}].key`, p.key);
      const file = p.path ?? p.key;
      const normalized = path.posix.normalize(file);
      if (file.length === 0 || path.posix.isAbsolute(file) || normalized.startsWith('..') || normalized !== file.replace(/\/+$/, '') || file.includes('\\')) {
        throw validationError(this, {
          code: 'CS-WL-033',
          prop: `keys[${i}].path`,
          value: file,
          problem: 'must be a relative file path without ".." elements',
          fix: 'use a path such as "password" or "db/password"',
        });
      }
      if (filePaths.has(normalized)) {
        throw validationError(this, { code: 'CS-WL-034', prop: `keys[${i}].path`, value: file, problem: 'is used twice in this mount', fix: 'give each key its own file path' });
      }
      filePaths.add(normalized);
      if (p.mode !== undefined) {
        this.checkMode(`keys[${i}].mode`, p.mode);
        this.checkReadable(container, `keys[${i}].mode`, p.mode);
      }
      items.push({ key, path: normalized, mode: p.mode });
    });
    const id = this.nextId('Mount');
    k.mountSecretVolume(this, id, container, {
      secretName: secret.secretName,
      volumeName: this.volumeName(`secret-${secret.secretName}`),
      path: mountPath,
      defaultMode,
      items,
      optional: options.optional,
    });
    this.afterConsume(container, secret);
  }

  /**
   * Exposes Secret keys as environment variables. An explicit opt-in: prefer `mount`, because
   * environment variables leak more easily (crash dumps, `env`, child processes) and never update.
   */
  public env(container: kplus.Container, secret: IProducedSecret, options: SecretEnvOptions): void {
    this.checkContainer(container);
    this.checkSecret(secret);
    // Code-unit order, not localeCompare: the output must not depend on the machine's locale.
    const entries = Object.entries(options.variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) {
      throw validationError(this, { code: 'CS-WL-035', prop: 'variables', value: {}, problem: 'is empty', fix: 'map at least one variable name to a Secret key, or use the `mount` method' });
    }
    const existing = new Set(k.containerEnvNames(container));
    for (const [name, key] of entries) {
      if (!ENV_NAME.test(name)) {
        throw validationError(this, {
          code: 'CS-WL-036',
          prop: `variables.${name}`,
          value: name,
          problem: 'is not a valid environment variable name',
          fix: 'use letters, digits, "_", "-" and ".", not starting with a digit',
        });
      }
      if (existing.has(name)) {
        throw validationError(this, {
          code: 'CS-WL-037',
          prop: `variables.${name}`,
          value: name,
          problem: `is already set on container "${k.containerName(container)}"`,
          fix: 'use another variable name',
        });
      }
      this.checkKey(secret, `variables.${name}`, key);
    }
    for (const [name, key] of entries) {
      k.addSecretEnvVariable(this, this.nextId('Env'), container, { secretName: secret.secretName, variable: name, key, optional: options.optional });
    }
    this.afterConsume(container, secret);
  }

  /**
   * Exposes every key of a Secret as an environment variable (`envFrom`). An explicit opt-in, with the
   * caveats of `env`.
   */
  public envFrom(container: kplus.Container, secret: IProducedSecret): void {
    this.checkContainer(container);
    this.checkSecret(secret);
    k.addSecretEnvFrom(this, this.nextId('EnvFrom'), container, secret.secretName);
    this.afterConsume(container, secret);
  }

  /**
   * Mounts a SecretProviderClass through the Secrets Store CSI driver (read-only), and names it in the
   * Reloader annotations. The pod's identity must be granted the objects' reads
   * (`secretProviderClass.grantRead(identity)` on the AWS side).
   */
  public mountSecretProviderClass(container: kplus.Container, spc: ISecretProviderClass, options: SecretProviderClassMountOptions = {}): void {
    this.checkContainer(container);
    this.checkSameNamespace('secretProviderClass', spc.secretProviderClassName, spc.secretProviderClassNamespace);
    this.ensureCsiMount(container, spc, options.path);
    this.providerClasses.add(spc.secretProviderClassName);
    this.refreshAnnotations();
  }

  /**
   * Records that the workload reads the Secret through the Kubernetes API (a client library, not a
   * volume): grants its ServiceAccount `get` on that Secret's name only, and makes this workload's pods mount the
   * ServiceAccount token (`automountServiceAccountToken: true` in this pod spec only: the ServiceAccount keeps
   * automount off, so other pods that run as it, and only mount or read environment variables, get no token).
   * Nothing this library generates grants `list`, `watch` or `*` on Secrets.
   *
   * To grant the read without touching any pod (a pod that gets its token another way, a controller), call
   * `secret.grantRead(serviceAccount)` instead.
   */
  public readThroughApi(secret: IProducedSecret): void {
    this.checkSecret(secret);
    if (!this.facts.hasServiceAccount) {
      throw validationError(this, {
        code: 'CS-WL-038',
        prop: 'workload.serviceAccount',
        value: this.workload.node.path,
        problem: 'is not set: the pod would run as the namespace\'s "default" ServiceAccount, which other pods share',
        fix: 'give the workload its own ServiceAccount (serviceAccount prop), for example a WorkloadIdentity\'s serviceAccount',
      });
    }
    if (CsiSyncedSecret.isCsiSyncedSecret(secret) && !this.csiVolumes.has(secret.secretProviderClass.secretProviderClassName)) {
      throw validationError(this, {
        code: 'CS-WL-039',
        prop: 'secret',
        value: secret.secretName,
        problem: `is synced from SecretProviderClass "${secret.secretProviderClass.secretProviderClassName}", which this workload does not mount; the driver writes the Secret only while a pod mounts the class`,
        fix: 'call `mountSecretProviderClass` (or `mount` or `env` with this Secret) for a container of this workload first',
      });
    }
    this.apiReads.add(secret.secretName);
    // The pod that calls the API needs the token; nothing else changes.
    k.enablePodTokenAutomount(this.workload);
    if (this.role === undefined) {
      const subject = k.serviceAccountSubject(this.workload, this.namespace)!;
      this.role = k.newRole(this, 'SecretReaderRole', {
        namespace: this.namespace,
        rules: () => [{ apiGroups: [''], resources: ['secrets'], resourceNames: [...this.apiReads].sort(), verbs: ['get'] }],
      });
      k.newRoleBinding(this, 'SecretReaderRoleBinding', { namespace: this.namespace, roleName: this.role.name, subject });
    }
  }

  /** The Secrets Reloader watches for this workload (sorted). */
  public get reloadedSecretNames(): string[] {
    return [...this.reloaded].sort();
  }

  /** The Secrets whose producer restarts this workload itself (sorted). */
  public get producerRestartedSecretNames(): string[] {
    return [...this.restartedByProducer].sort();
  }

  /** The SecretProviderClasses the workload mounts (sorted). */
  public get secretProviderClassNames(): string[] {
    return [...this.providerClasses].sort();
  }

  /** The Secrets the workload reads through the Kubernetes API (sorted). */
  public get apiReadSecretNames(): string[] {
    return [...this.apiReads].sort();
  }

  /** The Role granting `get` on the Secrets read through the API, once `readThroughApi` was called. */
  public get secretReaderRole(): ApiObject | undefined {
    return this.role;
  }

  private afterConsume(container: kplus.Container, secret: IProducedSecret): void {
    // A Secret synced from a SecretProviderClass exists only while a pod mounts that class's CSI volume.
    if (CsiSyncedSecret.isCsiSyncedSecret(secret)) {
      this.ensureCsiMount(container, secret.secretProviderClass, undefined);
    }
    if (!this.reloaded.has(secret.secretName) && !this.restartedByProducer.has(secret.secretName)) {
      const canAsk = this.restartVia === RestartVia.PRODUCER_WHEN_SUPPORTED && PRODUCER_RESTART_KINDS.has(this.facts.kind);
      if (canAsk && secret.addRolloutRestartTarget({ kind: this.facts.kind, name: this.facts.name })) {
        this.restartedByProducer.add(secret.secretName);
      } else {
        this.reloaded.add(secret.secretName);
      }
    }
    this.refreshAnnotations();
  }

  private ensureCsiMount(container: kplus.Container, spc: ISecretProviderClass, mountPath: string | undefined): void {
    const name = spc.secretProviderClassName;
    const required = spc.requiredServiceAccountName;
    if (required !== undefined) {
      const runsAs = k.serviceAccountSubject(this.workload, this.namespace)?.name;
      if (runsAs !== required) {
        throw validationError(this, {
          code: 'CS-WL-040',
          prop: 'workload.serviceAccount',
          value: runsAs ?? 'default',
          problem: `is not "${required}", the ServiceAccount whose identity SecretProviderClass "${name}" is granted to; the mount would fail with AccessDenied`,
          fix: 'run the workload as that ServiceAccount (serviceAccount: identity.serviceAccount)',
        });
      }
    }
    const target = mountPath ?? `/mnt/secrets-store/${name}`;
    const existing = this.csiVolumes.get(name);
    if (existing?.containers.has(container)) {
      if (mountPath === undefined) return;
      throw validationError(this, {
        code: 'CS-WL-041',
        prop: 'secretProviderClass',
        value: name,
        problem: `is already mounted into container "${k.containerName(container)}"`,
        fix: 'mount each SecretProviderClass once per container (consuming a Secret it syncs mounts it at /mnt/secrets-store/<name>: call `mountSecretProviderClass` first to choose the path)',
      });
    }
    this.checkMountPath(container, 'path', target);
    if (existing !== undefined) {
      // One volume per class in the pod, shared by the containers that mount it.
      k.mountExistingVolume(container, existing.volume, target);
      existing.containers.add(container);
      return;
    }
    const volume = k.mountCsiVolume(this, this.nextId('Csi'), container, {
      driver: k.SECRETS_STORE_CSI_DRIVER,
      volumeName: this.volumeName(`csi-${name}`),
      path: target,
      attributes: { secretProviderClass: name },
    });
    this.csiVolumes.set(name, { volume, containers: new Set([container]) });
  }

  private refreshAnnotations(): void {
    const md = k.workloadMetadata(this.workload);
    const join = (s: Set<string>) => [...s].sort().join(',');
    switch (this.reloadMode) {
      case ReloadMode.NONE:
        return;
      case ReloadMode.EXPLICIT:
        if (this.reloaded.size > 0) md.addAnnotation(ReloaderAnnotations.SECRET_RELOAD, join(this.reloaded));
        if (this.providerClasses.size > 0) md.addAnnotation(ReloaderAnnotations.SECRET_PROVIDER_CLASS_RELOAD, join(this.providerClasses));
        return;
      case ReloadMode.AUTO:
        md.addAnnotation(ReloaderAnnotations.AUTO, 'true');
        if (this.providerClasses.size > 0) md.addAnnotation(ReloaderAnnotations.SECRET_PROVIDER_CLASS_AUTO, 'true');
        if (this.restartedByProducer.size > 0) md.addAnnotation(ReloaderAnnotations.SECRETS_EXCLUDE, join(this.restartedByProducer));
        return;
    }
  }

  private checkContainer(container: kplus.Container): void {
    if (!k.containerBelongsTo(this.workload, container)) {
      throw validationError(this, {
        code: 'CS-WL-042',
        prop: 'container',
        value: k.containerName(container),
        problem: `is not a container of workload ${this.workload.node.path}`,
        fix: 'pass a container returned by the workload\'s `addContainer` (or `addInitContainer`) method',
      });
    }
  }

  private checkSecret(secret: IProducedSecret): void {
    this.checkSameNamespace('secret', secret.secretName, secret.secretNamespace);
  }

  private checkSameNamespace(prop: string, name: string, namespace: string): void {
    if (namespace !== this.namespace) {
      throw validationError(this, {
        code: 'CS-WL-043',
        prop,
        value: `${namespace}/${name}`,
        problem: `is in namespace "${namespace}" but workload "${this.facts.name}" runs in "${this.namespace}"; a pod can only use Secrets of its own namespace`,
        fix: `produce the Secret in namespace "${this.namespace}" (or run the workload in "${namespace}")`,
      });
    }
  }

  private checkKey(secret: IProducedSecret, prop: string, key: string): string {
    checkSecretKey(this, prop, key);
    const known = secret.secretKeys;
    if (known.length > 0 && !known.includes(key)) {
      throw validationError(this, {
        code: 'CS-WL-044',
        prop,
        value: key,
        problem: `is not a key of Secret "${secret.secretName}" (its keys: ${[...known].sort().join(', ')})`,
        fix: 'use one of the Secret\'s keys, or add the key to what produces the Secret',
      });
    }
    return key;
  }

  private checkMountPath(container: kplus.Container, prop: string, mountPath: string): string {
    const normalized = path.posix.normalize(mountPath).replace(/(.)\/$/, '$1');
    if (!mountPath.startsWith('/') || mountPath.includes(':') || normalized !== mountPath) {
      throw validationError(this, {
        code: 'CS-WL-045',
        prop,
        value: mountPath,
        problem: 'must be a normalized absolute path without ":" (no "..", no trailing "/")',
        fix: 'use a path such as "/etc/secrets/db"',
      });
    }
    if (k.containerMountPaths(container).map((p) => path.posix.normalize(p).replace(/(.)\/$/, '$1')).includes(normalized)) {
      throw validationError(this, {
        code: 'CS-WL-046',
        prop,
        value: mountPath,
        problem: `is already a mount path of container "${k.containerName(container)}"`,
        fix: 'mount each volume at its own path',
      });
    }
    return normalized;
  }

  private checkMode(prop: string, mode: number): void {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
      throw validationError(this, { code: 'CS-WL-047', prop, value: mode, problem: 'must be file mode bits between 0 and 0o777', fix: 'use an octal literal such as 0o400' });
    }
  }

  /** Files without other-read are root's: a non-root container reads them only through the pod's fsGroup. */
  private checkReadable(container: kplus.Container, prop: string, mode: number): void {
    if (this.facts.fsGroup === undefined && Math.floor(mode / 4) % 2 === 0 && k.containerRunsAsNonRoot(container)) {
      throw validationError(this, {
        code: 'CS-WL-048',
        prop,
        value: `0o${mode.toString(8)}`,
        problem: `makes the files unreadable to the non-root container "${k.containerName(container)}": the files are owned by root and the workload sets no securityContext.fsGroup`,
        fix: `set \`fsGroup\` in the workload's \`securityContext\` (the files become 0440, group fsGroup), or set \`${prop}\` to 0o444`,
      });
    }
  }

  private volumeName(base: string): string {
    const taken = new Set(k.podVolumeNames(this.workload));
    const clean = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+$/, '');
    let name = fitName(clean, 63);
    for (let i = 2; taken.has(name); i++) name = fitName(`${clean}-${i}`, 63);
    return name;
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }
}
