import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Duration } from 'cdk8s';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import YAML from 'yaml';
import {
  AwsAuth, CanonicalFormResolver, ClusterTarget, DataFrom, ExternalSecret, ExternalSecretsOperatorInstall, FileArtifact, IdentityMode, SecretsApp,
  SecretsAppProps, SecretsManagerEntry, SealedSecret, SealedValue, SealingCertificate, SecretsChecks, SecretsSuppressions, SecretStore,
  StoreProvider, SynthMode, WorkloadIdentity,
} from '../../src';
import { upstreamPath } from '../harness';
import { testApp } from './util';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-app-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function newApp(props: SecretsAppProps = {}) {
  const app = testApp(tmp, props);
  const target = new ClusterTarget(app, 'prod', { env: ENV, irsa: { issuerUrl: ISSUER }, clusterName: 'prod' });
  return { app, target };
}

/** A namespace with an identity, a Secrets Manager entry, a store and an ExternalSecret. */
function shop(target: ClusterTarget, ns = 'shop') {
  const chart = target.addChart(ns, { namespace: ns });
  const entry = new SecretsManagerEntry(target.stack, `${ns}Db`, { secretName: `${ns}/db`, generateKey: 'password' });
  const identity = new WorkloadIdentity(chart, 'Eso', { serviceAccountName: `${ns}-eso` });
  const store = new SecretStore(chart, 'Store', {
    name: 'aws', provider: StoreProvider.awsSecretsManager({ region: target.region, auth: AwsAuth.serviceAccount(identity) }),
  });
  new ExternalSecret(chart, 'Db', { name: 'db', store, refreshInterval: Duration.hours(1), data: [{ secretKey: 'password', secretsManagerEntry: entry, property: 'password' }] });
  return { chart, entry, identity, store };
}

/** Every file under a folder with its content, or undefined when the folder is absent. */
function snapshot(dir: string): { [file: string]: string } | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const out: { [file: string]: string } = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Builds the same charts into a target and into a plain cdk8s App; the files must be identical. Returns cdk8s's. */
function expectSameAsCdk8s(build: (scope: Construct) => void): { [file: string]: string } {
  const { app, target } = newApp({ mode: SynthMode.KUBERNETES });
  build(target.k8sApp);
  const result = app.synth();
  const plain = new cdk8s.App({ outdir: path.join(tmp, 'plain'), resolvers: [new CanonicalFormResolver()] });
  build(plain);
  plain.synth();
  const expected = snapshot(path.join(tmp, 'plain'))!;
  expect(result.files.map((f) => path.basename(f)).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, content] of Object.entries(expected)) {
    expect(fs.readFileSync(path.join(tmp, 'dist', 'prod', name), 'utf8')).toBe(content);
  }
  return expected;
}

