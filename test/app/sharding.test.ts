import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { AwsAuth, ClusterTarget, ExternalSecret, SecretsApp, SecretsManagerEntry, SecretStore, StoreProvider, SynthMode, WorkloadIdentity } from '../../src';

// Tenants' AWS resources spread over shard stacks by a committed placement file: adding and removing tenants between
// synths never moves a resource to another stack and never changes a logical id.

const ENV = { account: '111122223333', region: 'eu-west-1' };
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sharding-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Synthesizes the tenants; returns, per tenant, the stack and logical id of each of its AWS resources. */
function synth(tenants: string[], chartsPerStack = 4): Map<string, string[]> {
  const out = path.join(tmp, 'cdk.out');
  const app = new SecretsApp({ outdir: path.join(tmp, 'dist'), cloudAssemblyOutdir: out, mode: SynthMode.ALL, printWarnings: false });
  const target = new ClusterTarget(app, 'prod', {
    env: ENV, irsa: { issuerUrl: ISSUER }, sharding: { placementFile: path.join(tmp, 'placement.json'), chartsPerStack },
  });
  for (const t of tenants) {
    const chart = target.addChart(t, { namespace: t });
    const identity = new WorkloadIdentity(chart, 'Reader', { serviceAccountName: 'reader' });
    const entry = new SecretsManagerEntry(target.stackFor(chart), `${t}Db`, { secretName: `${t}/db`, generateKey: 'password' });
    const store = new SecretStore(chart, 'Store', { name: 'aws', provider: StoreProvider.awsSecretsManager({ region: ENV.region, auth: AwsAuth.serviceAccount(identity) }) });
    new ExternalSecret(chart, 'Db', { name: 'db', store, data: [{ secretKey: 'password', secretsManagerEntry: entry, property: 'password' }] });
  }
  app.synth();
  const placed = new Map<string, string[]>();
  for (const f of fs.readdirSync(out).filter((x) => x.endsWith('.template.json'))) {
    const stack = f.replace('.template.json', '');
    const template = JSON.parse(fs.readFileSync(path.join(out, f), 'utf8'));
    for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
      const tenant = tenants.find((t) => new RegExp(`^${t}(Db|Reader)`).test(id));
      if (!tenant || r.Type === 'AWS::CDK::Metadata') continue;
      placed.set(tenant, [...(placed.get(tenant) ?? []), `${stack}/${id}`].sort());
    }
  }
  return placed;
}

test('GIVEN ten tenants and 4 charts per stack WHEN synthesized THEN they fill prod-1, prod-2, prod-3 in order, and the file records it', () => {
  const tenants = Array.from({ length: 10 }, (_, i) => `t${i}`);
  const placed = synth(tenants);
  const stackOf = (t: string) => placed.get(t)![0].split('/')[0];
  expect(tenants.map(stackOf)).toEqual(['prod-1', 'prod-1', 'prod-1', 'prod-1', 'prod-2', 'prod-2', 'prod-2', 'prod-2', 'prod-3', 'prod-3']);
  // Each tenant's role, policy and entry sit together; no cross-stack reference is needed.
  expect(placed.get('t0')!.map((x) => x.replace(/[0-9A-F]{8}$/, ''))).toEqual(['prod-1/t0Db', 'prod-1/t0ReaderRole', 'prod-1/t0ReaderRoleDefaultPolicy']);
  // The target's own stack holds nothing here (the OIDC provider is imported), so it is left out of the assembly.
  expect(fs.readdirSync(path.join(tmp, 'cdk.out')).filter((f) => f.endsWith('.template.json')).sort())
    .toEqual(['prod-1.template.json', 'prod-2.template.json', 'prod-3.template.json']);
  const file = JSON.parse(fs.readFileSync(path.join(tmp, 'placement.json'), 'utf8'));
  expect(file).toEqual({ version: 1, charts: Object.fromEntries(tenants.map((t, i) => [t, i < 4 ? 1 : i < 8 ? 2 : 3])) });
  for (const f of fs.readdirSync(path.join(tmp, 'cdk.out')).filter((x) => x.endsWith('.template.json'))) {
    expect(fs.readFileSync(path.join(tmp, 'cdk.out', f), 'utf8')).not.toContain('Fn::ImportValue');
  }
});

