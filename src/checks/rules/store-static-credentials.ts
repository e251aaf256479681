import { CheckSeverity } from '../finding';
import { describeK8s, RuleResult } from './util';

const ESO = /^external-secrets\.io\//;

/**
 * A SecretStore or ClusterSecretStore that authenticates with long-lived credentials kept in a Secret (AWS access
 * keys, a Vault token, a GCP service-account key, an Azure client secret): the key never rotates and anyone who reads
 * the Secret holds it. Prefer workload identity (IRSA / Pod Identity, Vault Kubernetes auth, GKE / Azure workload identity).
 */
export function storeStaticCredentials(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    if (!ESO.test(String(o?.apiVersion ?? '')) || (o.kind !== 'SecretStore' && o.kind !== 'ClusterSecretStore')) continue;
    const p = o.spec?.provider ?? {};
    const found: string[] = [];
    if (p.aws?.auth?.secretRef) found.push('aws.auth.secretRef (access keys)');
    if (p.vault?.auth?.tokenSecretRef) found.push('vault.auth.tokenSecretRef (a static token)');
    if (p.gcpsm?.auth?.secretRef) found.push('gcpsm.auth.secretRef (a service-account key)');
    if (p.azurekv?.authSecretRef) found.push('azurekv.authSecretRef (a client secret)');
    if (found.length > 0) {
      out.push({
        severity: CheckSeverity.WARNING,
        resource: describeK8s(o),
        message: `authenticates with long-lived credentials from a Secret: ${found.join(', ')}. Use workload identity (IRSA or Pod Identity, Vault Kubernetes auth) instead`,
      });
    }
  }
  return out;
}
