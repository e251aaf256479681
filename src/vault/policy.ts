import { Construct, IConstruct } from 'constructs';
import { LazyFileArtifact, requireConfiguration } from './internal';
import { validationError } from '../core/errors';
import { isUnresolved } from '../core/validate';

/**
 * A Vault ACL capability.
 * @see https://developer.hashicorp.com/vault/docs/concepts/policies#capabilities
 */
export enum VaultCapability {
  /** Write data to a path that does not exist yet (POST/PUT on a path with an existence check). */
  CREATE = 'create',
  /** Read data (GET). */
  READ = 'read',
  /** Change data at a path (POST/PUT). */
  UPDATE = 'update',
  /** Partially update data (PATCH). */
  PATCH = 'patch',
  /** Delete data (DELETE). */
  DELETE = 'delete',
  /** List the keys under a path (LIST). */
  LIST = 'list',
  /** Root-protected paths (also needs the operation's capability). */
  SUDO = 'sudo',
  /** Deny everything on the path; wins over any other capability. */
  DENY = 'deny',
}

/** The order Vault documents capabilities in; rendered policies use it, so output is deterministic. */
const CAPABILITY_ORDER: VaultCapability[] = [
  VaultCapability.CREATE, VaultCapability.READ, VaultCapability.UPDATE, VaultCapability.PATCH,
  VaultCapability.DELETE, VaultCapability.LIST, VaultCapability.SUDO, VaultCapability.DENY,
];

/**
 * One `path` block of a Vault policy.
 */
export interface VaultPolicyStatement {
  /**
   * The path, as Vault's policy language takes it: a literal path, with `+` for one path segment and a
   * trailing `*` for any suffix (for example `kv-secrets/data/team-a/*`).
   */
  readonly path: string;
  /** The capabilities granted on the path. */
  readonly capabilities: VaultCapability[];
}

/**
 * A Vault policy: a name, and (when the program owns it) its rules.
 */
export interface IVaultPolicy extends IConstruct {
  /** The policy's name in Vault. */
  readonly policyName: string;
}

/**
 * Props for `VaultPolicy`.
 */
export interface VaultPolicyProps {
  /** The policy's name in Vault (lower-case letters, digits, '-', '_' and '.'). */
  readonly policyName: string;
  /**
   * Statements written by hand. They are kept as written and merged with the derived ones.
   * @default - none
   */
  readonly statements?: VaultPolicyStatement[];
  /**
   * Grow the policy from use: every path that a reader of a role carrying this policy reads (a
   * VaultStaticSecret, a VaultDynamicSecret, a VaultPKISecret, an Agent Injector annotation, an ESO
   * ExternalSecret) is added with the fewest capabilities that work.
   *
   * Set to `false` to keep the policy exactly as written: a reader that needs a path the policy does not
   * cover then fails synth, naming the reader, the path and the policy.
   * @default true
   */
  readonly derive?: boolean;
}

const POLICY_SYMBOL = Symbol.for('cdk8s-secrets.VaultPolicy');
const POLICY_NAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
const SAFE_PATH = /^[A-Za-z0-9._\-/@:=+*]+$/;

/**
 * A Vault policy owned by this program, written as HCL by its `VaultConfiguration`
 * (`vault/policies/<name>.hcl`) and applied by the generated `vault-config.sh`.
 *
 * By default the policy is derived from use: the paths that the program's readers read, with the fewest
 * capabilities (kv-v2 reads `read` `<mount>/data/<path>`, dynamic credentials `read` `<mount>/creds/<role>`,
 * PKI `create` and `update` on `<mount>/issue/<role>`). A path that nothing reads gets no capability.
 *
 * Create it with `VaultConfiguration.addPolicy()`.
 */
export class VaultPolicy extends Construct implements IVaultPolicy {
  /** Whether a construct is a VaultPolicy owned by this program (works across copies of this library). */
  public static isVaultPolicy(x: any): x is VaultPolicy {
    return x !== null && typeof x === 'object' && POLICY_SYMBOL in x;
  }

