import { Chart, Lazy } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkUseCovered } from './derive';
import { INSTALL_SYMBOL, VaultInstall } from './install';
import { checkVaultName } from './internal';
import { IVaultKubernetesRole, ROLE_SYMBOL, VaultKubernetesRole } from './kubernetes-auth';
import { KV_MOUNT_SYMBOL, VaultKvMount, VaultKvVersion } from './kv-mount';
import { checkPolicyPath, VaultCapability } from './policy';
import { VaultSecretPath } from './secret-path';
import { registerReader, VaultAccess, VaultUse } from './use';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { registeredInTree } from '../core/tree-cache';
import { checkDnsLabel, checkDnsSubdomain, resolveNamespace } from '../core/validate';

const PREFIX = 'vault.hashicorp.com/';

/**
 * How the Vault Agent runs in the pod.
 */
export enum VaultAgentMode {
  /** An init container renders the files before the app starts, and a sidecar keeps them current (the injector's default). */
  INIT_AND_SIDECAR = 'init-and-sidecar',
  /** Only the init container (`agent-pre-populate-only: "true"`): files are rendered once, no sidecar. Right for Jobs. */
  INIT_ONLY = 'init-only',
  /** Only the sidecar (`agent-pre-populate: "false"`): the app may start before the files exist. */
  SIDECAR_ONLY = 'sidecar-only',
}

/** The Vault Agent's log level. */
export enum VaultAgentLogLevel {
  /** trace */
  TRACE = 'trace',
  /** debug */
  DEBUG = 'debug',
  /** info */
  INFO = 'info',
  /** warn */
  WARN = 'warn',
  /** error */
  ERROR = 'error',
}

/**
 * One file the Vault Agent renders into the pod (`/vault/secrets/<name>` by default).
 */
export interface VaultAgentSecretFile {
  /**
   * The file's name, which is also the annotation suffix (`agent-inject-secret-<name>`): lower-case
   * letters, digits, '-', '_' and '.', at most 41 characters.
   */
  readonly name: string;
  /** The Vault path the file reads. */
  readonly secret: VaultSecretPath;
  /**
   * A Vault Agent (consul-template) template for the file, such as
   * `{{- with secret "kv-secrets/data/db" -}}postgresql://{{ .Data.data.username }}:...{{- end }}`.
   * Every `secret "<path>"` and `pkiCert "<path>"` it names is added to the role's policy (and, since the
   * agent then renders only the template, `secret` itself is not, unless the template names no literal path).
   * @default - the injector's default template (the secret's data as key/value lines)
   */
  readonly template?: string;
  /**
   * A different file name (and sub-path) in the secrets volume (`agent-inject-file-<name>`).
   * @default - the name
   */
  readonly fileName?: string;
  /**
   * The file's permissions, as octal (`agent-inject-perms-<name>`).
   * @default - the injector's default (0644)
   */
  readonly filePermissions?: string;
  /**
   * A command the agent runs after rendering the file (`agent-inject-command-<name>`), for example to
   * signal the app to reload.
   * @default - none
   */
  readonly command?: string;
}

/**
 * Props for `VaultAgentInjection`.
 */
