// HashiCorp Vault part of the example: the seeds' Vault scenarios from one program.
//   - seed 000: Vault dev server + Vault Secrets Operator with its default connection; kv-v2 mount
//     `kv-secrets`, Kubernetes auth at `kubernetes-auth`, role `vault-k8s-role`, policy `kv-secrets-policy`;
//     VaultAuth `vault-auth` and VaultStaticSecret `vault-postgres-secret` in `secrets-demo`.
//   - seeds 001/003/004: Agent Injector annotations on pod templates (a database URL rendered from a KV
//     secret; re-injection on update; dynamic database credentials `database/creds/my-role`).
//   - seed 001: ESO syncing from Vault through the ClusterSecretStore `vault` of examples/eso.ts (role
//     `external-secrets` for ESO's ServiceAccount; its policy derived from what the ExternalSecrets read).
// Policies and roles are derived from what these objects read and written to dist/vault/.
import { Duration } from 'cdk8s';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ExampleContext } from './context';
import {
  InstallDelivery,
  VaultAgentInjection,
  VaultAuth,
  VaultAuthMethod,
  VaultConfiguration,
  VaultInstall,
  VaultSecretPath,
  VaultSecretsOperatorInstall,
  VaultStaticSecret,
} from '../src';

export function build(ctx: ExampleContext): void {
  // Installs (seed 000): a dev-mode server with the UI, and the operator with its default VaultConnection.
  // The seeds' injector scenarios need the Agent Injector, so it stays on (seed 000 turns it off).
  const installs = new cdk8s.Chart(ctx.k8sApp, 'vault-installs');
  const vault = new VaultInstall(installs, 'Vault', { devMode: true, ui: true, injector: true, delivery: InstallDelivery.argoCd() });
  new VaultSecretsOperatorInstall(installs, 'Operator', {
    namespace: 'kube-system',
    defaultConnection: { address: vault.address, skipTlsVerify: false },
  });

  // The Vault side: mounts, auth methods, roles and policies (written to dist/vault/).
  const config = new VaultConfiguration(installs, 'VaultConfig');
  const kv = config.addKvMount('KvSecrets', { path: 'kv-secrets' });
  const k8sAuth = config.addKubernetesAuth('KubernetesAuth', { path: 'kubernetes-auth' });
  const policy = config.addPolicy('KvSecretsPolicy', { policyName: 'kv-secrets-policy' });
  const role = k8sAuth.addRole('VaultK8sRole', { roleName: 'vault-k8s-role', audience: 'vault', ttl: Duration.hours(24), policies: [policy] });

  // seed 000: VaultAuth + VaultStaticSecret in secrets-demo.
  const demo = new cdk8s.Chart(ctx.k8sApp, 'vault-secrets-demo', { namespace: 'secrets-demo' });
  new kplus.ServiceAccount(demo, 'VaultSa', { metadata: { name: 'vault-sa' }, automountToken: false });
  const auth = new VaultAuth(demo, 'VaultAuth', {
    name: 'vault-auth',
    method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'vault-sa' }),
  });
  new VaultStaticSecret(demo, 'PostgresSecret', {
    name: 'vault-postgres-secret',
    vaultAuth: auth,
    mount: kv,
    path: 'postgres/config',
    refreshAfter: Duration.seconds(30),
    destination: { name: 'vault-postgres-secret', create: true },
  });

  // seeds 001/003/004: Agent Injector. A second kv-v2 mount `secret` and the default `kubernetes` auth path.
  const secretKv = config.addKvMount('SecretKv', { path: 'secret' });
  const injectorAuth = config.addKubernetesAuth('InjectorAuth', { path: 'kubernetes' });
  injectorAuth.addRole('AppRole', { roleName: 'app', ttl: Duration.hours(1) });
  injectorAuth.addRole('MyAppRole', { roleName: 'my-app-role', ttl: Duration.hours(1) });

  const prod = new cdk8s.Chart(ctx.k8sApp, 'vault-injector', { namespace: 'production' });
  // seed 001: a database URL rendered from a KV secret into /vault/secrets/database.txt.
  const app = new kplus.Deployment(prod, 'App', {
    metadata: { name: 'app' },
    serviceAccount: new kplus.ServiceAccount(prod, 'AppSa', { metadata: { name: 'app' } }),
    automountServiceAccountToken: true,
    containers: [{ name: 'app', image: 'myapp:1.0.0', portNumber: 8080 }],
  });
  VaultAgentInjection.addTo(app, {
    role: 'app',
    secrets: [{
      name: 'database.txt',
      secret: VaultSecretPath.kv(secretKv, 'production/database'),
      template: [
        '{{- with secret "secret/data/production/database" -}}',
        'postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/mydb',
        '{{- end }}',
      ].join('\n'),
    }],
  });

  // seeds 003/004: config from KV, dynamic database credentials, re-injection on update.
  const myApp = new kplus.Deployment(prod, 'MyApp', {
    metadata: { name: 'my-app' },
    serviceAccount: new kplus.ServiceAccount(prod, 'MyAppSa', { metadata: { name: 'my-app' } }),
    automountServiceAccountToken: true,
    containers: [{ name: 'my-app', image: 'my-app:1.0.0', portNumber: 8080 }],
  });
  VaultAgentInjection.addTo(myApp, {
    role: 'my-app-role',
    reinjectOnUpdate: true,
    secrets: [
      { name: 'config', secret: VaultSecretPath.kv(secretKv, 'my-app/config') },
      {
        name: 'db-creds',
        secret: VaultSecretPath.fromApiPath('database/creds/my-role'),
        template: [
          '{{- with secret "database/creds/my-role" -}}',
          'jdbc:postgresql://postgres:5432/app?user={{ .Data.username }}&password={{ .Data.password }}',
          '{{- end }}',
        ].join('\n'),
      },
    ],
  });

  // seed 001: ESO reads Vault through the ClusterSecretStore "vault" (defined by the ESO part of the example,
  // examples/eso.ts) with Kubernetes auth as ESO's ServiceAccount. The role is the seed's; its policy is
  // derived from what the ExternalSecrets read through that store.
  injectorAuth.addRole('EsoRole', {
    roleName: 'external-secrets',
    ttl: Duration.hours(1),
    serviceAccounts: [{ name: 'external-secrets', namespace: 'external-secrets' }],
  });
}
