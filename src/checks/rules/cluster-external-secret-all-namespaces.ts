import { CheckSeverity } from '../finding';
import { asArray, describeK8s, RuleResult } from './util';

/**
 * A ClusterExternalSecret whose namespace selector is empty (`{}`) or absent with no `namespaces` list copies the
 * secret into every namespace, present and future, including ones created by tenants.
 */
export function clusterExternalSecretAllNamespaces(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    if (!/^external-secrets\.io\//.test(String(o?.apiVersion ?? '')) || o.kind !== 'ClusterExternalSecret') continue;
    const selectors = [o.spec?.namespaceSelector, ...asArray<any>(o.spec?.namespaceSelectors)].filter((s) => s !== undefined && s !== null);
    const empty = (s: any) => Object.keys(s?.matchLabels ?? {}).length === 0 && asArray(s?.matchExpressions).length === 0;
    const everything = selectors.some(empty) || (selectors.length === 0 && asArray(o.spec?.namespaces).length === 0);
    if (everything) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource: describeK8s(o),
        message: 'selects every namespace (an empty or missing namespace selector): the Secret is copied into all of them, present and future. List the namespaces or select them by label',
      });
    }
  }
  return out;
}
