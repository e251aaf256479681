import { CheckSeverity } from '../finding';
import { conditionValues, roles } from './template-walk';
import { describeK8s, RuleResult } from './util';

const ROLE_ARN = 'eks.amazonaws.com/role-arn';

interface AnnotatedAccount { readonly resource: string; readonly namespace?: string; readonly name?: string; readonly roleArn: string }

/** ServiceAccounts annotated with a role ARN: plain ServiceAccounts, and the ones Helm values ask a chart to create. */
function annotatedAccounts(objects: any[]): AnnotatedAccount[] {
  const out: AnnotatedAccount[] = [];
  for (const o of objects) {
    if (o?.apiVersion === 'v1' && o?.kind === 'ServiceAccount' && typeof o.metadata?.annotations?.[ROLE_ARN] === 'string') {
      out.push({ resource: describeK8s(o), namespace: o.metadata.namespace, name: o.metadata.name, roleArn: o.metadata.annotations[ROLE_ARN] });
    }
    let values: any; let namespace: string | undefined;
    if (o?.kind === 'Application' && o?.apiVersion === 'argoproj.io/v1alpha1') {
      values = o.spec?.source?.helm?.valuesObject; namespace = o.spec?.destination?.namespace;
    } else if (o?.kind === 'HelmRelease' && o?.apiVersion === 'helm.toolkit.fluxcd.io/v2') {
      values = o.spec?.values; namespace = o.spec?.targetNamespace ?? o.metadata?.namespace;
    }
    const sa = values?.serviceAccount;
    if (typeof sa?.annotations?.[ROLE_ARN] === 'string') {
      out.push({ resource: `${describeK8s(o)} (Helm values serviceAccount)`, namespace, name: sa.name, roleArn: sa.annotations[ROLE_ARN] });
    }
  }
  return out;
}

/**
 * The ServiceAccount a role ARN annotation sits on must be the one the role's trust admits: a different name or
 * namespace (a typo, a chart's default name) makes every AWS call fail at run time with AccessDenied.
 * Roles defined outside the given templates are not judged.
 */
export function irsaServiceAccountMismatch(objects: any[], templates: { [stack: string]: any }): RuleResult[] {
  const out: RuleResult[] = [];
  const byName = new Map(roles(templates).filter((r) => r.roleName).map((r) => [r.roleName!, r]));
  for (const sa of annotatedAccounts(objects)) {
    const role = byName.get(sa.roleArn.split('/').pop() ?? '');
    if (!role) continue;
    const subs = role.trust.flatMap((s) => conditionValues(s, 'StringEquals', ':sub'));
    if (subs.length === 0) continue; // irsa-trust-without-sub reports it
    const expected = `system:serviceaccount:${sa.namespace ?? '<no namespace>'}:${sa.name ?? '<chart default name>'}`;
    if (!subs.includes(expected)) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource: sa.resource,
        message: `is annotated with role ${role.roleName}, whose trust admits ${subs.join(', ')}, not ${expected}. `
          + 'Derive the ServiceAccount name and namespace from the same value as the role (WorkloadIdentity)',
      });
    }
  }
  return out;
}
