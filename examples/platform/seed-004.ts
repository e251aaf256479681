// Seed 004 with the platform construct: provider-agnostic applications that read files, not environment variables.
// The same Deployment shape consumes a SealedSecret (sealed at synth from files, strict scope), a Vault secret synced by
// the Vault Secrets Operator, a Vault Agent template and a Secrets Store CSI mount; only the producer differs.
// Run: npx ts-node --project test/tsconfig.json examples/platform/seed-004.ts (writes dist/platform/seed-004/).
import * as path from 'path';
import { AwsCsiObject, ClusterTarget, Resealing, SealedValue, SealingCertificate, SecretsApp, SecretsPlatform } from '../../src';
import { ISSUER_URL } from '../context';

const DEMO = path.join(__dirname, '..', 'sealed-demo'); // DEMO ONLY: a throwaway certificate, reseal key and values

export function build(app: SecretsApp): SecretsPlatform {
  const target = ClusterTarget.fromIssuerUrl(app, 'cluster', { account: '111122223333', region: 'eu-west-1' }, ISSUER_URL);
  const platform = new SecretsPlatform(target, 'platform', {
    vault: { injector: true },
    sealedSecrets: {
      certificate: SealingCertificate.fromPemFile(path.join(DEMO, 'sealing-cert.pem')),
      resealing: Resealing.fromKeyFile(path.join(DEMO, 'reseal-key.DEMO-ONLY'), { previousOutput: app.outdir }),
    },
    secretsStoreCsi: {},
    reloader: {},
  });
  const tenant = platform.addTenant('apps');
  const sealed = tenant.addSealedSecret('mysecret', {
    values: { dbuser: SealedValue.fromFile(path.join(DEMO, 'dbuser.txt')), dbkey: SealedValue.fromFile(path.join(DEMO, 'dbkey.txt')) },
  });
  const synced = tenant.addVaultSecret('db-creds', { path: 'apps/db' });
  const spc = tenant.addCsiSecret('db-csi', { objects: [AwsCsiObject.secretsManager({ secretName: 'apps/db' })] });
  tenant.addWorkload('app-sealed', { image: 'ghcr.io/example/app:1.4.2', mounts: [{ secret: sealed, path: '/etc/secrets/db' }] });
  tenant.addWorkload('app-vso', { image: 'ghcr.io/example/app:1.4.2', mounts: [{ secret: synced, path: '/etc/secrets/db' }] });
  tenant.addWorkload('app-agent', { image: 'ghcr.io/example/app:1.4.2', vaultFiles: [{ name: 'db', path: 'apps/agent-db' }] });
  tenant.addWorkload('app-csi', { image: 'ghcr.io/example/app:1.4.2', csiMounts: [{ secretProviderClass: spc, path: '/etc/secrets/db' }] });
  return platform;
}

if (require.main === module) {
  const app = new SecretsApp({ outdir: 'dist/platform/seed-004', cloudAssemblyOutdir: 'cdk.out/platform/seed-004' });
  build(app);
  app.synth();
}
