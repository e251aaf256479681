import * as fs from 'fs';
import { cfnLint, synthAndRead, tempApp } from './util';
import { build as seed001 } from '../../examples/platform/seed-001';
import { build as seed002 } from '../../examples/platform/seed-002';
import { build as seed003 } from '../../examples/platform/seed-003';
import { build as seed004 } from '../../examples/platform/seed-004';
import { SecretsApp } from '../../src';
import { defaultedFields, validateObjects } from '../harness';

describe.each([
  ['seed-001', seed001],
  ['seed-002', seed002],
  ['seed-003', seed003],
  ['seed-004', seed004],
] as Array<[string, (app: SecretsApp) => unknown]>)('examples/platform/%s.ts', (name, build) => {
  const app = tempApp(`platform-${name}`);
  build(app);
  const out = synthAndRead(app);
  afterAll(() => fs.rmSync(out.dir, { recursive: true, force: true }));

  test('every manifest passes the schema harness, with no field left to API-server defaulting', () => {
    expect(out.objects.length).toBeGreaterThan(0);
    expect(validateObjects(out.objects)).toEqual([]);
    expect(defaultedFields(out.objects)).toEqual([]);
  });

  test('no plaintext Secret data and no unresolved token in any manifest', () => {
    expect(out.objects.filter((o) => o.kind === 'Secret' && (o.data || o.stringData))).toEqual([]);
    expect(JSON.stringify(out.objects)).not.toContain('${Token[');
  });

  test('the posture checks find nothing but the seed\'s own environment-variable opt-in', () => {
    expect(out.findings).toEqual(name === 'seed-001'
      ? ['secret-in-env: container app reads secrets from environment variables: DB_PASSWORD (secret db-credentials). Mount them as a read-only volume instead']
      : []);
  });

  test('every CloudFormation template passes cfn-lint', () => {
    expect(cfnLint(app.cloudAssemblyOutdir)).toEqual([]);
  }, 120_000);

  test('no IAM statement reads secrets on Resource "*"', () => {
    for (const t of out.templates.values()) {
      for (const r of Object.values<any>(t.Resources ?? {})) {
        if (r.Type !== 'AWS::IAM::Policy') continue;
        for (const s of r.Properties.PolicyDocument.Statement) {
          const actions = [s.Action].flat();
          if (actions.some((a: string) => /^(secretsmanager|ssm):Get/.test(a))) expect([s.Resource].flat()).not.toContain('*');
        }
      }
    }
  });
});

describe('what the platform examples derive', () => {
  test('seed 002: the project role reads exactly the project secret through the project store', () => {
    const app = tempApp('platform-seed-002-detail');
    seed002(app);
    const out = synthAndRead(app);
    const store = out.objects.find((o) => o.kind === 'SecretStore');
    expect(store.metadata).toEqual({ name: 'secretstore-example', namespace: 'example' });
    expect(store.spec.provider.aws.auth).toEqual({ jwt: { serviceAccountRef: { name: 'example-eso' } } });
    const ns = out.objects.find((o) => o.kind === 'Namespace');
    expect(ns.metadata).toEqual({ name: 'example', labels: { Cluster: 'demo' } });
    const deployment = out.objects.find((o) => o.kind === 'Deployment');
    expect(deployment.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'example-secret' });
    const policies = Object.values<any>(out.templates.get('demo')!.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([{
      Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:example-??????',
    }]);
    fs.rmSync(out.dir, { recursive: true, force: true });
  });

  test('seed 003: each cluster has its own platform, roles and Vault configuration', () => {
    const app = tempApp('platform-seed-003-detail');
    seed003(app);
    const out = synthAndRead(app);
    expect([...out.files.keys()].filter((f) => f.endsWith('.json') && f.includes('/roles/')).sort()).toEqual([
      'prod-euw1/vault/roles/kubernetes/my-app-agent.json',
      'prod-euw1/vault/roles/kubernetes/my-app.json',
      'prod-use1/vault/roles/kubernetes/my-app-agent.json',
      'prod-use1/vault/roles/kubernetes/my-app.json',
    ]);
    expect([...out.templates.keys()].sort()).toEqual(['prod-euw1', 'prod-use1']);
    // Dynamic database credentials: the tenant's policy reads database/creds/my-role, VSO syncs them, the worker mounts them.
    for (const cluster of ['prod-euw1', 'prod-use1']) {
      expect(out.files.get(`${cluster}/vault/policies/my-app.hcl`)).toContain('path "database/creds/my-role" {\n  capabilities = ["read"]\n}');
      expect(out.files.get(`${cluster}/vault/vault-config.sh`)).toContain('POSTGRES_ROOT_PASSWORD');
    }
    const dynamic = out.objects.filter((o) => o.kind === 'VaultDynamicSecret');
    expect(dynamic.map((o) => [o.metadata.namespace, o.spec.mount, o.spec.path, o.spec.vaultAuthRef])).toEqual([
      ['my-app', 'database', 'creds/my-role', 'vault-auth'], ['my-app', 'database', 'creds/my-role', 'vault-auth'],
    ]);
    fs.rmSync(out.dir, { recursive: true, force: true });
  });
});
