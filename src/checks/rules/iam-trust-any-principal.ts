import { CheckSeverity } from '../finding';
import { roles } from './template-walk';
import { asArray, RuleResult } from './util';

/** A role trust with `Principal: "*"` (or `AWS: "*"`) and no condition lets any AWS account assume a role that reads secrets. */
export function iamTrustAnyPrincipal(templates: { [stack: string]: any }): RuleResult[] {
  const out: RuleResult[] = [];
  for (const role of roles(templates)) {
    role.trust.forEach((s, i) => {
      if (s?.Effect !== 'Allow') return;
      const p = s.Principal;
      const any = p === '*' || asArray<any>(p?.AWS).includes('*');
      if (any && Object.keys(s.Condition ?? {}).length === 0) {
        out.push({
          severity: CheckSeverity.ERROR,
          resource: role.resource,
          message: `trust Statement[${i}] admits Principal "*" without a condition: any AWS account can assume it. Name the principal (an OIDC provider, pods.eks.amazonaws.com, an account)`,
        });
      }
    });
  }
  return out;
}
