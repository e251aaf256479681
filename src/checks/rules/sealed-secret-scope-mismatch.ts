import { CheckSeverity } from '../finding';
import { describeK8s, RuleResult } from './util';

const PREFIX = 'sealedsecrets.bitnami.com/';

/**
 * A SealedSecret is decrypted with the scope, name and namespace of its **own** metadata. Sealed for one place and
 * applied in another, it never unseals (`no key could decrypt secret`). Caught without the key: the scope annotation
 * only in `spec.template` (kubeseal puts it on both), a strict or namespace-wide SealedSecret whose template names
 * another namespace or name (a Kustomize `namespace:` or a copy-paste moved it), and a strict or namespace-wide one
 * with no namespace at all (it lands wherever it is applied).
 */
export function sealedSecretScopeMismatch(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    if (!String(o?.apiVersion ?? '').startsWith('bitnami.com/') || o.kind !== 'SealedSecret') continue;
    const own = o.metadata?.annotations ?? {};
    const tmpl = o.spec?.template?.metadata ?? {};
    const tmplAnn = tmpl.annotations ?? {};
    const scopeOf = (a: any) => (a[`${PREFIX}cluster-wide`] === 'true' ? 'cluster-wide' : a[`${PREFIX}namespace-wide`] === 'true' ? 'namespace-wide' : 'strict');
    const scope = scopeOf(own);
    const problems: string[] = [];
    if (scopeOf(tmplAnn) !== scope) {
      problems.push(`its template says ${scopeOf(tmplAnn)} but its own metadata says ${scope} (the controller reads its own metadata)`);
    }
    if (scope !== 'cluster-wide') {
      if (!o.metadata?.namespace) {
        problems.push(`it is ${scope} but names no namespace, so it unseals only in the namespace it was sealed for`);
      } else if (tmpl.namespace && tmpl.namespace !== o.metadata.namespace) {
        problems.push(`it is ${scope} and sits in namespace ${o.metadata.namespace}, but its template names namespace ${tmpl.namespace} (sealed for another namespace)`);
      }
      if (scope === 'strict' && tmpl.name && tmpl.name !== o.metadata?.name) {
        problems.push(`it is strict and named ${o.metadata?.name}, but its template names ${tmpl.name} (sealed under another name)`);
      }
    }
    for (const p of problems) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource: describeK8s(o),
        message: `will not unseal: ${p}. Re-seal it for the name and namespace where it is applied (or seal it namespace-wide / cluster-wide on purpose)`,
      });
    }
  }
  return out;
}
