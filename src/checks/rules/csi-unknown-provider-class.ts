import { CheckSeverity } from '../finding';
import { csiMounts } from './csi-sync-without-mount';
import { describeK8s, RuleResult } from './util';

/**
 * A pod mounts a CSI secrets-store volume whose `secretProviderClass` the input does not define in the pod's
 * namespace: the mount fails and the pod stays in `ContainerCreating`. A warning (the class may live elsewhere).
 */
export function csiUnknownProviderClass(objects: any[]): RuleResult[] {
  const classes = objects.filter((o) => String(o?.apiVersion ?? '').startsWith('secrets-store.csi.x-k8s.io/') && o.kind === 'SecretProviderClass');
  const out: RuleResult[] = [];
  for (const m of csiMounts(objects)) {
    const found = classes.some((c) => c.metadata?.name === m.spc
      && (m.namespace === undefined || c.metadata?.namespace === undefined || c.metadata.namespace === m.namespace));
    if (found) continue;
    out.push({
      severity: CheckSeverity.WARNING,
      resource: describeK8s(m.object),
      message: `volume ${m.volume} mounts SecretProviderClass ${m.spc}, which the input does not define${m.namespace ? ` in namespace ${m.namespace}` : ''}: the mount fails. Define it in the pod's namespace`,
    });
  }
  return out;
}
