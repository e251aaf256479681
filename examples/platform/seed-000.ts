// Seed 000 with the platform construct: Sealed Secrets, Vault with the Vault Secrets Operator, ESO with AWS Secrets
// Manager (IRSA instead of static keys) and Reloader, for the tenant namespace secrets-demo. The same objects as the
// hand-wired example (examples/eso.ts, sealed.ts, vault.ts, workloads.ts); test/platform/seed-000.test.ts compares them.
// Run: npx ts-node --project test/tsconfig.json examples/platform/seed-000.ts (writes dist/platform/seed-000/).
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Duration } from 'cdk8s';
import {
  ClusterTarget, Resealing, SealedValue, SealingCertificate, SecretsApp, SecretsManagerEntry, SecretsPlatform,
} from '../../src';
import { ISSUER_URL } from '../context';

const DEMO = path.join(__dirname, '..', 'sealed-demo'); // DEMO ONLY: a throwaway certificate and reseal key

export function build(app: SecretsApp): SecretsPlatform {
  const target = new ClusterTarget(app, 'example-cluster', {
    env: { account: '111122223333', region: 'eu-west-1' }, stackName: 'secrets-platform', irsa: { issuerUrl: ISSUER_URL }, kubernetesVersion: '1.31', outdir: '.',
  });
  const platform = new SecretsPlatform(target, 'platform', {
    externalSecrets: {},
    vault: { devMode: true, ui: true, kvMountPath: 'kv-secrets', authPath: 'kubernetes-auth', operatorNamespace: 'kube-system' },
    sealedSecrets: {
      certificate: SealingCertificate.fromPemFile(`${DEMO}/sealing-cert.pem`),
      resealing: Resealing.fromKeyFile(`${DEMO}/reseal-key.DEMO-ONLY`, { previousOutput: app.outdir }),
    },
    reloader: {},
  });
  const demo = platform.addTenant('secrets-demo', {
    secretsManager: { region: 'eu-central-1', storeName: 'secretstore-demo', roleName: 'eso-secrets-demo-store' },
    vault: { serviceAccountName: 'vault-sa', roleName: 'vault-k8s-role', policyName: 'kv-secrets-policy', ttl: Duration.hours(24) },
  });

  // {"username":"admin","password":<generated at deploy time, never in the template>} in eu-central-1.
  const secrets = new cdk.Stack(app.awsApp, 'eso-secrets-eu-central-1', { env: { account: target.account, region: 'eu-central-1' } });
  const db = new SecretsManagerEntry(secrets, 'ExtPostgresSecret', {
    secretName: 'demo/aws-sm/ext-postgres-secret', unsafePlaintextFields: { username: 'admin' }, generateKey: 'password', generation: { excludePunctuation: true }, tags: { demo: 'secrets-demo' },
  });
  const ext = demo.addSecretsManagerSecret('external-secrets-demo', {
    entry: db, targetName: 'ext-postgres-secret', keys: { username: 'username', password: 'password' }, refreshInterval: Duration.minutes(1),
  });
  demo.addVaultSecret('vault-postgres-secret', { path: 'postgres/config', refreshAfter: Duration.seconds(30) });
  demo.addSealedSecret('ss-postgres-secret', {
    // The seed's --from-literal demo values. In real use: SealedValue.fromEnvironmentVariable('PG_PASSWORD') or fromFile().
    values: { username: SealedValue.unsafePlainText('admin'), password: SealedValue.unsafePlainText('S3cr3tPassw0rd') },
  });
  demo.addWorkload('reloader-demo', {
    image: 'busybox:1.36', command: ['/bin/sh', '-c', 'sleep 3600'], mounts: [{ secret: ext, path: '/etc/secrets/postgres' }],
  });
  return platform;
}

if (require.main === module) {
  const app = new SecretsApp({ outdir: 'dist/platform/seed-000', cloudAssemblyOutdir: 'cdk.out/platform/seed-000' });
  build(app);
  app.synth();
}