  /**
   * A policy that exists in Vault but is not written by this program. Roles may carry it; since its
   * rules are unknown, readers of such roles are never checked against it.
   */
  public static fromPolicyName(scope: Construct, id: string, policyName: string): IVaultPolicy {
    class Imported extends Construct implements IVaultPolicy {
      public readonly policyName = policyName;
    }
    const imported = new Imported(scope, id);
    checkPolicyName(imported, 'policyName', policyName);
    return imported;
  }

  /** The policy's name in Vault. */
  public readonly policyName: string;
  /** Whether the policy grows from use. */
  public readonly derive: boolean;
  private readonly written: VaultPolicyStatement[] = [];

  public constructor(scope: Construct, id: string, props: VaultPolicyProps) {
    super(scope, id);
    Object.defineProperty(this, POLICY_SYMBOL, { value: true });
    this.policyName = checkPolicyName(this, 'policyName', props.policyName);
    this.derive = props.derive ?? true;
    (props.statements ?? []).forEach((s, i) => this.addStatementAt(`statements[${i}]`, s));
    const config = requireConfiguration(this, 'a VaultPolicy', 'VaultConfiguration.addPolicy()');
    new LazyFileArtifact(this, 'File', `${config.directory}/policies/${this.policyName}.hcl`, () => config._renderPolicyFile(this));
  }

  /**
   * Adds a statement written by hand (kept even if nothing reads the path).
   */
  public addStatement(statement: VaultPolicyStatement): void {
    this.addStatementAt('statement', statement);
  }

  /** A copy of the statements written by hand. */
  public get statements(): VaultPolicyStatement[] {
    return this.written.map((s) => ({ path: s.path, capabilities: [...s.capabilities] }));
  }

  private addStatementAt(prop: string, s: VaultPolicyStatement): void {
    checkPolicyPath(this, `${prop}.path`, s.path, true);
    if (s.capabilities.length === 0) {
      throw validationError(this, {
        code: 'CS-VAULT-047',
        prop: `${prop}.capabilities`,
        value: s.capabilities,
        problem: 'must name at least one capability',
        fix: 'list the capabilities the path needs, for example [VaultCapability.READ]',
      });
    }
    this.written.push({ path: s.path, capabilities: [...s.capabilities] });
  }
}

/** @internal */
export function checkPolicyName(scope: IConstruct, prop: string, value: string): string {
  if (isUnresolved(value)) {
    throw validationError(scope, { code: 'CS-VAULT-048', prop, value, problem: 'is an unresolved token; Vault names are written into files at synth', fix: 'use a literal name' });
  }
  if (value.length > 128 || !POLICY_NAME.test(value) || value === 'root') {
    throw validationError(scope, {
      code: 'CS-VAULT-049',
      prop,
      value,
      problem: 'must be a Vault policy name: lower-case letters, digits, \'-\', \'_\' and \'.\' (at most 128 characters, not "root")',
      fix: 'use a name such as "app-read"',
    });
  }
  return value;
}

/**
 * A Vault path as it appears in a policy or a request. Policies may use `+` and a trailing `*`.
 * @internal
 */
export function checkPolicyPath(scope: IConstruct, prop: string, value: string, allowGlob: boolean): string {
  if (isUnresolved(value)) {
    throw validationError(scope, { code: 'CS-VAULT-050', prop, value, problem: 'is an unresolved token; Vault paths are written into policies at synth', fix: 'use a literal path' });
  }
  const bad = value.length === 0 || !SAFE_PATH.test(value) || value.startsWith('/') || value.includes('//')
    || value.split('/').some((seg) => seg === '.' || seg === '..')
    || (!allowGlob && /[*+]/.test(value))
    || (allowGlob && value.indexOf('*') !== -1 && value.indexOf('*') !== value.length - 1);
  if (bad) {
    throw validationError(scope, {
      code: 'CS-VAULT-051',
      prop,
      value,
      problem: allowGlob
        ? 'must be a Vault path: segments of letters, digits, \'.\', \'_\', \'-\', \'@\', \':\' and \'=\' separated by single \'/\', with \'+\' for one segment and \'*\' only at the end'
        : 'must be a literal Vault path: segments of letters, digits, \'.\', \'_\', \'-\', \'@\', \':\' and \'=\' separated by single \'/\' (no globs, no leading \'/\')',
      fix: 'write the path relative to Vault\'s API root, such as "kv-secrets/data/app/config"',
    });
  }
  return value;
}

