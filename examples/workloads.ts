// Workloads that consume secrets, as in the seeds:
//  - seed 000: Reloader installed in kube-system, and a Deployment in secrets-demo that mounts the ESO-synced
//    ext-postgres-secret as a volume, with the Reloader annotation derived on its own metadata;
//  - seed 001: the Secrets Store CSI driver and AWS provider, the SecretProviderClass aws-secrets in production
//    (jmesPath + secretObjects sync to db-credentials), the pod's CSI volume and its IRSA role's exact grants;
//    the RBAC pattern (`get` on the named Secret app-secrets only, bound to ServiceAccount app); and the
//    Reloader example (Deployment api, auto mode, envFrom app-secrets);
//  - seed 004: the EncryptionConfiguration examples (secretbox, KMS), and an EKS envelope-encryption KMS key;
//  - one Deployment shape consuming a Secret from each backend (ESO, VSO, Sealed Secrets, CSI) with identical
//    application code: only the producer differs.
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ExampleContext } from './context';
import {
  AwsAuth, AwsCsiObject, AwsSecretProviderClass, EksSecretsEncryptionKey, EncryptionConfiguration, EncryptionKey,
  EncryptionProvider, ExternalSecret, IProducedSecret, KubernetesSecret, ReloaderInstall, ReloadMode, Resealing, SealedSecret,
  SealedValue, SealingCertificate, SecretConsumer, SecretsManagerEntry, SecretsStoreCsiAwsProviderInstall, SecretsStoreCsiDriverInstall,
  SecretStore, StoreProvider, VaultAuth, VaultAuthMethod, VaultConfiguration, VaultStaticSecret, WorkloadIdentity,
} from '../src';

/** DEMO ONLY: the secretbox key published in seed 004 (test/encryption/fixtures/README.md). */
const DEMO_KEY_FILE = path.join(__dirname, '..', 'test', 'encryption', 'fixtures', 'demo-only-secretbox.key');

/**
 * The application: the same Deployment whichever backend fills its Secret. It reads its database
 * credentials from files under /etc/secrets/db and knows nothing about ESO, Vault, Sealed Secrets or CSI.
 */
function appDeployment(chart: Chart, name: string, db: IProducedSecret, serviceAccount?: kplus.IServiceAccount): kplus.Deployment {
  const deployment = new kplus.Deployment(chart, name, {
    metadata: { name },
    replicas: 2,
    serviceAccount,
    securityContext: { fsGroup: 2000, user: 1000, group: 1000 },
  });
  const app = deployment.addContainer({
    name: 'app',
    image: 'ghcr.io/example/app:1.4.2',
    portNumber: 8080,
    envVariables: { DB_CREDENTIALS_DIR: kplus.EnvValue.fromValue('/etc/secrets/db') },
  });
  SecretConsumer.of(deployment).mount(app, db, { path: '/etc/secrets/db' });
  return deployment;
}

