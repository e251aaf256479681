import { CheckSeverity } from '../finding';
import { asArray, describeK8s, RuleResult } from './util';

const BROAD = ['list', 'watch', '*'];

/**
 * RBAC that grants `list`, `watch` or `*` on Secrets: a `list` returns every Secret's contents. Reading named
 * Secrets needs `get` with `resourceNames`.
 */
export function rbacBroadSecretAccess(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    if (o?.apiVersion !== 'rbac.authorization.k8s.io/v1' || (o.kind !== 'Role' && o.kind !== 'ClusterRole')) continue;
    asArray(o.rules).forEach((r: any, i: number) => {
      const coreGroup = asArray(r.apiGroups).some((g: string) => g === '' || g === '*');
      const secrets = asArray(r.resources).some((x: string) => x === 'secrets' || x === '*');
      const verbs = asArray<string>(r.verbs).filter((v) => BROAD.includes(v));
      if (coreGroup && secrets && verbs.length > 0) {
        out.push({
          severity: CheckSeverity.ERROR,
          resource: describeK8s(o),
          message: `rules[${i}] grants ${verbs.join(', ')} on secrets: that reads every Secret in ${o.kind === 'ClusterRole' ? 'the cluster' : 'the namespace'}. `
            + 'Grant get with resourceNames on the Secrets the subject needs',
        });
      } else if (coreGroup && secrets && asArray(r.verbs).includes('get') && asArray(r.resourceNames).length === 0) {
        out.push({
          severity: CheckSeverity.WARNING,
          resource: describeK8s(o),
          message: `rules[${i}] grants get on every Secret: list the Secrets in resourceNames`,
        });
      }
    });
  }
  return out;
}
