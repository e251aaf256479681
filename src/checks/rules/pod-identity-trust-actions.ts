import { CheckSeverity } from '../finding';
import { roles } from './template-walk';
import { asArray, RuleResult } from './util';

/**
 * EKS Pod Identity assumes a role with `sts:AssumeRole` and `sts:TagSession` from `pods.eks.amazonaws.com`; a trust
 * that lacks either makes the association fail (pods get no credentials).
 */
export function podIdentityTrustActions(templates: { [stack: string]: any }): RuleResult[] {
  const out: RuleResult[] = [];
  for (const role of roles(templates)) {
    role.trust.forEach((s, i) => {
      if (s?.Effect !== 'Allow' || !asArray<any>(s.Principal?.Service).includes('pods.eks.amazonaws.com')) return;
      const actions = asArray<string>(s.Action);
      const missing = ['sts:AssumeRole', 'sts:TagSession'].filter((a) => !actions.includes(a) && !actions.includes('sts:*'));
      if (missing.length > 0) {
        out.push({
          severity: CheckSeverity.ERROR,
          resource: role.resource,
          message: `trust Statement[${i}] admits pods.eks.amazonaws.com without ${missing.join(' and ')}: EKS Pod Identity cannot assume the role. Allow sts:AssumeRole and sts:TagSession`,
        });
      }
    });
  }
  return out;
}
