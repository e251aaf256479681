import { CheckSeverity } from '../finding';
import { namesIn, producedBy, secretProducers } from './refs';
import { describeK8s, podTemplateOf, RuleResult } from './util';

const RELOAD = 'secret.reloader.stakater.com/reload';

/**
 * A workload's `secret.reloader.stakater.com/reload` names a Secret that nothing in the input produces: the name
 * is stale (the Secret was renamed or removed) or misspelt, and Reloader never restarts the workload.
 * Whole-repo rule: run it over every manifest the cluster gets.
 */
export function reloaderUnknownSecret(objects: any[]): RuleResult[] {
  const produced = producedBy(secretProducers(objects));
  const out: RuleResult[] = [];
  for (const o of objects) {
    if (!podTemplateOf(o)) continue;
    const ns = o.metadata?.namespace;
    const missing = namesIn(o.metadata?.annotations?.[RELOAD]).filter((n) => !produced(ns, n));
    if (missing.length > 0) {
      out.push({
        severity: CheckSeverity.WARNING,
        resource: describeK8s(o),
        message: `${RELOAD} names ${missing.join(', ')}, which nothing in the input produces${ns ? ` in namespace ${ns}` : ''}: `
          + 'Reloader will never restart it for them. Correct the names or remove them',
      });
    }
  }
  return out;
}
