import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AwsAuth, ExternalSecret, KubernetesSecret, SecretConsumer, SecretStore, StoreProvider,
} from '../../src';
import { expectValid } from '../harness';

function find(chart: Chart, kind: string): any[] {
  return Testing.synth(chart).filter((o) => o.kind === kind);
}

function setup() {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const store = new SecretStore(chart, 'Store', {
    name: 'aws', provider: StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.controllerIdentity() }),
  });
  const db = new ExternalSecret(chart, 'Db', { name: 'db', store, data: [{ secretKey: 'password', remoteKey: 'shop/db', property: 'password' }] });
  const sa = new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'api' }, automountToken: false });
  return { chart, db, sa };
}

describe('grantRead on a produced Secret', () => {
  test('GIVEN an ExternalSecret WHEN grantRead(serviceAccount) THEN a Role with get on its name only and a RoleBinding to that ServiceAccount, in its namespace', () => {
    // GIVEN
    const { chart, db, sa } = setup();

    // WHEN
    const grant = db.grantRead(sa);

    // THEN
    const [role] = find(chart, 'Role');
    expect(role.metadata.namespace).toBe('shop');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['get'] }]);
    const [binding] = find(chart, 'RoleBinding');
    expect(binding.metadata.namespace).toBe('shop');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }]);
    expect(grant.subjectNames).toEqual(['ServiceAccount shop/api']);
    expect(grant.role.name).toBe(role.metadata.name);
    expectValid(chart);
  });

  test('GIVEN a pod that only mounts the Secret WHEN its ServiceAccount is granted the API read THEN the pod keeps token automount off', () => {
    // GIVEN
    const { chart, db, sa } = setup();
    const web = new kplus.Deployment(chart, 'Web', { metadata: { name: 'web' }, serviceAccount: sa, securityContext: { fsGroup: 2000 } });
    const c = web.addContainer({ image: 'web:1.0.0' });
    SecretConsumer.of(web).mount(c, db, { path: '/etc/db' });

    // WHEN
    db.grantRead(sa);

    // THEN
    expect(find(chart, 'Deployment')[0].spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(find(chart, 'ServiceAccount')[0].automountServiceAccountToken).toBe(false);
    expect(find(chart, 'RoleBinding')[0].subjects).toEqual([{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }]);
    expectValid(chart);
  });

  test('GIVEN repeated grants WHEN synthesized THEN one Role per Secret, its subjects sorted and each once, Users with the RBAC API group', () => {
    const { chart, db, sa } = setup();
    const other = new kplus.ServiceAccount(chart, 'Other', { metadata: { name: 'batch' } });
    db.grantRead(sa);
    db.grantRead(other, sa);
    db.grantRead(kplus.User.fromName(chart, 'Alice', 'alice'));
    KubernetesSecret.fromSecretName(chart, 'Tls', { name: 'tls' }).grantRead(other);

    const roles = find(chart, 'Role');
    expect(roles.map((r) => r.rules[0].resourceNames)).toEqual([['db'], ['tls']]);
    const bindings = find(chart, 'RoleBinding');
    expect(bindings[0].subjects).toEqual([
      { kind: 'ServiceAccount', name: 'api', namespace: 'shop' },
      { kind: 'ServiceAccount', name: 'batch', namespace: 'shop' },
      { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(bindings[1].subjects).toEqual([{ kind: 'ServiceAccount', name: 'batch', namespace: 'shop' }]);
    for (const r of roles.flatMap((x) => x.rules)) expect(r.verbs).toEqual(['get']);
    expectValid(chart);
  });

  test('a ServiceAccount of another namespace is refused', () => {
    const { chart, db } = setup();
    const foreign = new kplus.ServiceAccount(chart, 'Foreign', { metadata: { name: 'spy', namespace: 'other' } });
    expect(() => db.grantRead(foreign)).toThrow(
      /\[shop\/Db\/ApiReaders\] subjects: is in namespace "other" but Secret "db" is in "shop"; a read across namespaces breaks their isolation \(got "ServiceAccount other\/spy"\)\. Fix: grant a ServiceAccount of namespace "shop"/);
  });

  test('a Group is refused', () => {
    const { chart, db } = setup();
    expect(() => db.grantRead(kplus.Group.fromName(chart, 'All', 'system:serviceaccounts')))
      .toThrow(/subjects: is a Group: every member .* could read the Secret \(got "Group system:serviceaccounts"\)\. Fix: grant the ServiceAccounts/);
  });

  test('a ServiceAccount without a namespace is refused', () => {
    const chart = Testing.chart();
    const s = KubernetesSecret.fromSecretName(chart, 'S', { name: 's', namespace: 'shop' });
    const sa = new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'api' } });
    expect(() => s.grantRead(sa)).toThrow(/subjects: is a ServiceAccount without a namespace \(got "ServiceAccount api"\)\. Fix: give the ServiceAccount metadata.namespace "shop"/);
  });

  test('grantRead() without subjects fails validation', () => {
    const { chart, db } = setup();
    db.grantRead();
    expect(() => Testing.synth(chart)).toThrow(/grantRead\(\) was called without subjects/);
  });
});
