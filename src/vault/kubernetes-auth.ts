import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkVaultName, LazyFileArtifact, requireConfiguration } from './internal';
import { IVaultPolicy, VaultPolicy } from './policy';
import { validationError } from '../core/errors';
import { registerInTree } from '../core/tree-cache';
import { checkDnsLabel, checkDnsSubdomain } from '../core/validate';

/** The default `kubernetes_host`: the API server address as seen from inside the Vault pod (expanded by the shell there). */
const DEFAULT_KUBERNETES_HOST = 'https://$KUBERNETES_PORT_443_TCP_ADDR:443';

/**
 * A Kubernetes auth method mount.
 */
export interface IVaultKubernetesAuth extends IConstruct {
  /** The mount path of the auth method (without `auth/`), for example `kubernetes-auth`. */
  readonly path: string;
}

/**
 * Options for `VaultConfiguration.addKubernetesAuth`.
 */
export interface VaultKubernetesAuthOptions {
  /**
   * The mount path (without `auth/`).
   * @default 'kubernetes'
   */
  readonly path?: string;
  /**
   * The Kubernetes API server URL Vault calls to review tokens (`kubernetes_host`). The generated script
   * writes it in double quotes, so `$VARIABLES` are expanded by the shell that runs it.
   * @default "https://$KUBERNETES_PORT_443_TCP_ADDR:443" - the API server as seen from a pod (run the script inside the Vault pod, as the seeds do)
   */
  readonly kubernetesHost?: string;
}

/** Props for `VaultKubernetesAuth`. */
export interface VaultKubernetesAuthProps extends VaultKubernetesAuthOptions {}

const AUTH_SYMBOL = Symbol.for('cdk8s-secrets.VaultKubernetesAuth');

/**
 * A Kubernetes auth method that the generated `vault-config.sh` enables and configures
 * (`vault auth enable -path=<path> kubernetes`, `vault write auth/<path>/config kubernetes_host=...`).
 * Create it with `VaultConfiguration.addKubernetesAuth()`, then add roles with `addRole`.
 */
export class VaultKubernetesAuth extends Construct implements IVaultKubernetesAuth {
  /** Whether a construct is a VaultKubernetesAuth owned by this program. */
  public static isVaultKubernetesAuth(x: any): x is VaultKubernetesAuth {
    return x !== null && typeof x === 'object' && AUTH_SYMBOL in x;
  }

  /** The mount path (without `auth/`). */
  public readonly path: string;
  /** The `kubernetes_host` written to the auth method's config. */
  public readonly kubernetesHost: string;

  public constructor(scope: Construct, id: string, props: VaultKubernetesAuthProps = {}) {
    super(scope, id);
    Object.defineProperty(this, AUTH_SYMBOL, { value: true });
    this.path = checkVaultName(this, 'path', props.path ?? 'kubernetes', { allowSlash: true });
    const host = props.kubernetesHost ?? DEFAULT_KUBERNETES_HOST;
    if (!/^https?:\/\/[A-Za-z0-9.\-_:$[\]{}/]+$/.test(host) || host.includes('$(') || host.includes('${')) {
      throw validationError(this, {
        code: 'CS-VAULT-037',
        prop: 'kubernetesHost',
        value: host,
        problem: 'must be an http or https URL made of host, port and path characters (shell variables as $NAME only)',
        fix: 'use a URL such as "https://kubernetes.default.svc:443"',
      });
    }
    this.kubernetesHost = host;
  }

  /** Adds a role to this auth method. */
  public addRole(id: string, options: VaultKubernetesRoleOptions): VaultKubernetesRole {
    return new VaultKubernetesRole(this, id, { ...options, auth: this });
  }

  /** The roles of this auth method, in the order they were added. */
  public get roles(): VaultKubernetesRole[] {
    return this.node.findAll().filter(VaultKubernetesRole.isVaultKubernetesRole);
  }
}

/**
 * A ServiceAccount a role binds explicitly (besides the ones derived from use).
 */
export interface VaultServiceAccountBinding {
  /** The ServiceAccount's name. */
  readonly name: string;
  /** The ServiceAccount's namespace. */
  readonly namespace: string;
}

/**
 * A Kubernetes auth role.
 */
