// Benchmark scenario (a child of bench/run.ts): N Vault tenants, each a Kubernetes-auth role, a policy derived
// from use, a VaultAuth and a VaultStaticSecret in the tenant's namespace; synth writes the manifests and the
// Vault files (policies, roles, vault-config.sh).
//
//   node .bench/build/bench/scenarios/vault.js <tenants> <outdir>
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { measure } from '../harness';
import { Artifacts, VaultAuth, VaultAuthMethod, VaultConfiguration, VaultStaticSecret } from '../../src';

if (require.main === module) {
  const [countArg, outdir] = process.argv.slice(2);
  const count = Number(countArg);
  measure(() => {
    const app = new App({ outdir });
    const platform = new Chart(app, 'vault-platform');
    const config = new VaultConfiguration(platform, 'Vault');
    const kv = config.addKvMount('Kv', { path: 'tenants' });
    const auth = config.addKubernetesAuth('K8s', { path: 'kubernetes' });
    for (let i = 0; i < count; i++) {
      const tenant = new Chart(app, `tenant-${i}`, { namespace: `tenant-${i}` });
      const policy = config.addPolicy(`Policy${i}`, { policyName: `tenant-${i}` });
      const role = auth.addRole(`Role${i}`, { roleName: `tenant-${i}`, audience: 'vault', policies: [policy] });
      new kplus.ServiceAccount(tenant, 'Sa', { metadata: { name: 'vault-reader' }, automountToken: false });
      const vaultAuth = new VaultAuth(tenant, 'Auth', { name: 'vault-auth', method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'vault-reader' }) });
      new VaultStaticSecret(tenant, 'Db', { name: 'db', vaultAuth, mount: kv, path: `tenant-${i}/db`, destination: { name: 'db', create: true } });
    }
    app.synth();
    Artifacts.synth(app, outdir);
  }, outdir);
}
