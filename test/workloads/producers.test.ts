// The same workload code against every real producer of this library (not stand-ins): the derived volume,
// Reloader annotation or VSO restart, RBAC and IAM for each producer kind.
import { Template } from 'aws-cdk-lib/assertions';
import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AwsAuth, AwsCsiObject, AwsSecretProviderClass, ClusterTarget, ExternalSecret, IProducedSecret, KubernetesSecret, SealedSecret,
  SealedValue, SealingCertificate, SecretConsumer, SecretProducerKind, SecretsApp, SecretsManagerEntry, SecretStore, StoreProvider, VaultAuth,
  VaultAuthMethod, VaultConfiguration, VaultStaticSecret, WorkloadIdentity,
} from '../../src';
import { expectValid, upstreamPath } from '../harness';

function world() {
  const target = ClusterTarget.fromIssuerUrl(new SecretsApp(), 'platform', { account: '111122223333', region: 'eu-west-1' },
    'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE');
  const stack = target.stack;
  const k8sApp = target.k8sApp;
  const chart = new Chart(k8sApp, 'apps', { namespace: 'apps' });
  const entry = SecretsManagerEntry.fromSecretName(stack, 'Db', 'apps/db');

  const esoIdentity = new WorkloadIdentity(chart, 'EsoIdentity', { serviceAccountName: 'eso-reader' });
  const store = new SecretStore(chart, 'Store', { provider: StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.serviceAccount(esoIdentity) }) });
  const eso = new ExternalSecret(chart, 'Eso', { name: 'from-eso', store, data: [{ secretKey: 'password', secretsManagerEntry: entry, property: 'password' }] });

  const vault = new VaultConfiguration(chart, 'Vault');
  const role = vault.addKubernetesAuth('K8sAuth', { path: 'kubernetes' })
    .addRole('Role', { roleName: 'apps', audience: 'vault', ttl: Duration.hours(1), policies: [vault.addPolicy('Policy', { policyName: 'apps' })] });
  new kplus.ServiceAccount(chart, 'VaultSa', { metadata: { name: 'vault-reader' } });
  const vso = new VaultStaticSecret(chart, 'Vso', {
    vaultAuth: new VaultAuth(chart, 'VaultAuth', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'vault-reader' }) }),
    mount: vault.addKvMount('Kv', { path: 'kv' }),
    path: 'apps/db',
    destination: { name: 'from-vso', create: true },
  });

  const sealed = new SealedSecret(chart, 'Sealed', {
    name: 'from-sealed',
    certificate: SealingCertificate.fromPemFile(upstreamPath('sealed-secrets-vectors', 'example-cert.pem')),
    values: { password: SealedValue.unsafePlainText('producers-test-password') },
  });

  const csiIdentity = new WorkloadIdentity(chart, 'CsiIdentity', { serviceAccountName: 'app-csi' });
  const spc = new AwsSecretProviderClass(chart, 'Spc', {
    name: 'db',
    identity: csiIdentity,
    objects: [AwsCsiObject.fromEntry(entry, { objectAlias: 'db', jmesPath: [{ path: 'password', objectAlias: 'password' }] })],
  });
  const csi = spc.addSecretObject({ secretName: 'from-csi', data: [{ objectName: 'password', key: 'password' }] });

  const plain = KubernetesSecret.fromSecretName(chart, 'Plain', { name: 'from-kubernetes' });
  return { stack, k8sApp, chart, eso, vso, sealed, spc, csi, plain, csiIdentity };
}

/** The application: one Deployment shape; it mounts its Secret and reads it through the API too. */
function app(chart: Chart, name: string, secret: IProducedSecret, serviceAccount: kplus.IServiceAccount) {
  const d = new kplus.Deployment(chart, name, {
    metadata: { name },
    serviceAccount,
    automountServiceAccountToken: true,
    securityContext: { fsGroup: 2000 },
  });
  const c = d.addContainer({ name: 'app', image: 'ghcr.io/example/app:1.4.2' });
  const consumer = SecretConsumer.of(d);
  consumer.mount(c, secret, { path: '/etc/secrets/db' });
  consumer.readThroughApi(secret);
  return consumer;
}