test('GIVEN a second synth with tenants removed and added WHEN synthesized THEN no remaining resource changes stack or logical id', () => {
  const first = synth(Array.from({ length: 10 }, (_, i) => `t${i}`));
  const secondTenants = ['t0', 't1', 't3', 't4', 't5', 't6', 't7', 't8', 't9', 't10', 't11', 't12'];
  const second = synth(secondTenants);
  for (const t of secondTenants.filter((x) => first.has(x))) expect(second.get(t)).toEqual(first.get(t));
  // New tenants fill the open shard; the slot t2 left is counted until the file forgets t2 (after this synth).
  expect(['t10', 't11', 't12'].map((t) => second.get(t)![0].split('/')[0])).toEqual(['prod-3', 'prod-3', 'prod-4']);
  const third = synth([...secondTenants, 't13']);
  expect(third.get('t13')![0].split('/')[0]).toBe('prod-1');
  for (const t of secondTenants) expect(third.get(t)).toEqual(second.get(t));
});

test('GIVEN a lower chartsPerStack later WHEN synthesized THEN placed tenants stay; only new ones follow the new size', () => {
  const first = synth(['a', 'b', 'c'], 4);
  const second = synth(['a', 'b', 'c', 'd', 'e'], 1);
  for (const t of ['a', 'b', 'c']) expect(second.get(t)).toEqual(first.get(t));
  expect(['d', 'e'].map((t) => second.get(t)![0].split('/')[0])).toEqual(['prod-2', 'prod-3']);
});

test('GIVEN bad sharding input WHEN the target is created THEN it fails with the fix', () => {
  const app = new SecretsApp({ outdir: path.join(tmp, 'd'), printWarnings: false });
  const file = path.join(tmp, 'placement.json');
  expect(() => new ClusterTarget(app, 'a', { env: ENV, clusterName: 'a', sharding: { placementFile: file, chartsPerStack: 0 } }))
    .toThrow(/sharding\.chartsPerStack: must be a positive integer \(got 0\)/);
  fs.writeFileSync(file, '{"version": 2}');
  expect(() => new ClusterTarget(app, 'b', { env: ENV, clusterName: 'b', sharding: { placementFile: file } })).toThrow(/sharding\.placementFile: is not a placement file/);
  fs.writeFileSync(file, '{not json');
  expect(() => new ClusterTarget(app, 'c', { env: ENV, clusterName: 'c', sharding: { placementFile: file } })).toThrow(/sharding\.placementFile: cannot be read as JSON/);
  expect(() => new ClusterTarget(app, 'd', { clusterName: 'd', sharding: { placementFile: path.join(tmp, 'x.json') } })).toThrow(/\[d\] sharding: needs the target to own its stacks \(env, not stack\)/);
});

test('GIVEN a stack over CloudFormation\'s template size or output limits WHEN synthesized THEN synth fails pointing at sharding', () => {
  const build = (fill: (stack: cdk.Stack) => void) => {
    const app = new SecretsApp({ outdir: path.join(tmp, 'd'), cloudAssemblyOutdir: path.join(tmp, 'c'), mode: SynthMode.ALL, printWarnings: false });
    fill(new ClusterTarget(app, 'big', { env: ENV, clusterName: 'big' }).stack);
    return app;
  };
  expect(() => build((stack) => {
    for (let i = 0; i < 201; i++) new cdk.CfnOutput(stack, `O${i}`, { value: `v${i}` });
  }).synth()).toThrow(/\[big\] outputs: 201, over CloudFormation's 200\. Fix: spread the charts over more stacks: ClusterTarget sharding/);
  expect(() => build((stack) => {
    new cdk.CfnResource(stack, 'Huge', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x'.repeat(1_000_001) } });
  }).synth()).toThrow(/\[big\] template: \d+ bytes, over CloudFormation's 1000000/);
  expect(fs.existsSync(path.join(tmp, 'd'))).toBe(false);
});