/** Sorts and de-duplicates capabilities into Vault's documented order. @internal */
export function sortCapabilities(caps: Iterable<VaultCapability>): VaultCapability[] {
  const set = new Set(caps);
  return CAPABILITY_ORDER.filter((c) => set.has(c));
}

/** Whether a policy path (with `+` and a trailing `*`) matches a request path. @internal */
export function policyPathMatches(pattern: string, path: string): boolean {
  const glob = pattern.endsWith('*');
  const base = glob ? pattern.slice(0, -1) : pattern;
  const re = base.split('/').map((seg) => (seg === '+' ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${re}${glob ? '.*' : ''}$`).test(path);
}

/**
 * The capabilities a set of statements grants on a request path, following Vault's priority rules: of
 * the matching paths, the one whose first wildcard comes later wins; then one not ending in `*`; then
 * the one with fewer `+`; then the longer; then the lexicographically larger. Statements on the same
 * path are merged. `deny` removes everything.
 * @see https://developer.hashicorp.com/vault/docs/concepts/policies#priority-matching
 * @internal
 */
export function effectiveCapabilities(statements: VaultPolicyStatement[], path: string): Set<VaultCapability> {
  const merged = new Map<string, Set<VaultCapability>>();
  for (const s of statements) {
    if (!policyPathMatches(s.path, path)) continue;
    const caps = merged.get(s.path) ?? new Set<VaultCapability>();
    s.capabilities.forEach((c) => caps.add(c));
    merged.set(s.path, caps);
  }
  if (merged.size === 0) return new Set();
  const best = [...merged.keys()].sort(comparePriority)[0];
  const caps = merged.get(best)!;
  return caps.has(VaultCapability.DENY) ? new Set() : caps;
}

/** Sorts higher-priority policy paths first (Vault's rules). */
function comparePriority(a: string, b: string): number {
  const firstWild = (p: string) => {
    const i = p.search(/[+*]/);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  const plus = (p: string) => (p.match(/\+/g) ?? []).length;
  return (firstWild(b) - firstWild(a))
    || (Number(a.endsWith('*')) - Number(b.endsWith('*')))
    || (plus(a) - plus(b))
    || (b.length - a.length)
    || (a < b ? 1 : a > b ? -1 : 0);
}

/**
 * Renders a policy as HCL. `notes` maps a path to the readers that need it (rendered as comments).
 * @internal
 */
export function renderPolicyHcl(name: string, statements: VaultPolicyStatement[], notes: Map<string, string[]>): string {
  const byPath = new Map<string, Set<VaultCapability>>();
  for (const s of statements) {
    const caps = byPath.get(s.path) ?? new Set<VaultCapability>();
    s.capabilities.forEach((c) => caps.add(c));
    byPath.set(s.path, caps);
  }
  const lines = [`# Vault policy "${name}", generated by cdk8s-secrets. Do not edit: change the program and synth again.`];
  for (const path of [...byPath.keys()].sort()) {
    lines.push('');
    for (const note of notes.get(path) ?? []) lines.push(`# ${note}`);
    const caps = sortCapabilities(byPath.get(path)!).map((c) => `"${c}"`).join(', ');
    lines.push(`path "${path}" {`, `  capabilities = [${caps}]`, '}');
  }
  return lines.join('\n') + '\n';
}
