import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import YAML from 'yaml';
import {
  AwsAuth, ClusterExternalSecret, ClusterScopedResolver, ClusterSecretStore, ClusterTarget, SecretStore, StoreProvider, WorkloadIdentity,
} from '../../src';
import { isClusterScopedKind, knownClusterScopedKinds } from '../../src/core/cluster-scope';
import { testApp } from '../app/util';
import { expectValid, upstreamPath } from '../harness';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function awsStore() {
  return StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.controllerIdentity() });
}

function byKind(objects: any[], kind: string): any {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the library\'s cluster-scoped constructs in a namespaced chart of a plain cdk8s app', () => {
  test('GIVEN a ClusterSecretStore and a ClusterExternalSecret in a chart with a namespace WHEN synthesized THEN neither has metadata.namespace, the SecretStore keeps it', () => {
    // GIVEN
    const chart = Testing.chart();
    const nsChart = new Chart(chart.node.scope!, 'team', { namespace: 'team-a' });
    const cluster = new ClusterSecretStore(nsChart, 'Shared', { name: 'shared', provider: awsStore(), conditions: [{ namespaces: ['team-a'] }] });
    new ClusterExternalSecret(nsChart, 'Everywhere', {
      name: 'everywhere', store: cluster, namespaces: ['team-a'], data: [{ secretKey: 'k', remoteKey: 'team-a/k' }],
    });
    new SecretStore(nsChart, 'Own', { name: 'own', provider: awsStore() });

    // WHEN
    const objects = Testing.synth(nsChart);

    // THEN
    expect(byKind(objects, 'ClusterSecretStore').metadata).toEqual({ name: 'shared' });
    expect(byKind(objects, 'ClusterExternalSecret').metadata).toEqual({ name: 'everywhere' });
    expect(byKind(objects, 'SecretStore').metadata).toEqual({ name: 'own', namespace: 'team-a' });
    expectValid(objects);
  });

  test('GIVEN the same constructs in a chart without a namespace WHEN synthesized THEN the output is unchanged (nothing to remove)', () => {
    const chart = Testing.chart();
    new ClusterSecretStore(chart, 'Shared', { name: 'shared', provider: awsStore(), conditions: [{ namespaces: ['team-a'] }] });
    expect(byKind(Testing.synth(chart), 'ClusterSecretStore').metadata).toEqual({ name: 'shared' });
  });
});

describe('ClusterScopedResolver on a plain cdk8s app', () => {
  function userChart(app: App): Chart {
    const chart = new Chart(app, 'platform', { namespace: 'team-a' });
    new kplus.Namespace(chart, 'Ns', { metadata: { name: 'team-a' } });
    const cr = new kplus.ClusterRole(chart, 'Viewer', { metadata: { name: 'viewer' } });
    cr.allowRead(kplus.ApiResource.CONFIG_MAPS);
    new kplus.ClusterRoleBinding(chart, 'ViewerBinding', { metadata: { name: 'viewer' }, role: cr })
      .addSubjects(kplus.User.fromName(chart, 'Alice', 'alice'));
    new ApiObject(chart, 'Crd', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    });
    new ApiObject(chart, 'Issuer', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' }, spec: {} });
    new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'app' }, automountToken: false });
    new kplus.Role(chart, 'Reader', { metadata: { name: 'reader' } });
    return chart;
  }

  test('GIVEN the resolver WHEN kplus Namespace, ClusterRole, ClusterRoleBinding and a CRD sit in a namespaced chart THEN none has a namespace; namespaced kinds keep it', () => {
    // GIVEN
    const app = new App({ resolvers: [new ClusterScopedResolver({ additionalKinds: [{ apiGroup: 'cert-manager.io', kind: 'ClusterIssuer' }] })] });

    // WHEN
    const objects = userChart(app).toJson();

    // THEN
    const ns = (kind: string) => byKind(objects, kind).metadata.namespace;
    expect(ns('Namespace')).toBeUndefined();
    expect(ns('ClusterRole')).toBeUndefined();
    expect(ns('ClusterRoleBinding')).toBeUndefined();
    expect(ns('CustomResourceDefinition')).toBeUndefined();
    expect(ns('ClusterIssuer')).toBeUndefined();
    expect(ns('ServiceAccount')).toBe('team-a');
    expect(ns('Role')).toBe('team-a');
    // The harness has no schema for CRDs or cert-manager kinds.
    expectValid(objects.filter((o) => o.kind !== 'ClusterIssuer' && o.kind !== 'CustomResourceDefinition'));
  });

  test('GIVEN no resolver WHEN the same chart is synthesized THEN cdk8s writes the namespace on cluster-scoped kinds (what the resolver fixes) and the harness rejects them', () => {
    const objects = userChart(new App()).toJson();
    expect(byKind(objects, 'Namespace').metadata.namespace).toBe('team-a');
    expect(() => expectValid(objects.filter((o) => o.kind !== 'ClusterIssuer' && o.kind !== 'CustomResourceDefinition'))).toThrow(/metadata\/namespace is set on cluster-scoped kind Namespace/);
  });

  test('GIVEN a resolver without additionalKinds WHEN an unknown custom kind is synthesized THEN its namespace is kept', () => {
    const objects = userChart(new App({ resolvers: [new ClusterScopedResolver()] })).toJson();
    expect(byKind(objects, 'ClusterIssuer').metadata.namespace).toBe('team-a');
    expect(new ClusterScopedResolver().isClusterScoped('cert-manager.io/v1', 'ClusterIssuer')).toBe(false);
    expect(new ClusterScopedResolver().isClusterScoped('v1', 'Namespace')).toBe(true);
    expect(new ClusterScopedResolver().isClusterScoped('v1', 'Secret')).toBe(false);
  });
});

