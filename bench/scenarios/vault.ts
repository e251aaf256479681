// Benchmark scenario (a child of bench/run.ts): N Vault tenants, each a Kubernetes-auth role, a policy derived
// from use, a VaultAuth and a VaultStaticSecret in the tenant's namespace; synth writes the manifests and the
// Vault files (policies, roles, vault-config.sh).
//
//   node .bench/build/bench/scenarios/vault.js <tenants> <outdir> [one-chart|chart-per-tenant] [synth]
//
// With plain cdk8s `App.synth()`, every chart's `toJson()` validates the whole app again, so one chart per
// tenant is quadratic in cdk8s itself (the bare rows of the chart-per-app table show it); the default layout
// therefore puts the tenants' objects in one chart, each in its own namespace.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Artifacts, VaultAuth, VaultAuthMethod, VaultConfiguration, VaultStaticSecret } from '../../src';
import { APP_SYNTHS, measure } from '../harness';

if (require.main === module) {
  const [countArg, outdir, layout = 'one-chart', synthName = 'cdk8s'] = process.argv.slice(2);
  const count = Number(countArg);
  const synth = APP_SYNTHS[synthName];
  if (!synth) throw new Error(`unknown synth ${synthName}: one of ${Object.keys(APP_SYNTHS).join(', ')}`);
  measure(() => {
    const target = synth.create(outdir);
    const platform = new Chart(target.k8sApp, 'vault-platform');
    const config = new VaultConfiguration(platform, 'Vault');
    const kv = config.addKvMount('Kv', { path: 'tenants' });
    const auth = config.addKubernetesAuth('K8s', { path: 'kubernetes' });
    const shared = layout === 'one-chart' ? new Chart(target.k8sApp, 'tenants') : undefined;
    for (let i = 0; i < count; i++) {
      const namespace = `tenant-${i}`;
      const chart = shared ?? new Chart(target.k8sApp, namespace, { namespace });
      const policy = config.addPolicy(`Policy${i}`, { policyName: namespace });
      const role = auth.addRole(`Role${i}`, { roleName: namespace, audience: 'vault', policies: [policy] });
      new kplus.ServiceAccount(chart, `Sa${i}`, { metadata: { name: 'vault-reader', namespace }, automountToken: false });
      const vaultAuth = new VaultAuth(chart, `Auth${i}`, { name: 'vault-auth', namespace, method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'vault-reader' }) });
      new VaultStaticSecret(chart, `Db${i}`, { name: 'db', namespace, vaultAuth, mount: kv, path: `${namespace}/db`, destination: { name: 'db', create: true } });
    }
    target.synth();
    Artifacts.synth(target.k8sApp, outdir);
  }, outdir);
}