export interface VaultAgentInjectionProps {
  /**
   * The Kubernetes-auth role the agent logs in with (`vault.hashicorp.com/role`). It must be a role the
   * program defines (a `VaultKubernetesRole`), unless `externalRole` is set.
   */
  readonly role: string;
  /**
   * The role is defined outside this program: it is not looked up, nothing is derived for it and its
   * policies are not checked.
   * @default false
   */
  readonly externalRole?: boolean;
  /**
   * The auth method's mount path (without `auth/`), for the `auth-path` annotation.
   * @default - the path of the program's role with that name; for an external role, the injector's default
   */
  readonly authPath?: string;
  /**
   * The files to render.
   * @default - none; add them with addSecret()
   */
  readonly secrets?: VaultAgentSecretFile[];
  /**
   * Init container, sidecar, or both.
   * @default - VaultAgentMode.INIT_ONLY for a Job or CronJob (a sidecar agent keeps running, so the Job's
   * pods would never complete), VaultAgentMode.INIT_AND_SIDECAR otherwise
   */
  readonly mode?: VaultAgentMode;
  /**
   * Let the injector mutate the pod again when it is updated (`agent-inject-status: "update"`).
   * @default false
   */
  readonly reinjectOnUpdate?: boolean;
  /**
   * Run the agent's init container before the pod's other init containers (`agent-init-first`).
   * @default false
   */
  readonly initFirst?: boolean;
  /**
   * Where the secrets volume is mounted in the app containers (`secret-volume-path`).
   * @default '/vault/secrets'
   */
  readonly secretVolumePath?: string;
  /**
   * The Vault address the agent uses (`service`).
   * @default - the injector's configured address
   */
  readonly vaultAddress?: string;
  /**
   * The Vault Enterprise namespace (`namespace`).
   * @default - none
   */
  readonly vaultNamespace?: string;
  /**
   * Path of a CA certificate in the agent container to verify Vault with (`ca-cert`).
   * @default - the system roots
   */
  readonly caCert?: string;
  /**
   * A Secret mounted into the agent at /vault/tls (`tls-secret`), typically holding `caCert`.
   * @default - none
   */
  readonly tlsSecret?: string;
  /**
   * Skip TLS verification (insecure; `tls-skip-verify`).
   * @default false
   */
  readonly tlsSkipVerify?: boolean;
  /**
   * Agent CPU limit (`agent-limits-cpu`), a Kubernetes quantity.
   * @default - the injector's default (500m)
   */
  readonly cpuLimit?: string;
  /**
   * Agent memory limit (`agent-limits-mem`).
   * @default - the injector's default (128Mi)
   */
  readonly memoryLimit?: string;
  /**
   * Agent CPU request (`agent-requests-cpu`).
   * @default - the injector's default (250m)
   */
  readonly cpuRequest?: string;
  /**
   * Agent memory request (`agent-requests-mem`).
   * @default - the injector's default (64Mi)
   */
  readonly memoryRequest?: string;
  /**
   * Run the agent as the app's first container's user (`agent-run-as-same-user`).
   * @default false
   */
  readonly runAsSameUser?: boolean;
  /**
   * Revoke the agent's token when the pod stops (`agent-revoke-on-shutdown`).
   * @default - the injector's default (false)
   */
  readonly revokeOnShutdown?: boolean;
  /**
   * Enable the agent cache (`agent-cache-enable`).
   * @default false
   */
  readonly cache?: boolean;
  /**
   * The agent's log level (`log-level`).
   * @default VaultAgentLogLevel.INFO
   */
  readonly logLevel?: VaultAgentLogLevel;
  /**
   * The Vault Agent image (`agent-image`), for example a pinned `hashicorp/vault:<version>` or a mirror.
   * @default - the injector's configured image
   */
  readonly agentImage?: string;
  /**
   * The app containers that get the secrets volume (`agent-inject-containers`); each must be a container of
   * the pod.
   * @default - every container of the pod
   */
  readonly containers?: string[];
}

const FILE_NAME = /^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const INJECTION_SYMBOL = Symbol.for('cdk8s-secrets.VaultAgentInjection');

/**
 * Vault Agent Injector annotations on a cdk8s-plus pod template. The annotations go on the pod
 * template (`workload.podMetadata`), never on the Deployment's own metadata, because the injector's
 * webhook reads pods.
 *
 * The role is looked up by name in the program: its auth path is annotated, the pod's ServiceAccount and
 * namespace are bound to it, and every path the files and templates read is added to its policy.
 *
 * ```ts
 * VaultAgentInjection.addTo(deployment, {
 *   role: 'app',
 *   secrets: [{ name: 'database.txt', secret: VaultSecretPath.kv(kv, 'production/database'), template: '...' }],
 * });
 * ```
 * @see https://developer.hashicorp.com/vault/docs/platform/k8s/injector/annotations
 */
