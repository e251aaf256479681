// Seed 001 with the platform construct: ESO with AWS Secrets Manager (data and dataFrom), Sealed Secrets in its three
// scopes, Vault Agent Injector annotations, the Secrets Store CSI driver with jmesPath and a synced Secret, Reloader,
// and RBAC with resourceNames, for the tenant `production`.
// Run: npx ts-node --project test/tsconfig.json examples/platform/seed-001.ts (writes dist/platform/seed-001/).
import * as path from 'path';
import { Duration } from 'cdk8s';
import {
  AwsCsiObject, ClusterTarget, DataFrom, ReloadMode, SealedValue, SealingCertificate, SealingScope, SecretsApp, SecretsPlatform,
} from '../../src';
import { ISSUER_URL } from '../context';

const DEMO = path.join(__dirname, '..', 'sealed-demo'); // DEMO ONLY: a throwaway certificate

export function build(app: SecretsApp): SecretsPlatform {
  const target = ClusterTarget.fromIssuerUrl(app, 'production-cluster', { account: '111122223333', region: 'us-east-1' }, ISSUER_URL);
  const platform = new SecretsPlatform(target, 'platform', {
    externalSecrets: {},
    vault: { injector: true },
    sealedSecrets: { certificate: SealingCertificate.fromPemFile(path.join(DEMO, 'sealing-cert.pem')) },
    secretsStoreCsi: {},
    reloader: {},
  });
  const prod = platform.addTenant('production');

  // ESO: DB_PASSWORD and API_KEY one by one, the rest of prod/myapp/config extracted (seed: ExternalSecret app-secrets).
  const appSecrets = prod.addSecretsManagerSecret('app-secrets', { remoteKey: 'prod/myapp/database', keys: { DB_PASSWORD: 'password' } });
  appSecrets.addDataFrom(DataFrom.extract({ remoteKey: 'prod/myapp/config' })); // the seed's dataFrom.extract
  const rotating = prod.addSecretsManagerSecret('rotating-secret', { remoteKey: 'prod/myapp/api-key', refreshInterval: Duration.minutes(15) });

  // Sealed Secrets in the three scopes.
  for (const scope of [SealingScope.STRICT, SealingScope.NAMESPACE_WIDE, SealingScope.CLUSTER_WIDE]) {
    prod.addSealedSecret(`sealed-${scope}`, { sealingScope: scope, values: { password: SealedValue.unsafePlainText('supersecret') } });
  }

  // CSI: prod/myapp/database mounted with jmesPath, synced into db-credentials.
  const awsSecrets = prod.addCsiSecret('aws-secrets', {
    objects: [AwsCsiObject.secretsManager({ secretName: 'prod/myapp/database', jmesPath: [{ path: 'username', objectAlias: 'db_username' }, { path: 'password', objectAlias: 'db_password' }] })],
  });
  const dbCredentials = awsSecrets.addSecretObject({ secretName: 'db-credentials', data: [{ objectName: 'db_username', key: 'username' }, { objectName: 'db_password', key: 'password' }] });

  // Workloads: files over env vars; the CSI app; the injector app; the API reader (Role: get on app-secrets only).
  prod.addWorkload('app', { image: 'myapp:1.0.0', csiMounts: [{ secretProviderClass: awsSecrets, path: '/mnt/secrets' }], env: [{ secret: dbCredentials, variables: { DB_PASSWORD: 'password' } }] });
  prod.addWorkload('api', { image: 'ghcr.io/example/api:2.0.0', mounts: [{ secret: appSecrets, path: '/etc/app' }, { secret: rotating, path: '/etc/rotating' }], reloadMode: ReloadMode.AUTO });
  prod.addWorkload('injected', {
    image: 'myapp:1.0.0',
    vaultFiles: [{ name: 'database.txt', path: 'production/database', template: '{{- with secret "secret/data/production/database" -}}\npostgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/mydb\n{{- end }}' }],
  });
  prod.addWorkload('reader', { image: 'ghcr.io/example/reader:1.0.0', apiReads: [appSecrets] });
  return platform;
}

if (require.main === module) {
  const app = new SecretsApp({ outdir: 'dist/platform/seed-001', cloudAssemblyOutdir: 'cdk.out/platform/seed-001' });
  build(app);
  app.synth();
}