function withEnv<T>(vars: { [k: string]: string | undefined }, fn: () => T): T {
  const saved: { [k: string]: string | undefined } = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('SecretsApp.synth', () => {
  test('GIVEN one target WHEN synthesized THEN manifests go to <outdir>/<target>/, the cloud assembly to cdk.out', () => {
    const { app, target } = newApp();
    shop(target);
    const result = app.synth();
    expect(result.mode).toBe(SynthMode.ALL);
    expect(result.files).toEqual(['prod/shop.k8s.yaml']);
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(tmp, 'dist', 'prod', 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/shop-eso', 'SecretStore/aws', 'ExternalSecret/db']);
    expect(objects[0].metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/prod-shop-shop-eso');
    const template = JSON.parse(fs.readFileSync(path.join(tmp, 'cdk.out', 'prod.template.json'), 'utf8'));
    // aws-cdk-lib's assertions still read the synthesized stack after synth.
    expect(Template.fromStack(target.stack).toJSON()).toEqual(template);
    const roles = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Role') as any[];
    expect(roles.map((r) => r.Properties.RoleName)).toEqual(['prod-shop-shop-eso']);
    expect(roles[0].Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals).toEqual({
      'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com',
      'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': 'system:serviceaccount:shop:shop-eso',
    });
  });

  test('GIVEN the same charts WHEN synthesized by the app and by cdk8s App.synth THEN the manifests are byte-identical', () => {
    const build = (scope: Construct) => {
      const chart = new cdk8s.Chart(scope, 'web', { namespace: 'web' });
      const cm = new kplus.ConfigMap(chart, 'Config', { data: { a: '1' } });
      const dep = new kplus.Deployment(chart, 'Web', { containers: [{ image: 'nginx', securityContext: { ensureNonRoot: false } }] });
      dep.node.addDependency(cm);
      new cdk8s.Chart(scope, 'other').node.addDependency(chart);
    };
    const { app, target } = newApp();
    build(target.k8sApp);
    new WorkloadIdentity(target.addChart('ids', { namespace: 'ids' }), 'Id', { serviceAccountName: 'x' });
    const result = app.synth();

    // The target writes workload fields in canonical form (CanonicalFormResolver); so does this plain app.
    const plain = new cdk8s.App({ outdir: path.join(tmp, 'plain'), resolvers: [new CanonicalFormResolver()] });
    build(plain);
    new kplus.ServiceAccount(new cdk8s.Chart(plain, 'ids', { namespace: 'ids' }), 'x', {
      metadata: { name: 'x', namespace: 'ids', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/prod-ids-x' } },
      automountToken: false,
    });
    plain.synth();
    const expected = snapshot(path.join(tmp, 'plain'))!;
    expect(Object.keys(expected).sort()).toEqual(result.files.map((f) => path.basename(f)).sort());
    for (const [name, content] of Object.entries(expected)) {
      expect(fs.readFileSync(path.join(tmp, 'dist', 'prod', name), 'utf8')).toBe(content);
    }
  });

  test('GIVEN objects depending on each other in several orders and numeric chart ids WHEN synthesized THEN objects and files are in cdk8s App.synth order', () => {
    const build = (scope: Construct) => {
      // Ids "7" and "12" are array-index keys (listed first, in numeric order, where cdk8s orders its graph roots).
      for (const id of ['zeta', '7', 'alpha', '12']) {
        const chart = new cdk8s.Chart(scope, id, { namespace: 'ns' });
        const objs = ['e', 'd', 'c', 'b', 'a', '3', '1'].map((n) => new cdk8s.ApiObject(chart, n, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-${n}` } }));
        const group = new Construct(chart, 'group');
        const nested = new cdk8s.ApiObject(group, 'nested', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-nested` } });
        objs[0].node.addDependency(objs[3]);
        objs[0].node.addDependency(objs[2]);
        objs[2].node.addDependency(group);
        objs[3].node.addDependency(objs[2]);
        objs[6].node.addDependency(objs[5]);
        nested.node.addDependency(objs[4]);
      }
    };
    const expected = expectSameAsCdk8s(build);
    // The order is not the construct order: dependencies (including one on a plain construct, which cdk8s extends to
    // the objects under it) moved objects ahead of their dependants.
    expect(YAML.parseAllDocuments(expected['zeta.k8s.yaml']).map((d) => d.toJSON().metadata.name)).toEqual(
      ['zeta-3', 'zeta-1', 'zeta-a', 'zeta-nested', 'zeta-c', 'zeta-b', 'zeta-e', 'zeta-d'],
    );
  });

  test('GIVEN numeric chart and object ids and no dependencies WHEN synthesized THEN objects and files are in cdk8s App.synth order', () => {
    const build = (scope: Construct) => {
      for (const id of ['zeta', '7', 'alpha', '12', '01', '4294967295']) {
        const chart = new cdk8s.Chart(scope, id, { namespace: 'ns' });
        for (const n of ['e', '3', 'a', '1', '10', 'b']) new cdk8s.ApiObject(chart, n, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${id}-${n}` } });
        new cdk8s.ApiObject(new Construct(chart, '2'), 'nested', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${id}-nested` } });
      }
    };
    const expected = expectSameAsCdk8s(build);
    // Child ids that are array indexes come first (constructs keeps children in a plain object), then creation order.
    expect(YAML.parseAllDocuments(expected['7.k8s.yaml']).map((d) => d.toJSON().metadata.name)).toEqual(
      ['c7-1', 'c7-nested', 'c7-3', 'c7-10', 'c7-e', 'c7-a', 'c7-b'],
    );
  });

  test('GIVEN a dependency on an object of another target WHEN synthesized THEN the charts are in the order cdk8s\'s graph gives (vertices found by path)', () => {
    const app = testApp(tmp, { mode: SynthMode.KUBERNETES });
    const a = new ClusterTarget(app, 'a', {});
    const b = new ClusterTarget(app, 'b', {});
    const cm = (chart: cdk8s.Chart, name: string) => new cdk8s.ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    const ax = cm(a.addChart('x'), 'ax');
    cm(a.addChart('y'), 'ay');
    const by = cm(b.addChart('y'), 'by');
    ax.node.addDependency(by);
    const result = app.synth();
    // cdk8s keys its graph by path: a/x's dependency (path y/cm in target b) is found as target a's y/cm.
    const graph = new cdk8s.DependencyGraph(a.k8sApp.node).topology().filter((c) => c instanceof cdk8s.Chart).map((c) => c.node.id);
    expect(graph).toEqual(['y', 'x']);
    expect(result.files.filter((f) => f.startsWith('a')).sort()).toEqual(['a/0000-y.k8s.yaml', 'a/0001-x.k8s.yaml']);
  });

  test('GIVEN hundreds of charts whose children are named after them WHEN synthesized THEN their child tables are compacted and the files are cdk8s App.synth\'s', () => {
    // Over 256 distinct first child ids (one per chart): the app moves the charts' child tables out of V8's
    // transition table of `{}` (src/core/child-tables.ts). Order-sensitive content: array-index ids, dependencies.
    const build = (scope: Construct) => {
      const charts: cdk8s.Chart[] = [];
      for (let i = 0; i < 300; i++) {
        const chart = new cdk8s.Chart(scope, `team-${i}`, { namespace: `team-${i}`, labels: { team: `t${i}` } });
        const objs = [`cm-${i}`, '2', `secret-${i}`, '1'].map((n) => new cdk8s.ApiObject(chart, n, {
          apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${i}-${n}` }, data: { [`key-${i}`]: `value ${n}` },
        }));
        objs[0].node.addDependency(objs[2]);
        charts.push(chart);
      }
      charts[299].node.addDependency(charts[0]);
      return charts;
    };
    const { app, target } = newApp({ mode: SynthMode.KUBERNETES });
    const charts = build(target.k8sApp);
    const tables = charts.map((c) => (c.node as any)._children);
    const result = app.synth();
    expect(charts.filter((c, i) => (c.node as any)._children !== tables[i]).length).toBeGreaterThan(100);

    const plain = new cdk8s.App({ outdir: path.join(tmp, 'plain'), resolvers: [new CanonicalFormResolver()] });
    build(plain);
    plain.synth();
    const expected = snapshot(path.join(tmp, 'plain'))!;
    expect(Object.keys(expected)).toHaveLength(300);
    expect(result.files.map((f) => path.basename(f)).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, content] of Object.entries(expected)) {
      expect(fs.readFileSync(path.join(tmp, 'dist', 'prod', name), 'utf8')).toBe(content);
    }
    // A chart depends on another, so the files are numbered in cdk8s's order: the charts nothing depends on, in
    // order, each after what it depends on (team-0 moves from first to just before team-299).
    expect(Object.keys(expected).filter((f) => /-team-(0|1|7|299)\.k8s\.yaml$/.test(f)).sort())
      .toEqual(['0000-team-1.k8s.yaml', '0006-team-7.k8s.yaml', '0298-team-0.k8s.yaml', '0299-team-299.k8s.yaml']);
    // In a chart: array-index ids first, in numeric order, then the others in creation order; an object after what it depends on.
    expect(YAML.parseAllDocuments(expected['0006-team-7.k8s.yaml']).map((d) => d.toJSON().metadata.name)).toEqual(['7-1', '7-2', '7-secret-7', '7-cm-7']);
  });

  test('GIVEN a dependency cycle inside a chart WHEN synthesized THEN cdk8s\'s cycle error is raised', () => {
    for (const dependant of [false, true]) {
      const { app, target } = newApp({ mode: SynthMode.KUBERNETES });
      const chart = target.addChart('web');
      const a = new cdk8s.ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
      const b = new cdk8s.ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
      a.node.addDependency(b);
      b.node.addDependency(a);
      // With a dependant, the cycle is reached from a root of the graph; without, no root reaches it.
      if (dependant) new cdk8s.ApiObject(chart, 'c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }).node.addDependency(a);
      expect(() => app.synth()).toThrow(/^Dependency cycle detected: web\/a => web\/b => web\/a$/);
    }
  });

  test('GIVEN a cdk8s-plus Deployment WHEN synthesized THEN its quantities are in the API server\'s canonical form, unless turned off', () => {
    const memoryOf = (canonicalForm?: boolean) => {
      const app = new SecretsApp({ outdir: path.join(tmp, `d${canonicalForm}`), mode: SynthMode.KUBERNETES, printWarnings: false });
      const target = new ClusterTarget(app, 'c', { canonicalForm });
      new kplus.Deployment(target.addChart('web'), 'Web', { containers: [{ image: 'nginx', resources: { memory: { request: cdk8s.Size.mebibytes(2048) } } }] });
      app.synth();
      const dep = YAML.parse(fs.readFileSync(path.join(tmp, `d${canonicalForm}`, 'c', 'web.k8s.yaml'), 'utf8'));
      return [dep.spec.template.spec.containers[0].resources.requests.memory, dep.spec.minReadySeconds];
    };
    expect(memoryOf()).toEqual(['2Gi', undefined]);
    expect(memoryOf(false)).toEqual(['2048Mi', 0]);
  });

  test('GIVEN SynthMode.KUBERNETES WHEN synthesized THEN no AWS resource is built, no cloud assembly written, and the manifests are the same', () => {
    const { app, target } = newApp({ mode: SynthMode.KUBERNETES });
    const { identity } = shop(target);
    const result = app.synth();
    expect(result.cloudAssemblyOutdir).toBeUndefined();
    expect(fs.existsSync(path.join(tmp, 'cdk.out'))).toBe(false);
    // The role is a reference by its computed ARN; grants added nothing.
    expect(identity.roleArn).toBe('arn:aws:iam::111122223333:role/prod-shop-shop-eso');
    expect(target.stack.node.findAll().filter((c) => c instanceof iam.CfnRole || c instanceof iam.CfnPolicy)).toEqual([]);
    const k8sOnly = fs.readFileSync(path.join(tmp, 'dist', 'prod', 'shop.k8s.yaml'), 'utf8');

    fs.rmSync(path.join(tmp, 'dist'), { recursive: true });
    const both = newApp({ mode: SynthMode.ALL });
    shop(both.target);
    both.app.synth();
    expect(fs.readFileSync(path.join(tmp, 'dist', 'prod', 'shop.k8s.yaml'), 'utf8')).toBe(k8sOnly);
    expect(both.target.stack.node.findAll().filter((c) => c instanceof iam.CfnRole).length).toBe(1);
  });

  test('GIVEN a Kubernetes-only program WHEN synthesized THEN the CDK app is never created; a target with an env creates it', () => {
    const spy = jest.spyOn(cdk.App.prototype, 'synth');
    const app = testApp(tmp, { mode: SynthMode.KUBERNETES });
    const target = new ClusterTarget(app, 'k8s', {});
    const chart = target.addChart('shop', { namespace: 'shop' });
    // A store whose controller identity is unknown: in a Kubernetes-only synth no IAM is derived, so it neither
    // grants nor warns (and needs no CDK app); with the AWS side built it warns that permissions are not derived.
    const store = new SecretStore(chart, 'Store', {
      namespace: 'shop',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.controllerIdentity() }),
    });
    new ExternalSecret(chart, 'Es', { namespace: 'shop', store, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    app.synth();
    expect(app.node.findAll().some((c) => c instanceof cdk.App)).toBe(false);
    expect((app as unknown as { _awsApp?: cdk.App })._awsApp).toBeUndefined();
    expect(store.node.metadata.filter((m) => m.type === 'aws:cdk:warning')).toEqual([]);
    expect(spy).not.toHaveBeenCalled();

    const both = testApp(path.join(tmp, 'both'), { mode: SynthMode.ALL });
    const t2 = new ClusterTarget(both, 'prod', { env: ENV, irsa: { issuerUrl: ISSUER }, clusterName: 'prod' });
    expect((both as unknown as { _awsApp?: cdk.App })._awsApp).toBe(both.awsApp);
    expect(t2.stack.node.scope).toBe(both.awsApp);
    const c2 = t2.addChart('shop', { namespace: 'shop' });
    const s2 = new SecretStore(c2, 'Store', {
      namespace: 'shop',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.controllerIdentity() }),
    });
    new ExternalSecret(c2, 'Es', { namespace: 'shop', store: s2, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    expect(s2.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)).join('\n'))
      .toMatch(/IAM permissions for its ExternalSecrets are not derived/);
    both.synth();
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  test('GIVEN a Kubernetes-only program WHEN a read cannot be derived THEN it fails as with the AWS side (only the grant itself is left out)', () => {
    const { target } = newApp({ mode: SynthMode.KUBERNETES });
    const { chart, store } = shop(target);
    expect(() => new ExternalSecret(chart, 'Found', { name: 'found', store, dataFrom: [DataFrom.find({ tags: { team: 'a' } })] }))
      .toThrow(/dataFrom\.find: finds secrets by name or tags without a path/);
    expect(target.stack.node.findAll().filter((c) => c instanceof iam.CfnPolicy)).toEqual([]);
  });

  test('GIVEN SynthMode.AWS WHEN synthesized THEN only the cloud assembly is written', () => {
    const { app, target } = newApp({ mode: SynthMode.AWS });
    shop(target);
    const result = app.synth();
    expect(result.outdir).toBeUndefined();
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'cdk.out', 'prod.template.json'))).toBe(true);
  });

  test('GIVEN a SealedSecret whose input is unset WHEN synthesized for AWS only THEN the input is not read; for Kubernetes it fails naming it', () => {
    const build = (mode: SynthMode) => {
      const { app, target } = newApp({ mode });
      shop(target);
      new SealedSecret(target.addChart('sealed', { namespace: 'apps' }), 'Token', {
        name: 'token',
        certificate: SealingCertificate.fromPemFile(upstreamPath('sealed-secrets-vectors', 'example-cert.pem')),
        values: { token: SealedValue.fromEnvironmentVariable('APP_TEST_UNSET_TOKEN') },
      });
      return app;
    };
    withEnv({ APP_TEST_UNSET_TOKEN: undefined }, () => {
      expect(() => build(SynthMode.AWS).synth()).not.toThrow();
      expect(fs.existsSync(path.join(tmp, 'cdk.out', 'prod.template.json'))).toBe(true);
      fs.rmSync(path.join(tmp, 'cdk.out'), { recursive: true });
      expect(() => build(SynthMode.KUBERNETES).synth())
        .toThrow(/\[prod\/sealed\/Token\] values\.token: is a SealedValue\.fromEnvironmentVariable whose environment variable is not set \(got "APP_TEST_UNSET_TOKEN"\)/);
      expect(fs.readdirSync(tmp)).toEqual([]);
    });
  });

  test('GIVEN the CLIs\' variables WHEN the mode is AUTO THEN CDK_OUTDIR means AWS, CDK8S_OUTDIR means Kubernetes, neither means both', () => {
    const modeWith = (vars: { [k: string]: string | undefined }) => withEnv(vars, () => newApp({ mode: SynthMode.AUTO }).app.effectiveMode);
    expect(modeWith({ CDK_OUTDIR: path.join(tmp, 'x'), CDK8S_OUTDIR: undefined })).toBe(SynthMode.AWS);
    expect(modeWith({ CDK_OUTDIR: undefined, CDK8S_OUTDIR: path.join(tmp, 'y') })).toBe(SynthMode.KUBERNETES);
    expect(modeWith({ CDK_OUTDIR: undefined, CDK8S_OUTDIR: undefined })).toBe(SynthMode.ALL);
    const app = withEnv({ CDK_OUTDIR: path.join(tmp, 'from-cli'), CDK8S_OUTDIR: path.join(tmp, 'k8s-cli') }, () => new SecretsApp({ cloudAssemblyOutdir: 'ignored' }));
    expect(app.cloudAssemblyOutdir).toBe(path.join(tmp, 'from-cli'));
    expect(app.outdir).toBe(path.join(tmp, 'k8s-cli'));
  });

  test('GIVEN AWS mode under the CDK CLI WHEN synthesized THEN the assembly is copied into the folder the CLI made, keeping its lock files', () => {
    const cliOut = path.join(tmp, 'cli-out');
    fs.mkdirSync(cliOut);
    fs.writeFileSync(path.join(cliOut, 'read.123.lock'), '');
    withEnv({ CDK_OUTDIR: cliOut, CDK8S_OUTDIR: undefined }, () => {
      const { app, target } = newApp({ mode: SynthMode.AUTO });
      shop(target);
      app.synth();
    });
    expect(fs.existsSync(path.join(cliOut, 'read.123.lock'))).toBe(true);
    expect(fs.existsSync(path.join(cliOut, 'prod.template.json'))).toBe(true);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('GIVEN a second synth WHEN run THEN the outdir is replaced as a whole (no stale files) and the output is identical', () => {
    const { app, target } = newApp();
    shop(target);
    app.synth();
    const first = snapshot(path.join(tmp, 'dist'));
    fs.writeFileSync(path.join(tmp, 'dist', 'stale.k8s.yaml'), 'kind: Stale\n');
    app.synth();
    expect(snapshot(path.join(tmp, 'dist'))).toEqual(first);
  });
});

describe('SecretsApp.synth writes nothing when anything fails', () => {
  function prepared() {
    const { app, target } = newApp();
    const parts = shop(target);
    // Output of an earlier, good synth: must survive every failure below untouched.
    fs.mkdirSync(path.join(tmp, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'dist', 'previous.k8s.yaml'), 'kind: Previous\n');
    fs.mkdirSync(path.join(tmp, 'cdk.out'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'cdk.out', 'previous.template.json'), '{}');
    const before = { dist: snapshot(path.join(tmp, 'dist')), out: snapshot(path.join(tmp, 'cdk.out')) };
    const unchanged = () => {
      expect(snapshot(path.join(tmp, 'dist'))).toEqual(before.dist);
      expect(snapshot(path.join(tmp, 'cdk.out'))).toEqual(before.out);
      expect(fs.readdirSync(tmp).sort()).toEqual(['cdk.out', 'dist']);
    };
    return { app, target, ...parts, unchanged };
  }

  test('GIVEN a CDK token in an annotation of a plain cdk8s-plus object WHEN synthesized THEN synth fails naming the object and field', () => {
    const { app, chart, identity, unchanged } = prepared();
    const cm = new kplus.ConfigMap(chart, 'Leak', { metadata: { name: 'leak' } });
    cm.metadata.addAnnotation('role', identity.role.roleArn);
    expect(() => app.synth()).toThrow(/\[prod\/shop\/Leak\/Resource\] metadata\.annotations\.role: is an unresolved CDK token/);
    unchanged();
  });

  test('GIVEN tokens inside lists and as a map key WHEN synthesized THEN each is reported with its field path', () => {
    const { app, chart, identity, unchanged } = prepared();
    new cdk8s.ApiObject(chart, 'Listed', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'listed' },
      data: { plain: 'x' },
      rules: [{ verbs: ['get'] }, { verbs: ['get', identity.role.roleArn] }],
      [identity.role.roleName]: 'value',
    });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[prod\/shop\/Listed\] rules\[1\]\.verbs\[1\]: is an unresolved CDK token/);
    expect(message).toMatch(/\[prod\/shop\/Listed\] \$\{Token\[[^\]]+\]\}: a map key is an unresolved CDK token/);
    expect(message).not.toMatch(/data\.plain/);
    unchanged();
  });

  test('GIVEN a token in a data value and a token number WHEN synthesized THEN both are reported', () => {
    const { app, chart, identity, unchanged } = prepared();
    new cdk8s.ApiObject(chart, 'Raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raw' }, data: { arn: identity.role.roleArn, n: cdk.Token.asNumber(identity.role.roleArn) as any } });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[prod\/shop\/Raw\] data\.arn: is an unresolved CDK token/);
    expect(message).toMatch(/\[prod\/shop\/Raw\] data\.n: is an unresolved CDK token/);
    unchanged();
  });

  test('GIVEN a construct validation error in the Kubernetes app WHEN synthesized THEN nothing is written', () => {
    const { app, chart, unchanged } = prepared();
    new Construct(chart, 'Broken').node.addValidation({ validate: () => ['always broken'] });
    expect(() => app.synth()).toThrow(/Validation failed:\n {2}\[prod\/shop\/Broken\] always broken/);
    unchanged();
  });

  test('GIVEN a validation error in the AWS app WHEN synthesized THEN nothing is written', () => {
    const { app, target, unchanged } = prepared();
    new Construct(target.stack, 'BrokenAws').node.addValidation({ validate: () => ['aws side broken'] });
    expect(() => app.synth()).toThrow(/aws side broken/);
    unchanged();
  });

  test('GIVEN two file artifacts with one name WHEN synthesized THEN nothing is written', () => {
    const { app, chart, unchanged } = prepared();
    new FileArtifact(chart, 'A', { fileName: 'x/policy.hcl', content: 'a' });
    new FileArtifact(chart, 'B', { fileName: 'x/policy.hcl', content: 'b' });
    expect(() => app.synth()).toThrow(/\[prod\/shop\/B\] fileName: is also written by prod\/shop\/A/);
    unchanged();
  });

  test('GIVEN a posture error WHEN synthesized THEN synth fails; WHEN suppressed with a reason THEN it passes and reports the suppression', () => {
    const build = () => {
      const { app, chart, unchanged } = prepared();
      const role = new kplus.Role(chart, 'Reader', { metadata: { name: 'reader' } });
      role.allow(['get', 'list'], kplus.ApiResource.SECRETS);
      return { app, role, unchanged };
    };
    const failing = build();
    expect(() => failing.app.synth()).toThrow(/Posture checks failed[\s\S]*prod: error {2}rbac-broad-secret-access {2}Role shop\/reader/);
    failing.unchanged();

    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp);
    const suppressed = build();
    SecretsSuppressions.add(suppressed.role, 'rbac-broad-secret-access', 'the reader lists secrets for an audit job');
    const result = suppressed.app.synth();
    expect(result.findings).toContainEqual(expect.objectContaining({
      ruleId: 'rbac-broad-secret-access', resource: 'Role shop/reader', suppressedBecause: 'the reader lists secrets for an audit job',
    }));
    // The suppression travels with the object, so the written manifest checks clean on its own (doctor).
    const role = YAML.parseAllDocuments(fs.readFileSync(path.join(tmp, 'dist', 'prod', 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJSON()).find((o) => o.kind === 'Role');
    expect(role.metadata.annotations).toEqual({ 'suppress.cdk8s-secrets.io/rbac-broad-secret-access': 'the reader lists secrets for an audit job' });
    expect(SecretsChecks.errorsOf(SecretsChecks.check([role]))).toEqual([]);
  });

  test('GIVEN a suppression of an unknown rule or without a reason WHEN added THEN it throws', () => {
    const { chart } = prepared();
    expect(() => SecretsSuppressions.add(chart, 'no-such-rule', 'x')).toThrow(/ruleId: is not a rule of the pack \(got "no-such-rule"\)/);
    expect(() => SecretsSuppressions.add(chart, 'secret-in-env', ' ')).toThrow(/reason: is empty/);
  });

  test('GIVEN a target on Kubernetes 1.28 WHEN it installs ESO 2.9.0 THEN synth fails; on 1.30 it passes', () => {
    const onVersion = (kubernetesVersion: string) => {
      const app = new SecretsApp({ outdir: path.join(tmp, `d${kubernetesVersion}`), mode: SynthMode.KUBERNETES, printWarnings: false });
      const target = new ClusterTarget(app, 'old', { env: ENV, clusterName: 'old', kubernetesVersion });
      new ExternalSecretsOperatorInstall(target.addChart('eso'), 'Eso');
      return app;
    };
    expect(() => onVersion('1.28').synth()).toThrow(/old: error {2}kubernetes-version {2}Application argocd\/external-secrets: .*1\.30/);
    expect(fs.existsSync(path.join(tmp, 'd1.28'))).toBe(false);
    expect(onVersion('1.30').synth().warnings).toEqual(['[old] kubernetesVersion: 1.30 is outside the supported range 1.31 to 1.37: the output is not proven on it']);
    expect(onVersion('1.31').synth().warnings).toEqual([]);
  });

  test('GIVEN checks turned off WHEN a posture error exists THEN synth passes', () => {
    const { app, target } = newApp({ checks: false });
    const chart = target.addChart('x', { namespace: 'x' });
    new kplus.Role(chart, 'Reader', { metadata: { name: 'reader' } }).allow(['list'], kplus.ApiResource.SECRETS);
    expect(app.synth().findings).toEqual([]);
  });
});

describe('SecretsApp layout errors', () => {
  test('GIVEN no target WHEN synthesized THEN it says how to add one', () => {
    const app = new SecretsApp({ outdir: path.join(tmp, 'd'), cloudAssemblyOutdir: path.join(tmp, 'c'), printWarnings: false });
    expect(() => app.synth()).toThrow(/targets: the app has no ClusterTarget/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('GIVEN two targets whose folders overlap WHEN synthesized THEN it fails', () => {
    const app = new SecretsApp({ outdir: path.join(tmp, 'd'), cloudAssemblyOutdir: path.join(tmp, 'c'), printWarnings: false });
    new ClusterTarget(app, 'a', { env: ENV, clusterName: 'a', outdir: '.' });
    new ClusterTarget(app, 'b', { env: ENV, clusterName: 'b' });
    expect(() => app.synth()).toThrow(/\[b\] outdir: "b" overlaps the folder of target a \("\."\)/);
  });
});

describe('ClusterTarget', () => {
  const app = () => new SecretsApp({ outdir: path.join(tmp, 'd'), printWarnings: false });

  test('GIVEN bad props WHEN created THEN each fails with the prop and the fix', () => {
    expect(() => new ClusterTarget(app(), 'x', { clusterName: 'c' })).toThrow(/\[x\] env: is required for AWS identities/);
    expect(() => new ClusterTarget(app(), 'x', { env: ENV })).toThrow(/irsa: is missing, and so is clusterName/);
    expect(() => new ClusterTarget(app(), 'x', { env: ENV, clusterName: 'c', kubernetesVersion: '1.30.1' })).toThrow(/kubernetesVersion: must be a Kubernetes minor version/);
    expect(() => new ClusterTarget(app(), 'x', { env: ENV, clusterName: 'c', outdir: '../up' })).toThrow(/outdir: must be a relative folder/);
    expect(() => new ClusterTarget(app(), '9x', { env: ENV, clusterName: 'c' })).toThrow(/id: must start with a letter/);
    expect(() => new ClusterTarget(app(), 'x', { env: ENV, clusterName: 'bad name' })).toThrow(/clusterName: is not a valid EKS cluster name/);
    expect(() => new ClusterTarget(app(), 'x', { env: { region: 'eu-west-1' }, clusterName: 'c' })).toThrow(/env\.account: is not a literal/);
    expect(() => new ClusterTarget(app(), 'x', { env: ENV, clusterName: 'c', defaultIdentityMode: IdentityMode.IRSA })).toThrow(/defaultIdentityMode: is IRSA, but target x has no OIDC issuer/);
    const a = app();
    const stack = new cdk.Stack(a.awsApp, 'S', { env: ENV });
    expect(() => new ClusterTarget(a, 'x', { env: ENV, stack, clusterName: 'c' })).toThrow(/env: cannot be combined with stack/);
    expect(() => new ClusterTarget(new Construct(undefined as any, ''), 'x', { env: ENV, clusterName: 'c' })).toThrow(/scope: is not a SecretsApp/);
  });

  test('GIVEN a target without AWS WHEN a construct needs AWS THEN it says to give the target an env; Kubernetes-only output works', () => {
    const a = new SecretsApp({ outdir: path.join(tmp, 'd'), cloudAssemblyOutdir: path.join(tmp, 'c'), mode: SynthMode.ALL, printWarnings: false });
    const onPrem = new ClusterTarget(a, 'on-prem');
    expect(onPrem.hasAws).toBe(false);
    expect(() => onPrem.stack).toThrow(/\[on-prem\] stack: needs AWS, but target on-prem has no AWS environment/);
    const chart = onPrem.addChart('apps', { namespace: 'apps' });
    expect(() => new WorkloadIdentity(chart, 'Id', { serviceAccountName: 'x' })).toThrow(/\[on-prem\/apps\/Id\] env: needs AWS/);
    new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'config' }, data: { a: '1' } });
    expect(a.synth().files).toEqual(['on-prem/apps.k8s.yaml']);
  });

  test('GIVEN a construct outside any target WHEN it needs the target THEN it says where to create the chart', () => {
    const chart = new cdk8s.Chart(new cdk8s.App(), 'loose');
    expect(() => new WorkloadIdentity(chart, 'Id', { namespace: 'a', serviceAccountName: 'b' })).toThrow(/\[loose\/Id\] scope: is not in a chart of a ClusterTarget/);
  });

  test('GIVEN a target with IRSA and Pod Identity WHEN identities choose per ServiceAccount THEN each gets its own trust', () => {
    const { app: a, target } = newApp();
    const chart = target.addChart('mixed', { namespace: 'mixed' });
    const irsa = new WorkloadIdentity(chart, 'Irsa', { serviceAccountName: 'irsa' });
    const pod = new WorkloadIdentity(chart, 'Pod', { serviceAccountName: 'pod', mode: IdentityMode.POD_IDENTITY });
    expect(irsa.mode).toBe(IdentityMode.IRSA);
    expect(pod.mode).toBe(IdentityMode.POD_IDENTITY);
    expect(irsa.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/prod-mixed-irsa' });
    expect(pod.serviceAccountAnnotations).toEqual({});
    a.synth();
    const template = JSON.parse(fs.readFileSync(path.join(tmp, 'cdk.out', 'prod.template.json'), 'utf8'));
    const assoc = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::EKS::PodIdentityAssociation') as any[];
    expect(assoc.map((r) => [r.Properties.ClusterName, r.Properties.Namespace, r.Properties.ServiceAccount])).toEqual([['prod', 'mixed', 'pod']]);
    const podRole = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'prod-mixed-pod') as any;
    expect(podRole.Properties.AssumeRolePolicyDocument.Statement[0]).toEqual({
      Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' },
    });
  });

  test('GIVEN two charts with the same construct id WHEN both have identities THEN their roles do not collide', () => {
    const { app: a, target } = newApp();
    new WorkloadIdentity(target.addChart('a', { namespace: 'a' }), 'Reader', { serviceAccountName: 'r' });
    new WorkloadIdentity(target.addChart('b', { namespace: 'b' }), 'Reader', { serviceAccountName: 'r' });
    a.synth();
    const template = JSON.parse(fs.readFileSync(path.join(tmp, 'cdk.out', 'prod.template.json'), 'utf8'));
    const names = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Role').map((r: any) => r.Properties.RoleName).sort();
    expect(names).toEqual(['prod-a-r', 'prod-b-r']);
  });

  test('GIVEN one ServiceAccount twice on a target WHEN the second identity is created THEN it fails naming the first', () => {
    const { target } = newApp();
    new WorkloadIdentity(target.addChart('a', { namespace: 'a' }), 'One', { serviceAccountName: 'r' });
    expect(() => new WorkloadIdentity(target.addChart('a2', { namespace: 'a' }), 'Two', { serviceAccountName: 'r' }))
      .toThrow(/\[prod\/a2\/Two\] serviceAccountName: already has a workload identity on this cluster \(prod\/a\/One\)/);
  });

  test('GIVEN an OIDC provider defined in the program WHEN its issuer is a token THEN the trust conditions resolve through CfnJson', () => {
    const a = new SecretsApp({ outdir: path.join(tmp, 'd'), cloudAssemblyOutdir: path.join(tmp, 'c'), mode: SynthMode.ALL, printWarnings: false });
    const stack = new cdk.Stack(a.awsApp, 'eks', { env: ENV });
    const provider = new iam.OpenIdConnectProvider(stack, 'Provider', { url: ISSUER, clientIds: ['sts.amazonaws.com'] });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'c1', openIdConnectProvider: provider });
    const target = ClusterTarget.fromCluster(a, 'c1', cluster);
    expect(target.defaultIdentityMode).toBe(IdentityMode.IRSA);
    expect(target.stack).toBe(stack);
    const id = new WorkloadIdentity(target.addChart('x', { namespace: 'x' }), 'Id', { serviceAccountName: 'sa' });
    expect(id.roleArn).toBe('arn:aws:iam::111122223333:role/eks-c1-x-sa');
    a.synth();
    const template = JSON.parse(fs.readFileSync(path.join(tmp, 'c', 'eks.template.json'), 'utf8'));
    const cfnJson = Object.values(template.Resources).find((r: any) => r.Type === 'Custom::AWSCDKCfnJson') as any;
    const text = JSON.stringify(cfnJson.Properties.Value);
    expect(text).toContain(':sub\\":\\"system:serviceaccount:x:sa\\"');
    expect(text).toContain(':aud\\":\\"sts.amazonaws.com\\"');
  });

  test('GIVEN a trust whose conditions come from CfnJson WHEN checked THEN the sub condition is read from the CfnJson value', () => {
    const template = (value: any) => ({
      Resources: {
        Cond: { Type: 'Custom::AWSCDKCfnJson', Properties: { Value: value } },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [{
                Action: 'sts:AssumeRoleWithWebIdentity',
                Effect: 'Allow',
                Principal: { Federated: { Ref: 'P' } },
                Condition: { StringEquals: { 'Fn::GetAtt': ['Cond', 'Value'] } },
              }],
            },
          },
        },
      },
    });
    const withSub = { 'Fn::Join': ['', ['{"', { 'Fn::GetAtt': ['P', 'Issuer'] }, ':aud":"sts.amazonaws.com","', { 'Fn::GetAtt': ['P', 'Issuer'] }, ':sub":"system:serviceaccount:a:b"}']] };
    const withoutSub = { 'Fn::Join': ['', ['{"', { 'Fn::GetAtt': ['P', 'Issuer'] }, ':aud":"sts.amazonaws.com"}']] };
    const rule = (t: any) => SecretsChecks.check([], { s: t }).filter((f) => f.ruleId === 'irsa-trust-without-sub');
    expect(rule(template(withSub))).toEqual([]);
    expect(rule(template(withoutSub))).toEqual([expect.objectContaining({ severity: 'error', resource: 's/Role' })]);
  });
});