export class VaultAgentInjection extends Construct {
  /** Adds the injection to a pod or workload (one per pod template). */
  public static addTo(pod: kplus.AbstractPod, props: VaultAgentInjectionProps): VaultAgentInjection {
    return new VaultAgentInjection(pod, 'VaultAgentInjection', props);
  }

  /** Whether a construct is a VaultAgentInjection. */
  public static isVaultAgentInjection(x: any): x is VaultAgentInjection {
    return x !== null && typeof x === 'object' && INJECTION_SYMBOL in x;
  }

  /** The role name. */
  public readonly roleName: string;
  private readonly pod: kplus.AbstractPod;
  private readonly props: VaultAgentInjectionProps;
  private readonly files: Array<{ name: string; path: string; template?: string }> = [];

  /**
   * @param pod the pod or workload whose pod template gets the annotations
   */
  public constructor(pod: kplus.AbstractPod, id: string, props: VaultAgentInjectionProps) {
    super(pod, id);
    Object.defineProperty(this, INJECTION_SYMBOL, { value: true });
    this.pod = pod;
    this.props = props;
    this.roleName = checkVaultName(this, 'role', props.role);
    if (props.authPath !== undefined) checkVaultName(this, 'authPath', props.authPath, { allowSlash: true });
    if (!pod.automountServiceAccountToken) {
      throw validationError(this, {
        code: 'CS-VAULT-012',
        prop: 'automountServiceAccountToken',
        value: false,
        problem: `is false on ${pod.node.path}, but the Vault Agent logs in with the pod's ServiceAccount token`,
        fix: 'set automountServiceAccountToken: true on the workload',
      });
    }
    if (!pod.serviceAccount) {
      throw validationError(this, {
        code: 'CS-VAULT-013',
        prop: 'serviceAccount',
        problem: `${pod.node.path} runs as its namespace's default ServiceAccount; binding a Vault role to it lets every pod in the namespace read the secrets`,
        fix: 'give the workload its own ServiceAccount (its `serviceAccount` prop, a cdk8s-plus ServiceAccount)',
      });
    }

    const md = pod.podMetadata;
    md.addAnnotation(`${PREFIX}agent-inject`, 'true');
    md.addAnnotation(`${PREFIX}role`, this.roleName);
    const authPath = props.authPath;
    if (authPath !== undefined) {
      md.addAnnotation(`${PREFIX}auth-path`, `auth/${authPath}`);
    } else if (!props.externalRole) {
      md.addAnnotation(`${PREFIX}auth-path`, Lazy.any({ produce: () => `auth/${this.resolveRole()!.authPath}` }));
    }
    const runsToCompletion = pod instanceof lazy.kplus.Job || pod instanceof lazy.kplus.CronJob;
    const mode = props.mode ?? (runsToCompletion ? VaultAgentMode.INIT_ONLY : VaultAgentMode.INIT_AND_SIDECAR);
    if (mode === VaultAgentMode.INIT_ONLY) md.addAnnotation(`${PREFIX}agent-pre-populate-only`, 'true');
    if (mode === VaultAgentMode.SIDECAR_ONLY) md.addAnnotation(`${PREFIX}agent-pre-populate`, 'false');
    if (props.reinjectOnUpdate) md.addAnnotation(`${PREFIX}agent-inject-status`, 'update');
    if (props.initFirst) md.addAnnotation(`${PREFIX}agent-init-first`, 'true');
    if (props.secretVolumePath !== undefined) {
      if (!/^\/[A-Za-z0-9._\-/]*$/.test(props.secretVolumePath)) {
        throw validationError(this, { code: 'CS-VAULT-014', prop: 'secretVolumePath', value: props.secretVolumePath, problem: 'must be an absolute path', fix: 'use a path such as "/etc/secrets"' });
      }
      md.addAnnotation(`${PREFIX}secret-volume-path`, props.secretVolumePath);
    }
    if (props.vaultAddress !== undefined) {
      if (!/^https?:\/\/[A-Za-z0-9.\-_:[\]]+(\/.*)?$/.test(props.vaultAddress)) {
        throw validationError(this, { code: 'CS-VAULT-015', prop: 'vaultAddress', value: props.vaultAddress, problem: 'must be an http or https URL', fix: 'use an address such as "http://vault.vault.svc:8200"' });
      }
      md.addAnnotation(`${PREFIX}service`, props.vaultAddress);
    }
    if (props.vaultNamespace !== undefined) md.addAnnotation(`${PREFIX}namespace`, props.vaultNamespace);
    if (props.caCert !== undefined) md.addAnnotation(`${PREFIX}ca-cert`, props.caCert);
    if (props.tlsSecret !== undefined) md.addAnnotation(`${PREFIX}tls-secret`, checkDnsSubdomain(this, 'tlsSecret', props.tlsSecret));
    if (props.tlsSkipVerify !== undefined) md.addAnnotation(`${PREFIX}tls-skip-verify`, String(props.tlsSkipVerify));
    const quantities: Array<[string, string | undefined, string]> = [
      ['cpuLimit', props.cpuLimit, 'agent-limits-cpu'],
      ['memoryLimit', props.memoryLimit, 'agent-limits-mem'],
      ['cpuRequest', props.cpuRequest, 'agent-requests-cpu'],
      ['memoryRequest', props.memoryRequest, 'agent-requests-mem'],
    ];
    for (const [prop, value, key] of quantities) {
      if (value === undefined) continue;
      if (!QUANTITY.test(value)) {
        throw validationError(this, { code: 'CS-VAULT-016', prop, value, problem: 'must be a Kubernetes quantity', fix: 'use a value such as "250m" or "64Mi"' });
      }
      md.addAnnotation(`${PREFIX}${key}`, value);
    }
    if (props.runAsSameUser !== undefined) md.addAnnotation(`${PREFIX}agent-run-as-same-user`, String(props.runAsSameUser));
    if (props.revokeOnShutdown !== undefined) md.addAnnotation(`${PREFIX}agent-revoke-on-shutdown`, String(props.revokeOnShutdown));
    if (props.cache !== undefined) md.addAnnotation(`${PREFIX}agent-cache-enable`, String(props.cache));
    if (props.logLevel !== undefined) md.addAnnotation(`${PREFIX}log-level`, props.logLevel);
    if (props.agentImage !== undefined) {
      if (!/^[a-z0-9]([a-z0-9._\-/:]*[a-z0-9])?(@sha256:[a-f0-9]{64})?$/.test(props.agentImage)) {
        throw validationError(this, { code: 'CS-VAULT-017', prop: 'agentImage', value: props.agentImage, problem: 'must be a container image reference', fix: 'use an image such as "hashicorp/vault:1.21.1"' });
      }
      md.addAnnotation(`${PREFIX}agent-image`, props.agentImage);
    }
    if (props.containers !== undefined) {
      if (props.containers.length === 0) {
        throw validationError(this, { code: 'CS-VAULT-018', prop: 'containers', value: [], problem: 'is empty: no container would see the secrets', fix: 'list the containers that read the files, or leave containers unset for all' });
      }
      props.containers.forEach((c, i) => checkDnsLabel(this, `containers[${i}]`, c));
      md.addAnnotation(`${PREFIX}agent-inject-containers`, props.containers.join(','));
    }

    (props.secrets ?? []).forEach((s) => this.addSecret(s));
    registerReader(this, () => (this.props.externalRole ? [] : [this.use()]));
    this.node.addValidation({
      validate: () => {
        this.checkInjectorInstalled();
        this.checkContainers();
        if (!this.props.externalRole) checkUseCovered(this.use());
        return [];
      },
    });
  }

