// The code sample of docs/workloads.md ("One Deployment, any backend"), kept compiling and valid.
import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AwsAuth, AwsCsiObject, AwsSecretProviderClass, ClusterTarget, ExternalSecret, IProducedSecret, SealedSecret,
  SealedValue, SealingCertificate, SecretConsumer, SecretsApp, SecretsManagerEntry, SecretStore, StoreProvider, VaultAuth,
  VaultAuthMethod, VaultConfiguration, VaultStaticSecret, WorkloadIdentity,
} from '../../src';
import { expectValid, upstreamPath } from '../harness';

describe('docs/workloads.md sample', () => {
  test('synthesizes valid manifests with the derived differences', () => {
    process.env.DB_USER = 'demo-user';
    process.env.DB_PASSWORD = 'demo-password';

    // The application: identical for every backend.
    function appDeployment(chart: Chart, name: string, db: IProducedSecret, serviceAccount?: kplus.IServiceAccount) {
      const deployment = new kplus.Deployment(chart, name, {
        metadata: { name },
        serviceAccount,
        securityContext: { fsGroup: 2000, user: 1000, group: 1000 },
      });
      const app = deployment.addContainer({ name: 'app', image: 'ghcr.io/example/app:1.4.2', portNumber: 8080 });
      SecretConsumer.of(deployment).mount(app, db, { path: '/etc/secrets/db' });
    }

    const cluster = ClusterTarget.fromIssuerUrl(new SecretsApp(), 'platform', { account: '111122223333', region: 'eu-west-1' },
      'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE');
    const stack = cluster.stack;
    const k8sApp = cluster.k8sApp;
    const chart = cluster.addChart('backends', { namespace: 'backends-demo' });
    const dbEntry = SecretsManagerEntry.fromSecretName(stack, 'Db', 'demo/backends/db');

    // External Secrets Operator
    const esoIdentity = new WorkloadIdentity(chart, 'EsoIdentity', { serviceAccountName: 'eso-reader' });
    const store = new SecretStore(chart, 'Store', {
      provider: StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.serviceAccount(esoIdentity) }),
    });
    const fromEso = new ExternalSecret(chart, 'DbFromEso', {
      name: 'db-from-eso',
      store,
      data: [
        { secretKey: 'username', secretsManagerEntry: dbEntry, property: 'username' },
        { secretKey: 'password', secretsManagerEntry: dbEntry, property: 'password' },
      ],
    });

    // Vault Secrets Operator
    const vault = new VaultConfiguration(chart, 'Vault');
    const role = vault.addKubernetesAuth('K8sAuth', { path: 'kubernetes' })
      .addRole('Role', { roleName: 'backends-demo', audience: 'vault', ttl: Duration.hours(1), policies: [vault.addPolicy('Policy', { policyName: 'backends-demo' })] });
    new kplus.ServiceAccount(chart, 'VaultSa', { metadata: { name: 'vault-reader' } });
    const fromVso = new VaultStaticSecret(chart, 'DbFromVso', {
      vaultAuth: new VaultAuth(chart, 'VaultAuth', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'vault-reader' }) }),
      mount: vault.addKvMount('Kv', { path: 'apps' }),
      path: 'backends/db',
      destination: { name: 'db-from-vso', create: true },
    });

    // Sealed Secrets (sealed at synth with the controller's certificate)
    const fromSealed = new SealedSecret(chart, 'DbFromSealed', {
      name: 'db-from-sealed',
      certificate: SealingCertificate.fromPemFile(upstreamPath('sealed-secrets-vectors', 'example-cert.pem')),
      values: { username: SealedValue.fromEnvironmentVariable('DB_USER'), password: SealedValue.fromEnvironmentVariable('DB_PASSWORD') },
    });

    // Secrets Store CSI driver (the pod's own IRSA identity reads AWS)
    const csiIdentity = new WorkloadIdentity(chart, 'CsiIdentity', { serviceAccountName: 'app-csi' });
    const spc = new AwsSecretProviderClass(chart, 'DbClass', {
      name: 'db',
      identity: csiIdentity,
      objects: [AwsCsiObject.fromEntry(dbEntry, { jmesPath: [{ path: 'username', objectAlias: 'username' }, { path: 'password', objectAlias: 'password' }] })],
    });
    const fromCsi = spc.addSecretObject({ secretName: 'db-from-csi', data: [{ objectName: 'username', key: 'username' }, { objectName: 'password', key: 'password' }] });

    appDeployment(chart, 'app-eso', fromEso);
    appDeployment(chart, 'app-vso', fromVso);
    appDeployment(chart, 'app-sealed', fromSealed);
    appDeployment(chart, 'app-csi', fromCsi, csiIdentity.serviceAccount);

    // Sealed values are read when the manifest is rendered: the variables stay set until then.
    let objects: any[];
    try {
      expectValid(k8sApp);
      objects = chart.toJson();
    } finally {
      delete process.env.DB_USER;
      delete process.env.DB_PASSWORD;
    }
    const deployments = objects.filter((o: any) => o.kind === 'Deployment');
    expect(deployments.map((d: any) => d.metadata.annotations?.['secret.reloader.stakater.com/reload'])).toEqual(['db-from-eso', undefined, 'db-from-sealed', 'db-from-csi']);
    expect(JSON.stringify(objects)).not.toContain('demo-password');
  });
});
