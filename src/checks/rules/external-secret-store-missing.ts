import { CheckSeverity } from '../finding';
import { asArray, describeK8s, ObjectIndex, RuleResult } from './util';

const ESO = /^external-secrets\.io\//;

/**
 * An ExternalSecret (or PushSecret, ClusterExternalSecret) refers to a SecretStore or ClusterSecretStore that the
 * input does not define: ESO reports `SecretSyncedError` and the Secret is never made. A SecretStore must be in the
 * ExternalSecret's own namespace. A warning, because the store may live in files not scanned.
 */
export function externalSecretStoreMissing(objects: any[]): RuleResult[] {
  const stores = objects.filter((o) => ESO.test(String(o?.apiVersion ?? '')) && (o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore'));
  const index = new ObjectIndex(stores);
  const has = (kind: string, name: string, ns: string | undefined) => index.candidates(kind, name, kind === 'ClusterSecretStore' ? undefined : ns).some((s) => s.kind === kind && s.metadata?.name === name
    && (kind === 'ClusterSecretStore' || ns === undefined || s.metadata?.namespace === undefined || s.metadata.namespace === ns));
  const out: RuleResult[] = [];
  for (const o of objects) {
    if (!ESO.test(String(o?.apiVersion ?? ''))) continue;
    const ns = o.metadata?.namespace;
    const refs: any[] = [];
    if (o.kind === 'ExternalSecret') refs.push(o.spec?.secretStoreRef, ...asArray<any>(o.spec?.data).map((d) => d?.sourceRef?.storeRef), ...asArray<any>(o.spec?.dataFrom).map((d) => d?.sourceRef?.storeRef));
    if (o.kind === 'ClusterExternalSecret') refs.push(o.spec?.externalSecretSpec?.secretStoreRef);
    if (o.kind === 'PushSecret') refs.push(...asArray<any>(o.spec?.secretStoreRefs));
    const missing = new Set<string>();
    for (const r of refs) {
      if (!r?.name) continue;
      const kind = r.kind ?? 'SecretStore';
      // A ClusterExternalSecret's SecretStore lives in each target namespace: only a ClusterSecretStore can be checked.
      if (o.kind === 'ClusterExternalSecret' && kind === 'SecretStore') continue;
      if (!has(kind, r.name, ns)) missing.add(`${kind} ${r.name}`);
    }
    if (missing.size > 0) {
      out.push({
        severity: CheckSeverity.WARNING,
        resource: describeK8s(o),
        message: `refers to ${[...missing].sort().join(', ')}, which the input does not define${ns ? ` (a SecretStore must be in namespace ${ns})` : ''}. Define the store or correct the reference`,
      });
    }
  }
  return out;
}