  /** Adds a file for the agent to render. */
  public addSecret(file: VaultAgentSecretFile): void {
    const name = file.name;
    const longest = 'agent-inject-template-'.length;
    if (!FILE_NAME.test(name) || name.length + longest > 63) {
      throw validationError(this, {
        code: 'CS-VAULT-019',
        prop: 'secrets.name',
        value: name,
        problem: `must be lower-case letters, digits, '-', '_' and '.', at most ${63 - longest} characters (it becomes the annotation suffix)`,
        fix: 'use a short name such as "database.txt", and fileName for a longer file name',
      });
    }
    if (this.files.some((f) => f.name === name)) {
      throw validationError(this, { code: 'CS-VAULT-020', prop: 'secrets.name', value: name, problem: 'is used twice', fix: 'give each file its own name' });
    }
    const path = file.secret._resolve(this, `secrets[${name}].secret`);
    const md = this.pod.podMetadata;
    md.addAnnotation(`${PREFIX}agent-inject-secret-${name}`, path);
    if (file.template !== undefined) md.addAnnotation(`${PREFIX}agent-inject-template-${name}`, file.template);
    if (file.fileName !== undefined) {
      if (!/^[A-Za-z0-9._\-/]+$/.test(file.fileName) || file.fileName.startsWith('/') || file.fileName.split('/').includes('..')) {
        throw validationError(this, { code: 'CS-VAULT-021', prop: `secrets[${name}].fileName`, value: file.fileName, problem: 'must be a relative file path inside the secrets volume', fix: 'use a name such as "config/app.env"' });
      }
      md.addAnnotation(`${PREFIX}agent-inject-file-${name}`, file.fileName);
    }
    if (file.filePermissions !== undefined) {
      if (!/^0?[0-7]{3}$/.test(file.filePermissions)) {
        throw validationError(this, { code: 'CS-VAULT-022', prop: `secrets[${name}].filePermissions`, value: file.filePermissions, problem: 'must be octal permissions', fix: 'use a value such as "0440"' });
      }
      md.addAnnotation(`${PREFIX}agent-inject-perms-${name}`, file.filePermissions);
    }
    if (file.command !== undefined) md.addAnnotation(`${PREFIX}agent-inject-command-${name}`, file.command);
    this.files.push({ name, path, template: file.template });
  }

