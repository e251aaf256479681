// Seed 002 with the platform construct: "ESO as a service" on EKS with IRSA. The project namespace gets its own
// ServiceAccount and IAM role (read-only on the project's secret ARN), a namespaced SecretStore with jwt auth, an
// ExternalSecret with dataFrom, and a Deployment restarted by Reloader when the secret changes.
// Run: npx ts-node --project test/tsconfig.json examples/platform/seed-002.ts (writes dist/platform/seed-002/).
import { Duration } from 'cdk8s';
import { ClusterTarget, SecretsApp, SecretsManagerEntry, SecretsPlatform } from '../../src';
import { ISSUER_URL } from '../context';

export function build(app: SecretsApp): SecretsPlatform {
  const project = 'example';
  const target = ClusterTarget.fromIssuerUrl(app, 'demo', { account: '111122223333', region: 'eu-west-1' }, ISSUER_URL);
  const platform = new SecretsPlatform(target, 'platform', { externalSecrets: {}, reloader: {} });
  const tenant = platform.addTenant(project, {
    labels: { Cluster: 'demo' },
    secretsManager: { storeName: 'secretstore-example', serviceAccountName: `${project}-eso`, roleName: `demo-${project}-ServiceAccountRole` },
  });
  // The project's secret: API_HOST given, API_KEY generated at deploy time (never in the template).
  const secret = new SecretsManagerEntry(target.stack, 'ProjectSecret', { secretName: project, unsafePlaintextFields: { API_HOST: 'https://example.com' }, generateKey: 'API_KEY' });
  const config = tenant.addSecretsManagerSecret('externalsecret-example', { entry: secret, targetName: 'example-secret', refreshInterval: Duration.minutes(1) });
  tenant.addWorkload('example', { image: 'ghcr.io/example/app:1.0.0', portNumber: 8080, mounts: [{ secret: config, path: '/etc/example' }] });
  return platform;
}

if (require.main === module) {
  const app = new SecretsApp({ outdir: 'dist/platform/seed-002', cloudAssemblyOutdir: 'cdk.out/platform/seed-002' });
  build(app);
  app.synth();
}
