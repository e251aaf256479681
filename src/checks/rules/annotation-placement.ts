import { CheckSeverity } from '../finding';
import { describeK8s, podTemplateOf, RuleResult } from './util';

const RELOADER = /(^|\.)reloader\.stakater\.com\//;
const VAULT_INJECTOR = /^vault\.hashicorp\.com\//;

/**
 * Reloader reads its annotations on the workload's own metadata; the Vault Agent Injector reads its annotations
 * on the pod (template). Either one in the other place is silently ignored.
 */
export function annotationPlacement(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    const template = podTemplateOf(o);
    if (!template) continue;
    const own = Object.keys(o.metadata?.annotations ?? {});
    const pod = Object.keys(template.metadata?.annotations ?? {});
    const vaultOnWorkload = own.filter((k) => VAULT_INJECTOR.test(k));
    const reloaderOnPod = pod.filter((k) => RELOADER.test(k));
    if (vaultOnWorkload.length > 0) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource: describeK8s(o),
        message: `Vault Agent Injector annotations on the ${o.kind}'s own metadata are ignored (${vaultOnWorkload.sort().join(', ')}): put them on the pod template`,
      });
    }
    if (reloaderOnPod.length > 0) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource: describeK8s(o),
        message: `Reloader annotations on the pod template are ignored (${reloaderOnPod.sort().join(', ')}): put them on the ${o.kind}'s own metadata`,
      });
    }
  }
  return out;
}