describe('SecretsApp targets', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-scope-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('GIVEN a target chart with a namespace holding a kplus Namespace, a ClusterRole and a ClusterSecretStore WHEN the app synthesizes THEN the written manifest has no namespace on them', () => {
    // GIVEN
    const app = testApp(tmp);
    const target = new ClusterTarget(app, 'prod', { env: ENV, clusterName: 'prod' });
    const chart = target.addChart('team-a', { namespace: 'team-a' });
    new kplus.Namespace(chart, 'Ns', { metadata: { name: 'team-a' } });
    new kplus.ClusterRole(chart, 'Viewer', { metadata: { name: 'viewer' } }).allowRead(kplus.ApiResource.CONFIG_MAPS);
    const identity = new WorkloadIdentity(chart, 'Eso', { serviceAccountName: 'eso' });
    new ClusterSecretStore(chart, 'Shared', {
      name: 'shared',
      conditions: [{ namespaces: ['team-a'] }],
      provider: StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.controllerIdentity(identity) }),
    });

    // WHEN
    app.synth();

    // THEN
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(tmp, 'dist', 'prod', 'team-a.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
    expect(byKind(objects, 'Namespace').metadata).toEqual({ name: 'team-a' });
    expect(byKind(objects, 'ClusterRole').metadata.namespace).toBeUndefined();
    expect(byKind(objects, 'ClusterSecretStore').metadata).toEqual({ name: 'shared' });
    expect(byKind(objects, 'ServiceAccount').metadata.namespace).toBe('team-a');
    expectValid(objects);
  });
});

describe('the table of cluster-scoped kinds', () => {
  test('GIVEN Kubernetes 1.28\'s OpenAPI and the upstream CRDs WHEN compared with the library\'s table THEN they list the same cluster-scoped kinds', () => {
    // Kubernetes: a kind is cluster-scoped when its collection is created outside /namespaces/{namespace}/.
    const swagger = JSON.parse(fs.readFileSync(upstreamPath('k8s-schemas', 'openapi-v2', 'swagger.json'), 'utf8'));
    const scope = new Map<string, boolean>();
    for (const [p, ops] of Object.entries<any>(swagger.paths)) {
      for (const op of Object.values<any>(ops)) {
        const gvk = op?.['x-kubernetes-group-version-kind'];
        if (!gvk || op['x-kubernetes-action'] !== 'post' || p.includes('{name}')) continue;
        scope.set(`${gvk.group}|${gvk.kind}`, p.includes('/namespaces/{namespace}/'));
      }
    }
    const expected = new Set([...scope].filter(([, namespaced]) => !namespaced).map(([k]) => k));
    // Custom resources: the CRDs' own scope.
    const crdDir = upstreamPath('crds');
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
      .flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.yaml') ? [path.join(d, e.name)] : []);
    let crds = 0;
    for (const file of walk(crdDir)) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        const crd = doc.toJSON();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        crds++;
        const key = `${crd.spec.group}|${crd.spec.names.kind}`;
        if (crd.spec.scope === 'Cluster') expected.add(key);
        else expect(isClusterScopedKind(`${crd.spec.group}/v1`, crd.spec.names.kind)).toBe(false);
      }
    }
    expect(crds).toBeGreaterThan(20);
    expect(knownClusterScopedKinds()).toEqual([...expected].sort());
    expect(isClusterScopedKind('v1', 'Secret')).toBe(false);
    expect(isClusterScopedKind('rbac.authorization.k8s.io/v1', 'Role')).toBe(false);
  });
});
