// Seed 003 with the platform construct: the same platform on several clusters (multi-cluster), Vault with the Agent
// Injector (templated files) and the Vault Secrets Operator, dynamic database credentials from Vault's database secrets
// engine, and ESO for AWS secrets. Each cluster gets its own roles, stores and Vault configuration; nothing is shared
// between clusters or tenants.
// Run: npx ts-node --project test/tsconfig.json examples/platform/seed-003.ts (writes dist/platform/seed-003/).
import { Duration } from 'cdk8s';
import { ClusterTarget, SecretsApp, SecretsPlatform, VaultDatabasePassword, VaultDatabasePlugin } from '../../src';

const CLUSTERS = [
  { id: 'prod-euw1', region: 'eu-west-1', issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
  { id: 'prod-use1', region: 'us-east-1', issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0A1B2C3D4E5F60718293AEXAMPLE' },
];

export function build(app: SecretsApp): SecretsPlatform[] {
  return CLUSTERS.map((c) => {
    const target = ClusterTarget.fromIssuerUrl(app, c.id, { account: '111122223333', region: c.region }, c.issuer);
    const platform = new SecretsPlatform(target, 'platform', { externalSecrets: {}, vault: { injector: true }, reloader: {} });
    const app1 = platform.addTenant('my-app');
    // Dynamic database credentials (database/creds/my-role): the connection's root password is read from
    // $POSTGRES_ROOT_PASSWORD by vault-config.sh, never written to any file.
    const database = platform.vaultConfiguration!.addDatabaseMount('Database');
    const postgres = database.addConnection('Postgres', {
      name: 'postgres',
      plugin: VaultDatabasePlugin.POSTGRESQL,
      connectionUrl: 'postgresql://{{username}}:{{password}}@postgres.my-app.svc:5432/app',
      username: 'vault',
      password: VaultDatabasePassword.fromEnvironmentVariable('POSTGRES_ROOT_PASSWORD'),
    });
    const myRole = postgres.addRole('MyRole', {
      name: 'my-role',
      creationStatements: ['CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\';', 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";'],
      defaultTtl: Duration.hours(1),
      maxTtl: Duration.hours(24),
    });
    const dbCreds = app1.addVaultDatabaseSecret('db-creds', { databaseRole: myRole });
    const db = app1.addVaultSecret('db-config', { path: 'my-app/db', refreshAfter: Duration.minutes(5), keys: ['host', 'port'] });
    const api = app1.addSecretsManagerSecret('api-key', { remoteKey: 'my-app/api-key', keys: { key: 'key' } });
    app1.addWorkload('my-app', {
      image: 'my-app:1.0.0',
      portNumber: 8080,
      vaultFiles: [{
        name: 'config',
        path: 'my-app/config',
        template: '{{- with secret "secret/data/my-app/config" -}}\njdbc:postgresql://{{ .Data.data.host }}:5432/app?user={{ .Data.data.username }}\n{{- end }}',
      }],
    });
    app1.addWorkload('worker', {
      image: 'my-app-worker:1.0.0',
      mounts: [{ secret: db, path: '/etc/db' }, { secret: api, path: '/etc/api' }, { secret: dbCreds, path: '/etc/db-creds' }],
    });
    return platform;
  });
}

if (require.main === module) {
  const app = new SecretsApp({ outdir: 'dist/platform/seed-003', cloudAssemblyOutdir: 'cdk.out/platform/seed-003' });
  build(app);
  app.synth();
}
