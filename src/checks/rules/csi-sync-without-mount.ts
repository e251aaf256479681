import { CheckSeverity } from '../finding';
import { podSpecOf } from './refs';
import { asArray, describeK8s, RuleResult } from './util';

const DRIVER = 'secrets-store.csi.k8s.io';

/** The SecretProviderClass names the pod specs mount through the CSI driver, as `namespace/name` (namespace may be empty). @internal */
export function csiMounts(objects: any[]): Array<{ object: any; namespace?: string; spc: string; volume: string }> {
  const out: Array<{ object: any; namespace?: string; spc: string; volume: string }> = [];
  for (const o of objects) {
    for (const v of asArray<any>(podSpecOf(o)?.volumes)) {
      const spc = v?.csi?.driver === DRIVER ? v.csi.volumeAttributes?.secretProviderClass : undefined;
      if (typeof spc === 'string') out.push({ object: o, namespace: o.metadata?.namespace, spc, volume: v.name });
    }
  }
  return out;
}

/**
 * The CSI driver creates a SecretProviderClass's `secretObjects` Secrets only while some pod mounts the class: with
 * no mounting pod in the input, the synced Secret never exists and every consumer of it fails.
 */
export function csiSyncWithoutMount(objects: any[]): RuleResult[] {
  const mounts = csiMounts(objects);
  const out: RuleResult[] = [];
  for (const o of objects) {
    if (!String(o?.apiVersion ?? '').startsWith('secrets-store.csi.x-k8s.io/') || o.kind !== 'SecretProviderClass') continue;
    if (asArray(o.spec?.secretObjects).length === 0) continue;
    const ns = o.metadata?.namespace;
    if (mounts.some((m) => m.spc === o.metadata?.name && (ns === undefined || m.namespace === undefined || m.namespace === ns))) continue;
    out.push({
      severity: CheckSeverity.WARNING,
      resource: describeK8s(o),
      message: `syncs ${asArray<any>(o.spec.secretObjects).map((s) => s?.secretName).join(', ')} but no pod in the input mounts it: the driver makes synced Secrets only while a pod mounts the class. `
        + 'Mount it in the consuming workload',
    });
  }
  return out;
}