export function build(ctx: ExampleContext): void {
  const stack = ctx.stack;

  // Installs: Reloader (seed 000, with CSI integration for SecretProviderClass rotation), the CSI driver
  // (seed 001: release csi-secrets-store in kube-system; sync and rotation on) and the AWS provider.
  const installs = new Chart(ctx.k8sApp, 'workloads-installs');
  new ReloaderInstall(installs, 'Reloader', { enableCsiIntegration: true });
  new SecretsStoreCsiDriverInstall(installs, 'CsiDriver', { syncSecret: true, enableSecretRotation: true, rotationPollInterval: Duration.minutes(2) });
  new SecretsStoreCsiAwsProviderInstall(installs, 'CsiAwsProvider');

  // Seed 000: the Deployment that mounts ext-postgres-secret (written by the ExternalSecret
  // external-secrets-demo of the ESO part of this program) as a volume; Reloader restarts it on change.
  const seed000 = new Chart(ctx.k8sApp, 'workloads-reloader-demo', { namespace: 'secrets-demo' });
  const extPostgres = KubernetesSecret.fromSecretName(seed000, 'ExtPostgresSecret', { name: 'ext-postgres-secret', keys: ['username', 'password'] });
  const reloaderDemo = new kplus.Deployment(seed000, 'ReloaderDemo', {
    metadata: { name: 'reloader-demo', labels: { app: 'reloader-demo' } },
    securityContext: { fsGroup: 2000, user: 1000, group: 1000 },
  });
  const busybox = reloaderDemo.addContainer({ name: 'reloader-demo', image: 'busybox:1.36', command: ['/bin/sh', '-c', 'sleep 3600'] });
  SecretConsumer.of(reloaderDemo).mount(busybox, extPostgres, { path: '/etc/secrets/postgres' });

  // Seed 001: CSI. The pod runs as ServiceAccount app (IRSA role derived from the cluster), mounts aws-secrets at
  // /mnt/secrets and reads DB_PASSWORD from the synced db-credentials Secret.
  const production = new Chart(ctx.k8sApp, 'workloads-csi', { namespace: 'production' });
  const appIdentity = new WorkloadIdentity(production, 'AppIdentity', { serviceAccountName: 'app' });
  const awsSecrets = new AwsSecretProviderClass(production, 'AwsSecrets', {
    name: 'aws-secrets',
    region: ctx.env.region,
    identity: appIdentity, // granted the reads; usePodIdentity follows its mode; pods must run as its ServiceAccount
    objects: [AwsCsiObject.secretsManager({
      secretName: 'prod/myapp/database',
      jmesPath: [{ path: 'username', objectAlias: 'db_username' }, { path: 'password', objectAlias: 'db_password' }],
    })],
  });
  const dbCredentials = awsSecrets.addSecretObject({
    secretName: 'db-credentials',
    data: [{ objectName: 'db_username', key: 'username' }, { objectName: 'db_password', key: 'password' }],
  });
  // Seed 001's RBAC binds this ServiceAccount too: the app also reads app-secrets through the Kubernetes API, so
  // it gets a Role with `get` on app-secrets only, and (this pod only) a ServiceAccount token.
  const appSecrets = KubernetesSecret.fromSecretName(production, 'AppSecrets', { name: 'app-secrets' });
  const csiApp = new kplus.Deployment(production, 'CsiApp', {
    metadata: { name: 'app' },
    serviceAccount: appIdentity.serviceAccount,
  });
  const myapp = csiApp.addContainer({ name: 'app', image: 'myapp:1.0.0', portNumber: 8080 });
  const csiConsumer = SecretConsumer.of(csiApp);
  csiConsumer.mountSecretProviderClass(myapp, awsSecrets, { path: '/mnt/secrets' });
  csiConsumer.env(myapp, dbCredentials, { variables: { DB_PASSWORD: 'password' } });
  csiConsumer.readThroughApi(appSecrets);

  // Seed 001's Reloader example: Deployment api with `reloader.stakater.com/auto` and envFrom app-secrets
  // (environment variables, an explicit opt-in; the app-secrets SealedSecret is in the sealed part).
  const api = new kplus.Deployment(production, 'Api', { metadata: { name: 'api' } });
  const apiContainer = api.addContainer({ name: 'api', image: 'ghcr.io/example/api:2.0.0', portNumber: 8080 });
  new SecretConsumer(production, 'ApiSecrets', { workload: api, reload: { mode: ReloadMode.AUTO } }).envFrom(apiContainer, appSecrets);

  // Seed 004: encryption at rest. The secretbox example with the seed's (public, demo-only) key from a file, and
  // the KMS provider example (KMS v2). The files necessarily hold the keys: never commit real ones.
  new EncryptionConfiguration(ctx.k8sApp, 'workloads-encryption-secretbox', {
    fileName: 'encryption/secretbox-encryption-config.DEMO-ONLY.yaml',
    rules: [{ providers: [EncryptionProvider.secretbox([EncryptionKey.fromFile('secret-key-1', DEMO_KEY_FILE)]), EncryptionProvider.identity()] }],
  });
  new EncryptionConfiguration(ctx.k8sApp, 'workloads-encryption-kms', {
    fileName: 'encryption/kms-encryption-config.yaml',
    rules: [{ providers: [EncryptionProvider.kms({ name: 'myKmsPlugin', endpoint: 'unix:///tmp/socketfile.sock', timeout: Duration.seconds(3) }), EncryptionProvider.identity()] }],
  });
  new EksSecretsEncryptionKey(stack, 'EksSecretsKey', { alias: 'alias/workloads-demo/eks-secrets', exportName: 'workloads-eks-secrets-key-arn' });

  buildBackends(ctx, stack);
}