describe('every producer kind, one workload shape', () => {
  const w = world();
  const sa = new kplus.ServiceAccount(w.chart, 'AppSa', { metadata: { name: 'app' } });
  const cases: Array<[string, IProducedSecret, SecretProducerKind]> = [
    ['from-eso', w.eso, SecretProducerKind.EXTERNAL_SECRETS],
    ['from-vso', w.vso, SecretProducerKind.VAULT_SECRETS_OPERATOR],
    ['from-sealed', w.sealed, SecretProducerKind.SEALED_SECRETS],
    ['from-csi', w.csi, SecretProducerKind.SECRETS_STORE_CSI],
    ['from-kubernetes', w.plain, SecretProducerKind.KUBERNETES],
  ];
  for (const [secretName, secret] of cases) {
    app(w.chart, `app-${secretName}`, secret, secretName === 'from-csi' ? w.csiIdentity.serviceAccount : sa);
  }
  const objects = w.chart.toJson();
  const byName = (kind: string, name: string) => objects.find((o: any) => o.kind === kind && o.metadata.name === name);

  test('the manifests pass the harness, with no plaintext', () => {
    expectValid(w.k8sApp);
    expect(JSON.stringify(objects)).not.toContain('producers-test-password');
  });

  test.each(cases)('%s: producer kind, read-only 0400 volume, restart wiring, Role get on that name only', (secretName, secret, kind) => {
    expect(secret.producerKind).toBe(kind);
    expect(secret.secretName).toBe(secretName);
    expect(secret.secretNamespace).toBe('apps');
    const d = byName('Deployment', `app-${secretName}`);
    const pod = d.spec.template.spec;
    expect(pod.volumes[0]).toEqual({ name: `secret-${secretName}`, secret: { secretName, defaultMode: 0o400 } });
    expect(pod.containers[0].volumeMounts[0]).toEqual({ name: `secret-${secretName}`, mountPath: '/etc/secrets/db', readOnly: true });
    expect(pod.containers[0].env).toBeUndefined();
    if (kind === SecretProducerKind.VAULT_SECRETS_OPERATOR) {
      expect(d.metadata.annotations).toBeUndefined();
      expect(objects.find((o: any) => o.kind === 'VaultStaticSecret').spec.rolloutRestartTargets).toEqual([{ kind: 'Deployment', name: 'app-from-vso' }]);
    } else {
      expect(d.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': secretName });
    }
    if (kind === SecretProducerKind.SECRETS_STORE_CSI) {
      // The synced Secret exists only while a pod mounts its class: the consumer mounts it too.
      expect(pod.volumes[1]).toEqual({ name: 'csi-db', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'db' } } });
      expect(pod.serviceAccountName).toBe('app-csi');
    } else {
      expect(pod.volumes).toHaveLength(1);
    }
    const roles = objects.filter((o: any) => o.kind === 'Role' && o.rules.some((r: any) => r.resourceNames.includes(secretName)));
    expect(roles).toHaveLength(1);
    expect(roles[0].metadata.namespace).toBe('apps');
    expect(roles[0].rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get'] }]);
    const bindings = objects.filter((o: any) => o.kind === 'RoleBinding' && o.roleRef.name === roles[0].metadata.name);
    expect(bindings).toHaveLength(1);
    expect(bindings[0].roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roles[0].metadata.name });
    expect(bindings[0].subjects).toEqual([{ kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: 'apps' }]);
  });

  test('no generated Role grants list, watch or * on anything', () => {
    const verbs = objects.filter((o: any) => o.kind === 'Role' || o.kind === 'ClusterRole').flatMap((r: any) => r.rules.flatMap((x: any) => x.verbs));
    expect([...new Set(verbs)]).toEqual(['get']);
  });

  test('IAM: the ESO store identity and the CSI pod identity read the entry on its exact ARN, nothing else', () => {
    const statements = Object.values(Template.fromStack(w.stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:apps/db-??????';
    expect(statements.map((s: any) => [s.Action, s.Resource]).sort()).toEqual([
      ['secretsmanager:DescribeSecret', arn],
      ['secretsmanager:GetSecretValue', arn],
      ['secretsmanager:GetSecretValue', arn],
    ]);
  });
});

test('reading a CSI-synced Secret through the API needs the class mounted in the pod', () => {
  const w = world();
  const d = new kplus.Deployment(w.chart, 'Reader', { serviceAccount: w.csiIdentity.serviceAccount, automountServiceAccountToken: true });
  const c = d.addContainer({ image: 'ghcr.io/example/app:1.4.2' });
  expect(() => SecretConsumer.of(d).readThroughApi(w.csi))
    .toThrow(/secret: is synced from SecretProviderClass "db", which this workload does not mount.*\(got "from-csi"\)/);
  SecretConsumer.of(d).mountSecretProviderClass(c, w.spc);
  SecretConsumer.of(d).readThroughApi(w.csi);
  expect(SecretConsumer.of(d).apiReadSecretNames).toEqual(['from-csi']);
});
