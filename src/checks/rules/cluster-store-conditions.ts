import { CheckSeverity } from '../finding';
import { describeK8s, RuleResult } from './util';

/** A ClusterSecretStore without `conditions` lets ExternalSecrets in every namespace read through its identity. */
export function clusterStoreConditions(objects: any[]): RuleResult[] {
  return objects
    .filter((o) => o?.apiVersion === 'external-secrets.io/v1' && o?.kind === 'ClusterSecretStore')
    .filter((o) => !Array.isArray(o.spec?.conditions) || o.spec.conditions.length === 0)
    .map((o) => ({
      severity: CheckSeverity.WARNING,
      resource: describeK8s(o),
      message: 'has no namespace conditions: every namespace can read through its identity. Set conditions (namespaces, namespaceSelector or namespaceRegexes)',
    }));
}
