// How Vault policies and Kubernetes-auth roles are derived from use. Every construct that reads from Vault
// (VSO secrets, Agent Injector annotations; ESO stores through their public interface) describes its reads as
// VaultUse records; the configuration turns them into role bindings and policy statements.
import { IConstruct } from 'constructs';
import { storeUses } from './eso';
import { VaultKubernetesRole } from './kubernetes-auth';
import { effectiveCapabilities, sortCapabilities, VaultCapability, VaultPolicy, VaultPolicyStatement } from './policy';
import { readerUses, VaultUse } from './use';
import { validationError } from '../core/errors';
import { allInTree } from '../core/tree-cache';
import { isStore } from '../eso/store';

/** Every Vault use in the tree, in tree order: registered readers, then what ESO stores backed by Vault read. @internal */
export function collectUses(root: IConstruct): VaultUse[] {
  const uses: VaultUse[] = [];
  for (const c of allInTree(root)) {
    const own = readerUses(c);
    if (own) {
      uses.push(...own);
    } else if (isStore(c)) {
      uses.push(...(storeUses(c) ?? []));
    }
  }
  return uses;
}

/** The policy of a role that receives derived reads, if any. @internal */
export function derivingPolicy(role: VaultKubernetesRole): VaultPolicy | undefined {
  return role.policies.find((p): p is VaultPolicy => VaultPolicy.isVaultPolicy(p) && p.derive);
}

/**
 * Throws when an owned role's fixed policies do not allow what a use reads. Does nothing when the role
 * is not owned, when one of its policies derives from use, or when one of its policies is not owned
 * (its rules are unknown).
 * @internal
 */
export function checkUseCovered(use: VaultUse): void {
  const role = use.role;
  if (!role || !VaultKubernetesRole.isVaultKubernetesRole(role)) return;
  if (derivingPolicy(role)) return;
  const policies = role.policies;
  if (policies.some((p) => !VaultPolicy.isVaultPolicy(p))) return;
  const statements = policies.flatMap((p) => (p as VaultPolicy).statements);
  for (const a of use.access) {
    const granted = effectiveCapabilities(statements, a.path);
    const missing = a.capabilities.filter((c) => !granted.has(c));
    if (missing.length > 0) {
      const names = policies.map((p) => `"${p.policyName}"`).join(', ');
      throw validationError(use.reader, {
        code: 'CS-VAULT-008',
        prop: 'path',
        value: a.path,
        problem: `is read with capabilities [${missing.join(', ')}] that the policies of role "${role.roleName}" (${names}, fixed with derive: false) do not grant`,
        fix: `grant path "${a.path}" the capabilities ${sortCapabilities(a.capabilities).map((c) => `"${c}"`).join(', ')} in one of those policies, or let a policy derive from use`,
      });
    }
  }
}

/** What the program derives for one role. @internal */
export interface RoleDerivation {
  readonly serviceAccountNames: string[];
  readonly serviceAccountNamespaces: string[];
  /** The `<namespace>/<name>` pairs that actually log in (explicit bindings included), sorted. */
  readonly serviceAccountPairs: string[];
}

/** What the program derives for one policy. @internal */
export interface PolicyDerivation {
  readonly statements: VaultPolicyStatement[];
  /** path -> readers, for comments. */
  readonly notes: Map<string, string[]>;
}

/** Derives every owned role's bindings and every owned policy's statements in the tree. @internal */
export function deriveAll(root: IConstruct): { roles: Map<VaultKubernetesRole, RoleDerivation>; policies: Map<VaultPolicy, PolicyDerivation> } {
  const uses = collectUses(root);
  const roleNames = new Map<VaultKubernetesRole, { names: Set<string>; namespaces: Set<string>; pairs: Set<string> }>();
  const policyAccess = new Map<VaultPolicy, { caps: Map<string, Set<VaultCapability>>; notes: Map<string, Set<string>> }>();
  const all = allInTree(root);
  for (const r of all.filter(VaultKubernetesRole.isVaultKubernetesRole)) {
    const entry = { names: new Set<string>(), namespaces: new Set<string>(), pairs: new Set<string>() };
    for (const b of r.explicitServiceAccounts) {
      entry.names.add(b.name);
      entry.namespaces.add(b.namespace);
      entry.pairs.add(`${b.namespace}/${b.name}`);
    }
    roleNames.set(r, entry);
  }
  for (const p of all.filter(VaultPolicy.isVaultPolicy)) {
    const caps = new Map<string, Set<VaultCapability>>();
    for (const s of p.statements) {
      const set = caps.get(s.path) ?? new Set<VaultCapability>();
      s.capabilities.forEach((c) => set.add(c));
      caps.set(s.path, set);
    }
    policyAccess.set(p, { caps, notes: new Map() });
  }
  for (const use of uses) {
    const role = use.role;
    if (!role || !VaultKubernetesRole.isVaultKubernetesRole(role)) continue;
    const entry = roleNames.get(role);
    if (entry && use.serviceAccount) {
      entry.names.add(use.serviceAccount.name);
      entry.namespaces.add(use.serviceAccount.namespace);
      entry.pairs.add(`${use.serviceAccount.namespace}/${use.serviceAccount.name}`);
    }
    const target = derivingPolicy(role);
    if (!target) {
      checkUseCovered(use);
      continue;
    }
    const acc = policyAccess.get(target);
    if (!acc) continue;
    for (const a of use.access) {
      const set = acc.caps.get(a.path) ?? new Set<VaultCapability>();
      a.capabilities.forEach((c) => set.add(c));
      acc.caps.set(a.path, set);
      const notes = acc.notes.get(a.path) ?? new Set<string>();
      notes.add(`read by ${use.description} (role ${role.roleName})`);
      acc.notes.set(a.path, notes);
    }
  }
  const roles = new Map<VaultKubernetesRole, RoleDerivation>();
  for (const [r, e] of roleNames) {
    roles.set(r, {
      serviceAccountNames: [...e.names].sort(),
      serviceAccountNamespaces: [...e.namespaces].sort(),
      serviceAccountPairs: [...e.pairs].sort(),
    });
  }
  const policies = new Map<VaultPolicy, PolicyDerivation>();
  for (const [p, acc] of policyAccess) {
    const statements = [...acc.caps.keys()].sort().map((path) => ({ path, capabilities: sortCapabilities(acc.caps.get(path)!) }));
    const notes = new Map<string, string[]>();
    for (const [path, set] of acc.notes) notes.set(path, [...set].sort());
    policies.set(p, { statements, notes });
  }
  return { roles, policies };
}
