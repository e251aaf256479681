import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import YAML from 'yaml';
import { exampleContext } from '../../examples/context';
import { build } from '../../examples/workloads';
import { SynthMode } from '../../src';
import { validateObjects } from '../harness';

function synthExample() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'workloads-example-'));
  const ctx = exampleContext({ outdir: out, cloudAssemblyOutdir: path.join(out, 'cdk.out'), mode: SynthMode.ALL });
  build(ctx);
  const { files } = ctx.app.synth();
  const charts = new Map(ctx.k8sApp.charts.map((c) => [c.node.id, c.toJson()]));
  // The template as written into the cloud assembly (the in-memory assembly of the synth is gone with its staging folder).
  const template = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(out, 'cdk.out', `${ctx.stack.stackName}.template.json`), 'utf8')));
  return { out, files, charts, template };
}

describe('examples/workloads.ts', () => {
  const { files, charts, template, out } = synthExample();
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  const all = [...charts.values()].flat();
  const byName = (kind: string, name: string) => all.find((o) => o.kind === kind && o.metadata.name === name);

  test('every manifest passes the harness', () => {
    expect(validateObjects(all)).toEqual([]);
  });

  test('seed 000: reloader-demo mounts ext-postgres-secret, annotated on the Deployment', () => {
    const d = byName('Deployment', 'reloader-demo');
    expect(d.metadata.namespace).toBe('secrets-demo');
    expect(d.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'ext-postgres-secret' });
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'secret-ext-postgres-secret', secret: { secretName: 'ext-postgres-secret', defaultMode: 0o400 } }]);
  });

  test('seed 001: CSI class, pod volume, IRSA grants on the exact ARN', () => {
    expect(byName('SecretProviderClass', 'aws-secrets').spec.secretObjects[0].secretName).toBe('db-credentials');
    const app = byName('Deployment', 'app');
    expect(app.spec.template.spec.serviceAccountName).toBe('app');
    expect(app.metadata.annotations['secretproviderclass.reloader.stakater.com/reload']).toBe('aws-secrets');
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/myapp/database-??????',
    });
    expect(statements.every((s: any) => s.Resource !== '*')).toBe(true);
    const binding = all.find((o) => o.kind === 'RoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'app', namespace: 'production' }]);
    const role = byName('Role', binding.roleRef.name);
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['app-secrets'], verbs: ['get'] }]);
    expect(app.spec.template.spec.automountServiceAccountToken).toBe(true);
    const api = byName('Deployment', 'api');
    expect(api.metadata.annotations).toEqual({ 'reloader.stakater.com/auto': 'true' });
    expect(api.spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'app-secrets' } }]);
  });

  test('one Deployment shape for every backend; only the restart wiring and the CSI pod identity differ', () => {
    const specs = ['app-eso', 'app-vso', 'app-sealed', 'app-csi'].map((n) => byName('Deployment', n));
    const mounts = specs.map((d) => d.spec.template.spec.containers[0].volumeMounts[0]);
    expect(mounts.map((m) => m.mountPath)).toEqual(['/etc/secrets/db', '/etc/secrets/db', '/etc/secrets/db', '/etc/secrets/db']);
    expect(specs.map((d) => d.spec.template.spec.containers[0].env)).toEqual(Array(4).fill([{ name: 'DB_CREDENTIALS_DIR', value: '/etc/secrets/db' }]));
    expect(specs.map((d) => d.metadata.annotations)).toEqual([
      { 'secret.reloader.stakater.com/reload': 'db-from-eso' },
      undefined,
      { 'secret.reloader.stakater.com/reload': 'db-from-sealed' },
      { 'secret.reloader.stakater.com/reload': 'db-from-csi' },
    ]);
    expect(byName('VaultStaticSecret', 'db-from-vso').spec.rolloutRestartTargets).toEqual([{ kind: 'Deployment', name: 'app-vso' }]);
  });

  test('what each backend needs besides the Deployment is derived: ESO store IAM, VSO Vault policy, CSI pod IAM', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const db = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/backends/db-??????';
    // ESO: the store identity reads the entry (GetSecretValue only); CSI: the pod identity also describes it.
    expect(statements.filter((x: any) => x.Resource === db).map((x: any) => x.Action).sort()).toEqual([
      'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue',
    ]);
    const hcl = fs.readFileSync(path.join(out, 'workloads/vault/policies/backends-demo.hcl'), 'utf8');
    expect(hcl).toContain('path "apps/data/backends/db" {\n  capabilities = ["read"]\n}');
    expect(byName('SecretProviderClass', 'db').spec.parameters.region).toBe('eu-west-1');
    expect(byName('Deployment', 'app-csi').spec.template.spec.serviceAccountName).toBe('app-csi');
    expect(byName('Deployment', 'app-csi').spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['secret-db-from-csi', 'csi-db']);
  });

  test('seed 004: the encryption configurations are written as artifacts', () => {
    expect(files).toEqual(expect.arrayContaining(['encryption/secretbox-encryption-config.DEMO-ONLY.yaml', 'encryption/kms-encryption-config.yaml']));
    const kmsDoc = YAML.parse(fs.readFileSync(path.join(out, 'encryption/kms-encryption-config.yaml'), 'utf8'));
    expect(kmsDoc.resources[0].providers[0]).toEqual({ kms: { apiVersion: 'v2', name: 'myKmsPlugin', endpoint: 'unix:///tmp/socketfile.sock', timeout: '3s' } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('no plaintext from the sealed backend in any manifest', () => {
    expect(JSON.stringify(all)).not.toContain('demo-only-password');
  });
});
