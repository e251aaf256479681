import { Construct, IConstruct } from 'constructs';
import { VaultDatabaseMount, VaultDatabaseMountOptions } from './database';
import { deriveAll, RoleDerivation } from './derive';
import { CONFIGURATION_SYMBOL, ConfigurationLike, LazyFileArtifact } from './internal';
import { VaultKubernetesAuth, VaultKubernetesAuthOptions, VaultKubernetesRole } from './kubernetes-auth';
import { VaultKvMount, VaultKvMountOptions, VaultKvVersion } from './kv-mount';
import { renderPolicyHcl, VaultPolicy, VaultPolicyProps } from './policy';
import { goDuration } from '../core/duration';
import { validationError } from '../core/errors';
import { cachedInSynth, withSynthCache } from '../core/tree-cache';

/**
 * Vault binds every listed name in every listed namespace: fails when that admits ServiceAccounts nothing
 * in the program uses, unless the role accepts it.
 */
function checkBindingPairs(role: VaultKubernetesRole, d: RoleDerivation): void {
  const admitted = d.serviceAccountNamespaces.flatMap((ns) => d.serviceAccountNames.map((n) => `${ns}/${n}`));
  const unused = admitted.filter((pair) => !d.serviceAccountPairs.includes(pair));
  if (unused.length > 0 && !role.allowUnusedBindingPairs) {
    throw validationError(role, {
      code: 'CS-VAULT-001',
      prop: 'serviceAccounts',
      value: unused,
      problem: `role "${role.roleName}" binds the names [${d.serviceAccountNames.join(', ')}] in the namespaces [${d.serviceAccountNamespaces.join(', ')}]; Vault accepts every name in every namespace, so these ServiceAccounts, which nothing in the program uses, could log in too`,
      fix: 'give each namespace (or team) its own role, or set allowUnusedBindingPairs: true to accept the wider binding',
    });
  }
}

/**
 * Props for `VaultConfiguration`.
 */
export interface VaultConfigurationProps {
  /**
   * The folder (relative to the output folder) the files are written to.
   * @default 'vault'
   */
  readonly directory?: string;
}

const HEREDOC = 'CDK8S_SECRETS_EOF';

/**
 * The Vault side of the program: KV mounts, Kubernetes auth methods, roles and policies. Policies and
 * role bindings are derived from what the program's readers read (VSO secrets, Agent Injector
 * annotations, ESO ExternalSecrets), and written beside the manifests:
 *
 * - `<directory>/policies/<policy>.hcl`
 * - `<directory>/roles/<authPath>/<role>.json` (the body of `vault write auth/<authPath>/role/<role>`)
 * - `<directory>/vault-config.sh`, an executable script that applies all of it with the `vault` CLI
 *   (enable the KV mounts and auth methods, configure them, write the policies and roles). It holds no
 *   secret values: write those with `vault kv put` yourself.
 *
 * Add it to a cdk8s chart; `Artifacts.synth(app, outdir)` writes the files.
 */
export class VaultConfiguration extends Construct implements ConfigurationLike {
  /** The folder the files are written to. */
  public readonly directory: string;