/** One Deployment shape, four backends: only the producer of the Secret differs. */
function buildBackends(ctx: ExampleContext, stack: cdk.Stack): void {
  const chart = new Chart(ctx.k8sApp, 'workloads-backends', { namespace: 'backends-demo' });
  const dbEntry = SecretsManagerEntry.fromSecretName(stack, 'BackendsDb', 'demo/backends/db');

  // External Secrets Operator: a SecretStore with IRSA, and an ExternalSecret whose target is db-from-eso.
  const esoIdentity = new WorkloadIdentity(chart, 'BackendsEsoIdentity', { serviceAccountName: 'eso-reader' });
  const store = new SecretStore(chart, 'Store', {
    name: 'aws-secrets-manager',
    provider: StoreProvider.awsSecretsManager({ region: ctx.env.region!, auth: AwsAuth.serviceAccount(esoIdentity) }),
  });
  const fromEso = new ExternalSecret(chart, 'DbFromEso', {
    name: 'db-from-eso',
    store,
    refreshInterval: Duration.minutes(1),
    data: [
      { secretKey: 'username', secretsManagerEntry: dbEntry, property: 'username' },
      { secretKey: 'password', secretsManagerEntry: dbEntry, property: 'password' },
    ],
  });

  // Vault Secrets Operator: a VaultStaticSecret whose destination is db-from-vso (VSO restarts the Deployment).
  const vault = new VaultConfiguration(chart, 'Vault', { directory: 'workloads/vault' });
  const kv = vault.addKvMount('Kv', { path: 'apps' });
  const k8sAuth = vault.addKubernetesAuth('K8sAuth', { path: 'kubernetes-backends' });
  const role = k8sAuth.addRole('Role', { roleName: 'backends-demo', audience: 'vault', ttl: Duration.hours(1), policies: [vault.addPolicy('Policy', { policyName: 'backends-demo' })] });
  new kplus.ServiceAccount(chart, 'VaultSa', { metadata: { name: 'vault-reader' }, automountToken: false });
  const auth = new VaultAuth(chart, 'VaultAuth', { name: 'vault-auth', method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'vault-reader' }) });
  const fromVso = new VaultStaticSecret(chart, 'DbFromVso', {
    name: 'db-from-vso',
    vaultAuth: auth,
    mount: kv,
    path: 'backends/db',
    refreshAfter: Duration.seconds(30),
    destination: { name: 'db-from-vso', create: true },
  });

  // Sealed Secrets: sealed at synth with the throwaway example certificate (churn-free with the demo reseal key).
  const certificate = SealingCertificate.fromPemFile(path.join(__dirname, 'sealed-demo', 'sealing-cert.pem'));
  const resealing = Resealing.fromKeyFile(path.join(__dirname, 'sealed-demo', 'reseal-key.DEMO-ONLY'), { previousOutput: path.resolve(__dirname, '..', 'dist') });
  const fromSealed = new SealedSecret(chart, 'DbFromSealed', {
    name: 'db-from-sealed',
    certificate,
    resealing,
    values: { username: SealedValue.unsafePlainText('admin'), password: SealedValue.unsafePlainText('demo-only-password') },
  });

  // Secrets Store CSI driver: objects synced to db-from-csi (the consumer mounts the class for the sync).
  const csiIdentity = new WorkloadIdentity(chart, 'BackendsCsiIdentity', { serviceAccountName: 'app-csi' });
  const spc = new AwsSecretProviderClass(chart, 'DbClass', {
    name: 'db',
    identity: csiIdentity,
    objects: [AwsCsiObject.fromEntry(dbEntry, {
      objectAlias: 'db',
      jmesPath: [{ path: 'username', objectAlias: 'username' }, { path: 'password', objectAlias: 'password' }],
    })],
  });
  const fromCsi = spc.addSecretObject({
    secretName: 'db-from-csi',
    data: [{ objectName: 'username', key: 'username' }, { objectName: 'password', key: 'password' }],
  });

  appDeployment(chart, 'app-eso', fromEso);
  appDeployment(chart, 'app-vso', fromVso);
  appDeployment(chart, 'app-sealed', fromSealed);
  // The CSI pod runs as the IRSA ServiceAccount: the one backend where the pod itself talks to AWS.
  appDeployment(chart, 'app-csi', fromCsi, csiIdentity.serviceAccount);
}
