import { CheckSeverity } from '../finding';
import { conditionValues, roles } from './template-walk';
import { asArray, RuleResult } from './util';

/**
 * An IRSA trust (`sts:AssumeRoleWithWebIdentity` from an OIDC provider) must pin the ServiceAccount with
 * `StringEquals` on `<issuer>:sub`; without it any ServiceAccount in the cluster can assume the role.
 */
export function irsaTrustWithoutSub(templates: { [stack: string]: any }): RuleResult[] {
  const out: RuleResult[] = [];
  for (const role of roles(templates)) {
    role.trust.forEach((s, i) => {
      if (s.Effect !== 'Allow' || !asArray<string>(s.Action).includes('sts:AssumeRoleWithWebIdentity')) return;
      const exact = conditionValues(s, 'StringEquals', ':sub');
      const like = conditionValues(s, 'StringLike', ':sub');
      if (exact.length === 0 && like.length === 0) {
        out.push({
          severity: CheckSeverity.ERROR,
          resource: role.resource,
          message: `trust Statement[${i}] has no <issuer>:sub condition: every ServiceAccount of the cluster can assume it. `
            + 'Add StringEquals <issuer>:sub = system:serviceaccount:<namespace>:<name>',
        });
      } else if (like.some((v) => v.includes('*') || v.includes('?'))) {
        out.push({
          severity: CheckSeverity.WARNING,
          resource: role.resource,
          message: `trust Statement[${i}] matches ServiceAccounts by pattern (${like.join(', ')}): pin one with StringEquals`,
        });
      }
      if (conditionValues(s, 'StringEquals', ':aud').length === 0) {
        out.push({
          severity: CheckSeverity.WARNING,
          resource: role.resource,
          message: `trust Statement[${i}] has no <issuer>:aud = sts.amazonaws.com condition`,
        });
      }
    });
  }
  return out;
}
