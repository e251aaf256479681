import { CheckSeverity } from '../finding';
import { producedBy, secretProducers, secretReferences } from './refs';
import { describeK8s, RuleResult } from './util';

/**
 * A pod (template) mounts or reads a Secret that nothing in the input produces and that is not `optional`: the pod
 * stays in `ContainerCreating` (volume) or `CreateContainerConfigError` (env). A warning, because the Secret may be
 * made outside the scanned files (a Helm chart, `kubectl create secret`).
 */
export function secretReferenceUnresolved(objects: any[]): RuleResult[] {
  const produced = producedBy(secretProducers(objects));
  const out: RuleResult[] = [];
  const byObject = new Map<any, string[]>();
  for (const r of secretReferences(objects)) {
    if (r.optional || produced(r.namespace, r.name)) continue;
    const places = byObject.get(r.object);
    if (places) places.push(`${r.where} (secret ${r.name})`);
    else byObject.set(r.object, [`${r.where} (secret ${r.name})`]);
  }
  for (const [o, places] of byObject) {
    out.push({
      severity: CheckSeverity.WARNING,
      resource: describeK8s(o),
      message: `names Secrets that nothing in the input produces: ${places.join(', ')}. `
        + 'Produce them (ExternalSecret, SealedSecret, VSO, CSI secretObjects), mark the reference optional, or include the files that make them',
    });
  }
  return out;
}
