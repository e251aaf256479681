// GitOps drift: every VSO object this folder writes leaves nothing for API-server defaulting to add
// (Argo CD and Flux would show such fields as drift), for every auth method and secret kind.
import { Chart, Testing } from 'cdk8s';
import { exampleContext } from '../../examples/context';
import { build as buildEso } from '../../examples/eso';
import { build } from '../../examples/vault';
import {
  VaultAuth,
  VaultAuthMethod,
  VaultConfiguration,
  VaultConnection,
  VaultDynamicSecret,
  VaultPKISecret,
  VaultStaticSecret,
} from '../../src';
import { defaultedFields, expectValid, manifestsOf } from '../harness';

describe('VSO objects and API-server defaulting', () => {
  test('GIVEN every VaultAuth method and every secret kind with minimal props WHEN synthesized THEN no field is left to defaulting', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const config = new VaultConfiguration(chart, 'Vault');
    const kv = config.addKvMount('Kv', { path: 'kv' });
    const role = config.addKubernetesAuth('K8s').addRole('Role', { roleName: 'apps' });
    const connection = new VaultConnection(chart, 'Conn', { name: 'vault', address: 'https://vault.example.com:8200' });
    const auth = new VaultAuth(chart, 'K', { name: 'k8s', connection, method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'apps' }) });
    new VaultAuth(chart, 'J1', { name: 'jwt-sa', connection, method: VaultAuthMethod.jwt({ role: 'ci', serviceAccount: 'ci' }) });
    new VaultAuth(chart, 'J2', { name: 'jwt-secret', connection, method: VaultAuthMethod.jwt({ role: 'ci', secretRef: 'ci-jwt' }) });
    new VaultAuth(chart, 'A', { name: 'approle', connection, method: VaultAuthMethod.appRole({ roleId: 'db02de05-fa39-4855', secretRef: 'approle' }) });
    new VaultAuth(chart, 'W', { name: 'aws', connection, method: VaultAuthMethod.aws({ role: 'eks' }) });
    // WHEN
    new VaultStaticSecret(chart, 'S', { name: 'static', vaultAuth: auth, mount: kv, path: 'app' });
    new VaultDynamicSecret(chart, 'D', { name: 'dynamic', vaultAuth: auth, mount: 'database', path: 'creds/app' });
    new VaultPKISecret(chart, 'P', { name: 'pki', vaultAuth: auth, mount: 'pki', role: 'web', commonName: 'web.example.com' });
    // THEN
    expectValid(chart);
    expect(defaultedFields(manifestsOf(chart))).toEqual([]);
  });

  test('GIVEN the example WHEN synthesized THEN its Vault charts leave nothing to defaulting', () => {
    const ctx = exampleContext();
    buildEso(ctx);
    build(ctx);
    const objects = ctx.k8sApp.charts.filter((c) => c.node.id.startsWith('vault-')).flatMap((c) => manifestsOf(c));
    expect(defaultedFields(objects)).toEqual([]);
  });
});