  public constructor(scope: Construct, id: string, props: VaultConfigurationProps = {}) {
    super(scope, id);
    Object.defineProperty(this, CONFIGURATION_SYMBOL, { value: true });
    const dir = props.directory ?? 'vault';
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(dir) || dir.split('/').some((s) => s === '..' || s === '.')) {
      throw validationError(this, {
        code: 'CS-VAULT-002',
        prop: 'directory',
        value: dir,
        problem: 'must be a relative folder of letters, digits, \'.\', \'_\' and \'-\' segments',
        fix: 'use a folder such as "vault" or "vault/prod"',
      });
    }
    this.directory = dir;
    new LazyFileArtifact(this, 'Script', `${dir}/vault-config.sh`, () => this.renderScript(), true);
    // Derive at synth too, so mistakes found while deriving (unique names, ESO stores whose KV version
    // does not match the mount, reads a fixed policy does not cover, roles bound to nobody or wider than
    // their use) fail `app.synth()`, not only the writing of the files.
    this.node.addValidation({
      validate: () => withSynthCache(() => {
        this.checkUnique();
        const d = this.derived();
        this.kubernetesAuths.forEach((a) => a.roles.forEach((r) => checkBindingPairs(r, d.roles.get(r)!)));
        return [];
      }),
    });
  }

  /** Adds a KV secrets engine mount that the script enables. */
  public addKvMount(id: string, options: VaultKvMountOptions): VaultKvMount {
    return new VaultKvMount(this, id, options);
  }

  /** Adds a database secrets engine mount (with connections and roles) that the script enables and configures. */
  public addDatabaseMount(id: string, options: VaultDatabaseMountOptions = {}): VaultDatabaseMount {
    return new VaultDatabaseMount(this, id, options);
  }

  /** Adds a Kubernetes auth method that the script enables and configures. */
  public addKubernetesAuth(id: string, options: VaultKubernetesAuthOptions = {}): VaultKubernetesAuth {
    return new VaultKubernetesAuth(this, id, options);
  }

  /** Adds a policy (derived from use unless `derive: false`). */
  public addPolicy(id: string, props: VaultPolicyProps): VaultPolicy {
    return new VaultPolicy(this, id, props);
  }

  /** The KV mounts of this configuration. */
  public get kvMounts(): VaultKvMount[] {
    return this.node.findAll().filter(VaultKvMount.isVaultKvMount);
  }

  /** The database mounts of this configuration. */
  public get databaseMounts(): VaultDatabaseMount[] {
    return this.node.findAll().filter(VaultDatabaseMount.isVaultDatabaseMount);
  }

  /** The Kubernetes auth methods of this configuration. */
  public get kubernetesAuths(): VaultKubernetesAuth[] {
    return this.node.findAll().filter(VaultKubernetesAuth.isVaultKubernetesAuth);
  }

  /** The policies of this configuration (those added explicitly and those roles created for themselves). */
  public get policies(): VaultPolicy[] {
    return this.node.findAll().filter(VaultPolicy.isVaultPolicy);
  }

  /**
   * The derived HCL of one of this configuration's policies.
   */
  public policyHcl(policy: VaultPolicy): string {
    return withSynthCache(() => this.renderPolicy(policy));
  }

  private renderPolicy(policy: VaultPolicy): string {
    const d = this.owns(policy) ? this.derived().policies.get(policy) : undefined;
    if (!d) {
      throw validationError(policy, {
        code: 'CS-VAULT-003',
        prop: 'policy',
        value: policy.policyName,
        problem: `is not a policy of ${this.node.path}`,
        fix: 'ask the VaultConfiguration the policy was added to',
      });
    }
    return renderPolicyHcl(policy.policyName, d.statements, d.notes);
  }

  /**
   * The derived body of `vault write auth/<authPath>/role/<roleName>` for one of this configuration's roles.
   */
  public roleDefinition(role: VaultKubernetesRole): { [key: string]: any } {
    return withSynthCache(() => this.renderRole(role));
  }

  private renderRole(role: VaultKubernetesRole): { [key: string]: any } {
    const d = this.owns(role) ? this.derived().roles.get(role) : undefined;
    if (!d) {
      throw validationError(role, {
        code: 'CS-VAULT-004',
        prop: 'role',
        value: role.roleName,
        problem: `is not a role of ${this.node.path}`,
        fix: 'ask the VaultConfiguration whose Kubernetes auth method the role was added to',
      });
    }
    if (d.serviceAccountNames.length === 0) {
      throw validationError(role, {
        code: 'CS-VAULT-005',
        prop: 'serviceAccounts',
        value: [],
        problem: `role "${role.roleName}" is bound to no ServiceAccount: nothing in the program logs in with it, and Vault requires bound names and namespaces`,
        fix: 'use the role from a VaultAuth, an Agent Injector annotation or an ESO store, or bind a ServiceAccount with the role\'s `bindServiceAccount` method',
      });
    }
    checkBindingPairs(role, d);
    const body: { [key: string]: any } = {
      bound_service_account_names: d.serviceAccountNames,
      bound_service_account_namespaces: d.serviceAccountNamespaces,
    };
    if (role.audience !== undefined) body.audience = role.audience;
    body.token_policies = role.policies.map((p) => p.policyName);
    if (role.ttl !== undefined) body.token_ttl = goDuration(role.ttl);
    if (role.maxTtl !== undefined) body.token_max_ttl = goDuration(role.maxTtl);
    return body;
  }

  /** @internal */
  public _renderPolicyFile(policy: IConstruct): string {
    return this.policyHcl(policy as VaultPolicy);
  }

  /** @internal */
  public _renderRoleFile(role: IConstruct): string {
    return JSON.stringify(this.roleDefinition(role as VaultKubernetesRole), undefined, 2) + '\n';
  }

  private owns(c: IConstruct): boolean {
    return c.node.scopes.includes(this);
  }

  /** Derived once per synth (see withSynthCache): every file of the configuration reads the same derivation. */
  private derived() {
    return cachedInSynth(this, 'vault.deriveAll', () => deriveAll(this.node.root));
  }

  private checkUnique(): void {
    const seen = new Map<string, IConstruct>();
    const claim = (key: string, c: IConstruct, prop: string, value: string) => {
      const other = seen.get(key);
      if (other) {
        throw validationError(c, { code: 'CS-VAULT-006', prop, value, problem: `is also used by ${other.node.path}`, fix: 'give each one its own name' });
      }
      seen.set(key, c);
    };
    this.kvMounts.forEach((m) => claim(`mount:${m.mountPath}`, m, 'path', m.mountPath));
    this.databaseMounts.forEach((m) => {
      claim(`mount:${m.mountPath}`, m, 'path', m.mountPath);
      m.connections.forEach((c) => {
        claim(`db:${m.mountPath}/config/${c.connectionName}`, c, 'name', c.connectionName);
        c.roles.forEach((r) => claim(`db:${m.mountPath}/roles/${r.roleName}`, r, 'name', r.roleName));
      });
    });
    this.kubernetesAuths.forEach((a) => claim(`auth:${a.path}`, a, 'path', a.path));
    this.policies.forEach((p) => claim(`policy:${p.policyName}`, p, 'policyName', p.policyName));
    this.kubernetesAuths.forEach((a) => a.roles.forEach((r) => claim(`role:${a.path}/${r.roleName}`, r, 'roleName', r.roleName)));
  }

  /** The content of `vault-config.sh`. */
  public renderScript(): string {
    return withSynthCache(() => this.renderScriptContent());
  }

  private renderScriptContent(): string {
    this.checkUnique();
    const d = this.derived();
    const out: string[] = [
      '#!/bin/sh',
      '# Applies the Vault configuration derived by cdk8s-secrets: secrets engines, Kubernetes auth, policies and roles.',
      '# Run it where the vault CLI is logged in with a token that may manage mounts, auth methods and policies,',
      '# for example inside the Vault pod:',
      `#   kubectl cp ${this.directory}/vault-config.sh vault-0:/tmp/vault-config.sh -n vault`,
      '#   kubectl exec -it vault-0 -n vault -- /bin/sh /tmp/vault-config.sh',
      '# It is idempotent and holds no secret values (write those with `vault kv put`).',
      'set -eu',
    ];
    const mounts = this.kvMounts;
    if (mounts.length > 0 || this.databaseMounts.length > 0) out.push('', '# Secrets engines');
    for (const m of mounts) {
      const engine = m.version === VaultKvVersion.V2 ? 'kv-v2' : '-version=1 kv';
      out.push(
        `if ! vault secrets list -format=json | grep -q '"${m.mountPath}/"'; then`,
        `  vault secrets enable -path=${m.mountPath} ${engine}`,
        'fi',
      );
    }
    const databases = this.databaseMounts;
    for (const m of databases) {
      out.push(
        `if ! vault secrets list -format=json | grep -q '"${m.mountPath}/"'; then`,
        `  vault secrets enable -path=${m.mountPath} database`,
        'fi',
      );
    }
    const connections = databases.flatMap((m) => m.connections);
    if (connections.length > 0) {
      const vars = [...new Set(connections.map((c) => c.passwordEnvironmentVariable))].sort();
      out.push('', `# Database connections and roles. Set ${vars.join(', ')} before running: each root password is read from the`,
        '# environment and passed to vault on standard input, never on the command line or into a file.');
    }
    for (const c of connections) {
      const v = c.passwordEnvironmentVariable;
      const conf = c.configuration;
      out.push(
        `: "\${${v}:?set ${v} to the password of database user ${c.username} (connection ${c.connectionName})}"`,
        `printf '%s' "$${v}" | vault write ${c.mount.mountPath}/config/${c.connectionName} plugin_name=${conf.plugin_name} `
          + `connection_url='${conf.connection_url}' username='${conf.username}' allowed_roles='${conf.allowed_roles.join(',')}' `
          + `verify_connection=${conf.verify_connection} password=-`,
      );
      for (const r of c.roles) {
        out.push(`vault write ${r.mountPath}/roles/${r.roleName} - <<'${HEREDOC}'`, JSON.stringify(r.definition, undefined, 2), HEREDOC);
      }
    }
    const auths = this.kubernetesAuths;
    if (auths.length > 0) out.push('', '# Kubernetes auth');
    for (const a of auths) {
      out.push(
        `if ! vault auth list -format=json | grep -q '"${a.path}/"'; then`,
        `  vault auth enable -path=${a.path} kubernetes`,
        'fi',
        `vault write auth/${a.path}/config kubernetes_host="${a.kubernetesHost}"`,
      );
    }
    const policies = this.policies;
    if (policies.length > 0) out.push('', '# Policies');
    for (const p of policies) {
      const pd = d.policies.get(p)!;
      out.push(`vault policy write ${p.policyName} - <<'${HEREDOC}'`, renderPolicyHcl(p.policyName, pd.statements, pd.notes).trimEnd(), HEREDOC);
    }
    const roles = auths.flatMap((a) => a.roles);
    if (roles.length > 0) out.push('', '# Roles');
    for (const r of roles) {
      out.push(`vault write auth/${r.authPath}/role/${r.roleName} - <<'${HEREDOC}'`, JSON.stringify(this.roleDefinition(r), undefined, 2), HEREDOC);
    }
    return out.join('\n') + '\n';
  }
}
