import { CheckSeverity } from '../finding';
import { describeK8s, RuleResult } from './util';

const LOCAL = /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/;

/**
 * A Vault address over plain `http://` sends the Vault token and every secret unencrypted over the network. A warning
 * (Vault dev mode serves only HTTP); loopback addresses are not reported.
 */
export function vaultPlainHttp(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    const api = String(o?.apiVersion ?? '');
    let address: unknown;
    let where = '';
    if (/^external-secrets\.io\//.test(api) && (o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore')) {
      address = o.spec?.provider?.vault?.server; where = 'spec.provider.vault.server';
    } else if (/^secrets\.hashicorp\.com\//.test(api) && o.kind === 'VaultConnection') {
      address = o.spec?.address; where = 'spec.address';
    }
    if (typeof address === 'string' && address.startsWith('http://') && !LOCAL.test(address)) {
      out.push({
        severity: CheckSeverity.WARNING,
        resource: describeK8s(o),
        message: `${where} is ${address}: tokens and secrets cross the network unencrypted. Serve Vault over https:// (with caBundle / caCertSecretRef)`,
      });
    }
  }
  return out;
}
