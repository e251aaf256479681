import { CheckSeverity } from '../finding';
import { describeK8s, RuleResult } from './util';

/**
 * A Secret of type `kubernetes.io/service-account-token` asks the control plane for a long-lived ServiceAccount
 * token that never expires. Pods get short-lived projected tokens on their own; other clients should use the
 * TokenRequest API (`kubectl create token`).
 */
export function serviceAccountTokenSecret(objects: any[]): RuleResult[] {
  return objects
    .filter((o) => o?.apiVersion === 'v1' && o?.kind === 'Secret' && o.type === 'kubernetes.io/service-account-token')
    .map((o) => ({
      severity: CheckSeverity.WARNING,
      resource: describeK8s(o),
      message: `requests a long-lived token for ServiceAccount ${o.metadata?.annotations?.['kubernetes.io/service-account.name'] ?? '<unnamed>'} that never expires. `
        + 'Use projected tokens or the TokenRequest API',
    }));
}
