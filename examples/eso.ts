import * as cdk from 'aws-cdk-lib';
import { Duration } from 'cdk8s';
// External Secrets Operator with AWS Secrets Manager, reproducing seeds 000, 001 and 002 with IRSA
// instead of static keys. One program: IAM roles, Secrets Manager entries and least-privilege policies
// (CloudFormation) plus the ESO install, stores and ExternalSecrets (Kubernetes manifests).
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ExampleContext } from './context';
import {
  AwsAuth, ClusterSecretStore, DataFrom, EsoVaultAuth, ExternalSecret, ExternalSecretsOperatorInstall,
  SecretStore, SecretsManagerEntry, StoreProvider, WorkloadIdentity,
} from '../src';

export function build(ctx: ExampleContext): void {
  // ---- AWS side: the cluster's stack holds the identities (IAM is global); one more stack per other region that
  // holds secrets.
  const secretsEuCentral = new cdk.Stack(ctx.awsApp, 'eso-secrets-eu-central-1', {
    env: { account: ctx.env.account, region: 'eu-central-1' },
    description: 'Secrets Manager entries read by ESO (seed 000)',
  });

  // ---- ESO install (GitOps, hermetic): the controller's ServiceAccount name and its IRSA role come from one value.
  const installChart = new cdk8s.Chart(ctx.k8sApp, 'eso-install');
  const eso = new ExternalSecretsOperatorInstall(installChart, 'ExternalSecrets', {
    controllerIdentity: { roleName: 'eso-controller' },
  });

  seed000(ctx, secretsEuCentral);
  seed001(ctx, eso);
  seed002(ctx);
}

/** Seed 000: SecretStore + ExternalSecret in secrets-demo syncing username/password, refresh 1m (IRSA instead of keys). */
function seed000(ctx: ExampleContext, secrets: cdk.Stack): void {
  const chart = new cdk8s.Chart(ctx.k8sApp, 'eso-000-secrets-demo');
  const namespace = 'secrets-demo';
  new kplus.Namespace(chart, 'Namespace', { metadata: { name: namespace } });

  // {"username":"admin","password":<generated at deploy time, never in the template>}
  const db = new SecretsManagerEntry(secrets, 'ExtPostgresSecret', {
    secretName: 'demo/aws-sm/ext-postgres-secret',
    unsafePlaintextFields: { username: 'admin' },
    generateKey: 'password',
    generation: { excludePunctuation: true },
    tags: { demo: 'secrets-demo' },
  });

  const identity = new WorkloadIdentity(chart, 'SecretsDemoStore', {
    namespace, serviceAccountName: 'secretstore-demo', roleName: 'eso-secrets-demo-store',
  });
  const store = new SecretStore(chart, 'Store', {
    name: 'secretstore-demo',
    namespace,
    provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
  });
  new ExternalSecret(chart, 'ExternalSecret', {
    name: 'external-secrets-demo',
    namespace,
    store,
    targetName: 'ext-postgres-secret',
    refreshInterval: Duration.minutes(1),
    data: [
      { secretKey: 'username', secretsManagerEntry: db, property: 'username' },
      { secretKey: 'password', secretsManagerEntry: db, property: 'password' },
    ],
  });
}

/** Seed 001: a ClusterSecretStore with IRSA jwt.serviceAccountRef, an ExternalSecret with data + dataFrom.extract, and the Vault store. */
function seed001(ctx: ExampleContext, eso: ExternalSecretsOperatorInstall): void {
  const chart = new cdk8s.Chart(ctx.k8sApp, 'eso-001-production');
  new kplus.Namespace(chart, 'Namespace', { metadata: { name: 'production' } });

  const aws = new ClusterSecretStore(chart, 'AwsSecretsManager', {
    name: 'aws-secrets-manager',
    // jwt.serviceAccountRef to the controller's IRSA ServiceAccount (external-secrets/external-secrets).
    provider: StoreProvider.awsSecretsManager({ region: 'us-east-1', auth: AwsAuth.serviceAccount(eso.controllerIdentity!) }),
    conditions: [{ namespaces: ['production'] }],
  });
  new ExternalSecret(chart, 'AppSecrets', {
    name: 'app-secrets',
    namespace: 'production',
    store: aws,
    refreshInterval: Duration.hours(1),
    data: [
      { secretKey: 'DB_PASSWORD', remoteKey: 'prod/myapp/database', property: 'password' },
      { secretKey: 'API_KEY', remoteKey: 'prod/myapp/api', property: 'key' },
    ],
    dataFrom: [DataFrom.extract({ remoteKey: 'prod/myapp/config' })],
  });
  new ExternalSecret(chart, 'RotatingSecret', {
    name: 'rotating-secret',
    namespace: 'production',
    store: aws,
    refreshInterval: Duration.minutes(15),
    targetName: 'app-secrets-rotating',
    data: [{ secretKey: 'api-key', remoteKey: 'prod/myapp/api-key' }],
  });

  const vault = new ClusterSecretStore(chart, 'Vault', {
    name: 'vault',
    provider: StoreProvider.vault({
      server: 'https://vault.example.com',
      path: 'secret',
      auth: EsoVaultAuth.kubernetes({
        role: 'external-secrets', serviceAccountName: eso.serviceAccountName, serviceAccountNamespace: eso.namespace,
      }),
    }),
    conditions: [{ namespaces: ['production'] }],
  });
  new ExternalSecret(chart, 'VaultSecrets', {
    name: 'vault-secrets',
    namespace: 'production',
    store: vault,
    refreshInterval: Duration.minutes(30),
    targetName: 'app-secrets-vault',
    data: [
      { secretKey: 'database-password', remoteKey: 'production/database', property: 'password' },
      { secretKey: 'api-key', remoteKey: 'production/api', property: 'key' },
    ],
  });
}

/** Seed 002: "ESO as a service": IRSA for one ServiceAccount, a secret, read-only access to its ARN, a per-namespace store with dataFrom. */
function seed002(ctx: ExampleContext): void {
  const platform = ctx.stack;
  const project = 'example';
  const chart = new cdk8s.Chart(ctx.k8sApp, 'eso-002-example');
  new kplus.Namespace(chart, 'Namespace', { metadata: { name: project, labels: { Cluster: 'demo' } } });

  const secret = new SecretsManagerEntry(platform, 'ProjectSecret', {
    secretName: project,
    unsafePlaintextFields: { API_HOST: 'https://example.com' },
    generateKey: 'API_KEY',
    removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  const identity = new WorkloadIdentity(chart, 'ProjectEso', {
    namespace: project, serviceAccountName: `${project}-eso`, roleName: `demo-${project}-ServiceAccountRole`,
  });
  const store = new SecretStore(chart, 'Store', {
    name: 'secretstore-example',
    namespace: project,
    provider: StoreProvider.awsSecretsManager({ region: platform.region, auth: AwsAuth.serviceAccount(identity) }),
  });
  new ExternalSecret(chart, 'ExternalSecret', {
    name: 'externalsecret-example',
    namespace: project,
    store,
    refreshInterval: Duration.minutes(1),
    targetName: 'example-secret',
    dataFrom: [DataFrom.extract({ secretsManagerEntry: secret })],
  });
}
