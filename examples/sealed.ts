// Sealed Secrets, as in the seeds, with no kubeseal binary and no cluster:
//  - seed 000: the controller installed by Helm into kube-system as "sealed-secrets-controller", and
//    ss-postgres-secret (username, password) in secrets-demo, sealed strict;
//  - seed 001: app-secrets in production (as app-secrets-sealed: ESO writes app-secrets), sealed with each of the three scopes;
//  - seed 004: mysecret (dbuser, dbkey) in default, from files.
// Values are sealed with the throwaway demo certificate in examples/sealed-demo/ (its private key is committed
// next to it, marked DEMO-ONLY), so the example runs from the repository alone and anyone (and CI, with the
// real `kubeseal --recovery-unseal`) can check the output. Re-running the example keeps every
// unchanged ciphertext (churn-free re-sealing with the demo reseal key in examples/sealed-demo/).
import * as path from 'path';
import { Chart } from 'cdk8s';
import { ExampleContext } from './context';
import {
  FileArtifact,
  Resealing,
  SealedSecret,
  SealedSecretsInstall,
  SealedValue,
  SealingCertificate,
  SealingScope,
} from '../src';

const DEMO = path.join(__dirname, 'sealed-demo');

/** Options of {@link buildSealed}. */
export interface SealedExampleOptions {
  /** Where the previous synth output is (dist/ for `npm run example`). */
  readonly previousOutput: string;
}

export function build(ctx: ExampleContext): void {
  buildSealed(ctx, { previousOutput: path.resolve(__dirname, '..', 'dist') });
}

export function buildSealed(ctx: ExampleContext, options: SealedExampleOptions): void {
  // Seed 000: helm install sealed-secrets -n kube-system --set-string fullnameOverride=sealed-secrets-controller
  const install = new Chart(ctx.k8sApp, 'sealed-controller');
  const controller = new SealedSecretsInstall(install, 'SealedSecrets');
  // The kubeseal command for the same controller (name and namespace come from the install).
  new FileArtifact(install, 'FetchCert', {
    fileName: 'sealed-secrets/fetch-cert.sh',
    executable: true,
    content: [
      '#!/bin/sh',
      '# Saves the certificate of the Sealed Secrets controller installed by sealed-controller.k8s.yaml.',
      'set -eu',
      controller.fetchCertCommand('sealed-secrets-cert.pem'),
      '',
    ].join('\n'),
  });

  // The controller's certificate, as `kubeseal --fetch-cert` prints it, pinned to its fingerprint.
  // DEMO ONLY: a throwaway RSA-4096 certificate whose private key is public (examples/sealed-demo/README.md).
  const certificate = SealingCertificate.fromPemFile(path.join(DEMO, 'sealing-cert.pem'), {
    expectedFingerprint: '9C:22:C9:8B:87:BF:DC:D8:9A:C8:56:C7:E8:89:60:66:E7:0E:92:A6:C3:EE:E1:9E:23:99:2F:F1:6A:45:AD:B8',
  });
  // DEMO ONLY: a real reseal key never sits in the repository (see examples/sealed-demo/README.md).
  const resealing = Resealing.fromKeyFile(path.join(DEMO, 'reseal-key.DEMO-ONLY'), { previousOutput: options.previousOutput });

  const secrets = new Chart(ctx.k8sApp, 'sealed-secrets-demo');

  // Seed 000: kubectl create secret generic ss-postgres-secret --from-literal=... | kubeseal --cert ...
  new SealedSecret(secrets, 'PostgresSecret', {
    name: 'ss-postgres-secret',
    namespace: 'secrets-demo',
    certificate,
    resealing,
    values: {
      // The seed's --from-literal demo values. In real use: SealedValue.fromEnvironmentVariable('PG_PASSWORD') or fromFile(...).
      username: SealedValue.unsafePlainText('admin'),
      password: SealedValue.unsafePlainText('S3cr3tPassw0rd'),
    },
  });

  // Seed 001: app-secrets in production, sealed strict (the default). The seed shows it as an alternative to the
  // ExternalSecret of the same name (examples/eso.ts), and one cluster holds one producer per Secret, so this one is
  // app-secrets-sealed ...
  new SealedSecret(secrets, 'AppSecrets', {
    name: 'app-secrets-sealed',
    namespace: 'production',
    certificate,
    resealing,
    values: { password: SealedValue.unsafePlainText('supersecret') },
  });
  // ... namespace-wide (kubeseal --scope namespace-wide): may be renamed within production ...
  new SealedSecret(secrets, 'AppSecretsNamespaceWide', {
    name: 'app-secrets-namespace-wide',
    namespace: 'production',
    sealingScope: SealingScope.NAMESPACE_WIDE,
    certificate,
    resealing,
    values: { password: SealedValue.unsafePlainText('supersecret') },
  });
  // ... and cluster-wide (kubeseal --scope cluster-wide): may be renamed and moved to any namespace.
  new SealedSecret(secrets, 'AppSecretsClusterWide', {
    name: 'app-secrets-cluster-wide',
    namespace: 'production',
    sealingScope: SealingScope.CLUSTER_WIDE,
    certificate,
    resealing,
    values: { password: SealedValue.unsafePlainText('supersecret') },
  });

  // Seed 004: mysecret in default with dbuser / dbkey, read from files (bytes exactly, trailing newline included).
  new SealedSecret(secrets, 'MySecret', {
    name: 'mysecret',
    namespace: 'default',
    certificate,
    resealing,
    labels: { 'app.kubernetes.io/part-of': 'sealed-secrets-demo' },
    values: {
      dbuser: SealedValue.fromFile(path.join(DEMO, 'dbuser.txt')),
      dbkey: SealedValue.fromFile(path.join(DEMO, 'dbkey.txt')),
    },
  });
}