export interface IVaultKubernetesRole extends IConstruct {
  /** The role's name. */
  readonly roleName: string;
  /** The mount path of the auth method the role belongs to (without `auth/`). */
  readonly authPath: string;
  /**
   * The audience the role requires in ServiceAccount tokens, if known.
   * @default - none
   */
  readonly audience?: string;
}

/**
 * Attributes of a role defined outside this program.
 */
export interface VaultKubernetesRoleAttributes {
  /** The role's name. */
  readonly roleName: string;
  /**
   * The mount path of the auth method (without `auth/`).
   * @default 'kubernetes'
   */
  readonly authPath?: string;
  /**
   * The audience the role requires, so VaultAuth objects request tokens for it.
   * @default - none
   */
  readonly audience?: string;
}

/**
 * Options for `VaultKubernetesAuth.addRole`.
 */
export interface VaultKubernetesRoleOptions {
  /** The role's name (`vault write auth/<path>/role/<roleName>`). */
  readonly roleName: string;
  /**
   * The audience ServiceAccount tokens must carry (`audience`). VaultAuth objects using the role request
   * tokens for it. Vault recommends setting one.
   * @default - tokens are not checked for an audience
   */
  readonly audience?: string;
  /**
   * The lifetime of tokens issued by the role (`token_ttl`).
   * @default - Vault's default lease TTL
   */
  readonly ttl?: Duration;
  /**
   * The maximum lifetime of tokens issued by the role (`token_max_ttl`).
   * @default - Vault's maximum lease TTL
   */
  readonly maxTtl?: Duration;
  /**
   * The policies attached to tokens issued by the role (`token_policies`). Paths that the role's readers
   * read are added to the first policy that derives from use.
   * @default - one derived policy named after the role
   */
  readonly policies?: IVaultPolicy[];
  /**
   * ServiceAccounts to bind besides the ones derived from use (VaultAuth objects, Agent Injector pods and
   * ESO stores that log in with the role).
   * @default - only the derived ones
   */
  readonly serviceAccounts?: VaultServiceAccountBinding[];
  /**
   * Accept bindings that admit ServiceAccounts nothing in the program uses. Vault binds every listed name
   * in every listed namespace, so a role used by `a` in `team-a` and `b` in `team-b` also admits `b` in
   * `team-a` and `a` in `team-b`; by default that fails synth, naming the extra pairs (give each namespace
   * its own role instead).
   * @default false
   */
  readonly allowUnusedBindingPairs?: boolean;
}

/** Props for `VaultKubernetesRole`. */
export interface VaultKubernetesRoleProps extends VaultKubernetesRoleOptions {
  /** The auth method the role belongs to. */
  readonly auth: VaultKubernetesAuth;
}

/** @internal */
export const ROLE_SYMBOL = Symbol.for('cdk8s-secrets.VaultKubernetesRole');

/**
 * A Kubernetes auth role owned by this program. Its bound ServiceAccount names and namespaces are derived
 * from what logs in with it; its file `vault/roles/<authPath>/<roleName>.json` is written by the
 * `VaultConfiguration` and applied by the generated script.
 */
export class VaultKubernetesRole extends Construct implements IVaultKubernetesRole {
  /** Whether a construct is a VaultKubernetesRole owned by this program. */
  public static isVaultKubernetesRole(x: any): x is VaultKubernetesRole {
    return x !== null && typeof x === 'object' && ROLE_SYMBOL in x;
  }

  /**
   * A role defined outside this program (an escape hatch): readers using it get no derived policy or
   * binding, and are not checked.
   */
  public static fromRoleName(scope: Construct, id: string, attrs: VaultKubernetesRoleAttributes): IVaultKubernetesRole {
    class Imported extends Construct implements IVaultKubernetesRole {
      public readonly roleName = attrs.roleName;
      public readonly authPath = attrs.authPath ?? 'kubernetes';
      public readonly audience = attrs.audience;
    }
    const imported = new Imported(scope, id);
    checkVaultName(imported, 'roleName', imported.roleName);
    checkVaultName(imported, 'authPath', imported.authPath, { allowSlash: true });
    return imported;
  }