  /** The Vault paths the agent reads, with the capabilities it needs there. */
  public get readPaths(): string[] {
    return this.access().map((a) => a.path);
  }

  private access(): VaultAccess[] {
    const byPath = new Map<string, Set<VaultCapability>>();
    const add = (path: string, caps: VaultCapability[]) => {
      const set = byPath.get(path) ?? new Set<VaultCapability>();
      caps.forEach((c) => set.add(c));
      byPath.set(path, set);
    };
    for (const f of this.files) {
      // With a template, the agent renders only the template (the injector uses the annotation's path
      // only to build its default template), so only the template's paths are read. A template that
      // names no literal path (built with printf, say) keeps the annotation's path as the best guess.
      let named = 0;
      for (const m of (f.template ?? '').matchAll(/\b(secret|pkiCert)\s+"([^"]+)"((?:\s+"[^"]*")*)/g)) {
        const path = checkPolicyPath(this, `secrets[${f.name}].template`, m[2], false);
        this.checkAgainstMounts(`secrets[${f.name}].template`, path);
        const writes = m[1] === 'pkiCert' || m[3].trim().length > 0;
        add(path, writes ? [VaultCapability.CREATE, VaultCapability.UPDATE] : [VaultCapability.READ]);
        named++;
      }
      if (named === 0) add(f.path, [VaultCapability.READ]);
      this.checkAgainstMounts(`secrets[${f.name}].secret`, f.path);
    }
    return [...byPath.keys()].sort().map((path) => ({ path, capabilities: [...byPath.get(path)!] }));
  }

  /** When the program installs Vault, one of its installs must run the injector webhook. */
  private checkInjectorInstalled(): void {
    const installs = registeredInTree<VaultInstall>(this, INSTALL_SYMBOL);
    if (installs.length > 0 && !installs.some((i) => i.injectorEnabled)) {
      throw validationError(this, {
        code: 'CS-VAULT-023',
        prop: 'role',
        value: this.roleName,
        problem: `annotates the pod for the Agent Injector, but the program installs Vault with injector: false (${installs.map((i) => i.node.path).join(', ')}), so no agent would render the files`,
        fix: 'set injector: true on the VaultInstall, or remove the injection',
      });
    }
  }

  /** Every container named in `containers` must be a container of the pod (checked at synth: containers may be added later). */
  private checkContainers(): void {
    const names = this.pod.containers.map((c) => c.name);
    const missing = (this.props.containers ?? []).filter((c) => !names.includes(c));
    if (missing.length > 0) {
      throw validationError(this, {
        code: 'CS-VAULT-024',
        prop: 'containers',
        value: missing,
        problem: `names containers that ${this.pod.node.path} does not have (it has ${names.map((n) => `"${n}"`).join(', ')})`,
        fix: 'name the pod\'s own containers',
      });
    }
  }

  /** A raw path into a kv-v2 mount that the program defines must go through `data/`. */
  private checkAgainstMounts(prop: string, path: string): void {
    for (const m of registeredInTree<VaultKvMount>(this, KV_MOUNT_SYMBOL)) {
      if (!path.startsWith(`${m.mountPath}/`)) continue;
      const rest = path.slice(m.mountPath.length + 1);
      if (m.version === VaultKvVersion.V2 && !/^(data|metadata)\//.test(rest)) {
        throw validationError(this, {
          code: 'CS-VAULT-025',
          prop,
          value: path,
          problem: `reads kv-v2 mount "${m.mountPath}" without "data/"; kv-v2 secrets are read at "${m.mountPath}/data/<path>"`,
          fix: `write "${m.mountPath}/data/${rest}", or use \`VaultSecretPath.kv\` with the mount and "${rest}"`,
        });
      }
    }
  }

  private resolveRole(): IVaultKubernetesRole | undefined {
    if (this.props.externalRole) return undefined;
    const candidates = registeredInTree<VaultKubernetesRole>(this, ROLE_SYMBOL)
      .filter((r) => r.roleName === this.roleName && (this.props.authPath === undefined || r.authPath === this.props.authPath));
    if (candidates.length === 0) {
      throw validationError(this, {
        code: 'CS-VAULT-026',
        prop: 'role',
        value: this.roleName,
        problem: `names a Vault role the program does not define${this.props.authPath ? ` on auth path "${this.props.authPath}"` : ''}, so nothing binds this pod's ServiceAccount or grants its paths`,
        fix: 'define it with the `addRole` method of VaultKubernetesAuth, or set `externalRole` to true if it is managed outside this program',
      });
    }
    if (candidates.length > 1) {
      throw validationError(this, {
        code: 'CS-VAULT-027',
        prop: 'role',
        value: this.roleName,
        problem: `matches roles on several auth paths (${candidates.map((c) => c.authPath).join(', ')})`,
        fix: 'set authPath',
      });
    }
    const role = candidates[0];
    if (role.audience !== undefined) {
      throw validationError(this, {
        code: 'CS-VAULT-028',
        prop: 'role',
        value: this.roleName,
        problem: `requires the token audience "${role.audience}", but the Vault Agent logs in with the pod's default ServiceAccount token, whose audience is the API server's`,
        fix: 'use a role without audience for injected pods (audiences fit VaultAuth objects, which request their own tokens)',
      });
    }
    return role;
  }

  private use(): VaultUse {
    const ns = resolveNamespace(this, 'pod.metadata.namespace', this.pod.metadata.namespace ?? Chart.of(this.pod).namespace, 'the pod\'s namespace decides the Vault role binding of its ServiceAccount');
    return {
      reader: this,
      description: `the Agent Injector on ${this.pod.kind} ${ns}/${this.pod.name}`,
      role: this.resolveRole(),
      serviceAccount: { name: this.pod.serviceAccount!.name, namespace: ns },
      access: this.access(),
    };
  }
}
