import { CheckSeverity } from '../finding';
import { asArray, describeK8s, ObjectIndex, RuleResult } from './util';

const EVERYONE = ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'];

/**
 * A RoleBinding or ClusterRoleBinding gives a role that reads Secrets to every user or every ServiceAccount
 * (`system:authenticated`, `system:unauthenticated`, `system:serviceaccounts`, `system:serviceaccounts:<ns>`).
 * Cross-object: the bound Role/ClusterRole must be in the input to be judged.
 */
export function rbacSecretAccessForEveryone(objects: any[]): RuleResult[] {
  const rbac = objects.filter((o) => o?.apiVersion === 'rbac.authorization.k8s.io/v1');
  const roles = new ObjectIndex(rbac);
  const readsSecrets = (role: any) => asArray<any>(role?.rules).some((r) => asArray(r.apiGroups).some((g: string) => g === '' || g === '*')
    && asArray(r.resources).some((x: string) => x === 'secrets' || x === '*')
    && asArray(r.verbs).some((v: string) => ['get', 'list', 'watch', '*'].includes(v)));
  const out: RuleResult[] = [];
  for (const b of rbac.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const ref = b.roleRef ?? {};
    const candidates = roles.candidates(ref.kind, ref.name, ref.kind === 'ClusterRole' ? undefined : b.metadata?.namespace);
    const role = candidates.find((r) => r.kind === ref.kind && r.metadata?.name === ref.name
      && (ref.kind === 'ClusterRole' || r.metadata?.namespace === b.metadata?.namespace || r.metadata?.namespace === undefined));
    if (!role || !readsSecrets(role)) continue;
    const groups = asArray<any>(b.subjects).filter((s) => s?.kind === 'Group' && (EVERYONE.includes(s.name) || /^system:serviceaccounts:/.test(s.name))).map((s) => s.name);
    if (groups.length > 0) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource: describeK8s(b),
        message: `binds ${ref.kind} ${ref.name}, which reads Secrets, to ${groups.join(', ')}: everyone in the group reads them. Bind it to the ServiceAccounts that need it`,
      });
    }
  }
  return out;
}