  /** The role's name. */
  public readonly roleName: string;
  /** The auth method's mount path. */
  public readonly authPath: string;
  /**
   * The audience tokens must carry.
   * @default - none
   */
  public readonly audience?: string;
  /**
   * Token TTL (`token_ttl`).
   * @default - Vault's default lease TTL
   */
  public readonly ttl?: Duration;
  /**
   * Token max TTL (`token_max_ttl`).
   * @default - Vault's maximum lease TTL
   */
  public readonly maxTtl?: Duration;
  /** Whether bindings may admit ServiceAccounts nothing in the program uses. */
  public readonly allowUnusedBindingPairs: boolean;
  private readonly _policies: IVaultPolicy[];
  private readonly bindings: VaultServiceAccountBinding[] = [];

  public constructor(scope: Construct, id: string, props: VaultKubernetesRoleProps) {
    super(scope, id);
    Object.defineProperty(this, ROLE_SYMBOL, { value: true });
    registerInTree(this, ROLE_SYMBOL);
    const config = requireConfiguration(this, 'a VaultKubernetesRole', 'VaultKubernetesAuth.addRole()');
    this.roleName = checkVaultName(this, 'roleName', props.roleName);
    this.authPath = props.auth.path;
    if (props.audience !== undefined && !/^[A-Za-z0-9._:/\-]+$/.test(props.audience)) {
      throw validationError(this, {
        code: 'CS-VAULT-038',
        prop: 'audience',
        value: props.audience,
        problem: 'must be a token audience: letters, digits, \'.\', \'_\', \':\', \'/\' and \'-\'',
        fix: 'use an audience such as "vault"',
      });
    }
    this.audience = props.audience;
    this.ttl = props.ttl;
    this.maxTtl = props.maxTtl;
    this.allowUnusedBindingPairs = props.allowUnusedBindingPairs ?? false;
    for (const [prop, d] of [['ttl', props.ttl], ['maxTtl', props.maxTtl]] as const) {
      if (d !== undefined && (d.toMilliseconds() < 1000 || d.toMilliseconds() % 1000 !== 0)) {
        throw validationError(this, { code: 'CS-VAULT-039', prop, value: `${d.toMilliseconds()}ms`, problem: 'must be a whole number of seconds, at least 1', fix: 'use `Duration.minutes` or `Duration.hours`' });
      }
    }
    if (props.ttl !== undefined && props.maxTtl !== undefined && props.ttl.toMilliseconds() > props.maxTtl.toMilliseconds()) {
      throw validationError(this, {
        code: 'CS-VAULT-040',
        prop: 'ttl',
        value: `${props.ttl.toSeconds()}s`,
        problem: `is longer than maxTtl (${props.maxTtl.toSeconds()}s); Vault refuses to write the role ("token_ttl cannot be greater than token_max_ttl")`,
        fix: 'shorten ttl or lengthen maxTtl',
      });
    }
    if (props.policies !== undefined && props.policies.length === 0) {
      throw validationError(this, {
        code: 'CS-VAULT-041',
        prop: 'policies',
        value: [],
        problem: 'is empty: tokens of the role could read nothing',
        fix: 'leave policies unset to get one derived policy named after the role, or list the policies',
      });
    }
    this._policies = props.policies ? [...props.policies] : [new VaultPolicy(this, 'Policy', { policyName: this.roleName })];
    const names = new Set<string>();
    for (const p of this._policies) {
      if (names.has(p.policyName)) {
        throw validationError(this, { code: 'CS-VAULT-042', prop: 'policies', value: p.policyName, problem: 'lists the same policy twice', fix: 'list each policy once' });
      }
      names.add(p.policyName);
    }
    (props.serviceAccounts ?? []).forEach((b) => this.bindServiceAccount(b));
    new LazyFileArtifact(this, 'File', `${config.directory}/roles/${this.authPath}/${this.roleName}.json`, () => config._renderRoleFile(this));
  }

  /** Binds a ServiceAccount explicitly (besides the ones derived from use). */
  public bindServiceAccount(binding: VaultServiceAccountBinding): void {
    checkDnsSubdomain(this, 'serviceAccounts.name', binding.name);
    checkDnsLabel(this, 'serviceAccounts.namespace', binding.namespace);
    this.bindings.push({ name: binding.name, namespace: binding.namespace });
  }

  /** The policies attached to the role's tokens. */
  public get policies(): IVaultPolicy[] {
    return [...this._policies];
  }

  /** The ServiceAccounts bound explicitly. */
  public get explicitServiceAccounts(): VaultServiceAccountBinding[] {
    return this.bindings.map((b) => ({ ...b }));
  }
}
