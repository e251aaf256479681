import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AwsCsiObject, AwsSecretProviderClass, IProducedSecret, KubernetesSecret, ReloadMode, RestartVia, RolloutRestartTarget, SecretConsumer,
  SecretProducerKind, SecretReadGrant,
} from '../../src';
import { expectValid } from '../harness';

/** A producer standing in for ESO/VSO/Sealed in unit tests: it records restart targets when it can. */
class FakeProducer extends Construct implements IProducedSecret {
  public readonly targets: RolloutRestartTarget[] = [];
  public constructor(scope: Construct, id: string, public readonly secretName: string, public readonly secretNamespace: string,
    public readonly secretKeys: string[], public readonly producerKind: SecretProducerKind, private readonly canRestart: boolean) {
    super(scope, id);
  }
  public addRolloutRestartTarget(target: RolloutRestartTarget): boolean {
    if (this.canRestart) this.targets.push(target);
    return this.canRestart;
  }
  public grantRead(...subjects: kplus.ISubject[]): SecretReadGrant {
    return SecretReadGrant.grant(this, subjects);
  }
}

function setup(ns = 'secrets-demo') {
  const chart = Testing.chart();
  const deployment = new kplus.Deployment(chart, 'App', {
    metadata: { name: 'app', namespace: ns },
    securityContext: { fsGroup: 2000 },
  });
  const container = deployment.addContainer({ name: 'app', image: 'busybox:1.36', command: ['/bin/sh', '-c', 'sleep 3600'] });
  return { chart, deployment, container };
}

function find(chart: Chart, kind: string): any[] {
  return Testing.synth(chart).filter((o) => o.kind === kind);
}

describe('seed 000: a Deployment in secrets-demo mounts the ESO-synced ext-postgres-secret', () => {
  test('GIVEN the ESO target WHEN mounted THEN a read-only 0400 volume and the exact Reloader annotation on the Deployment', () => {
    // GIVEN
    const { chart, deployment, container } = setup();
    const secret = KubernetesSecret.fromSecretName(chart, 'ExtPostgres', { name: 'ext-postgres-secret', namespace: 'secrets-demo', keys: ['username', 'password'] });
    // WHEN
    SecretConsumer.of(deployment).mount(container, secret, { path: '/etc/secrets/postgres' });
    // THEN
    const [dep] = find(chart, 'Deployment');
    expect(dep.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'ext-postgres-secret' });
    expect(dep.spec.template.metadata.annotations).toBeUndefined();
    const pod = dep.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'secret-ext-postgres-secret', secret: { secretName: 'ext-postgres-secret', defaultMode: 0o400 } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'secret-ext-postgres-secret', mountPath: '/etc/secrets/postgres', readOnly: true }]);
    expect(pod.containers[0].env).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expectValid(chart);
  });
});

describe('volumes', () => {
  test('chosen keys at chosen paths and modes', () => {
    const { chart, deployment, container } = setup();
    const secret = KubernetesSecret.fromSecretName(chart, 'Db', { name: 'db', keys: ['username', 'password'], namespace: 'secrets-demo' });
    SecretConsumer.of(deployment).mount(container, secret, { path: '/etc/db', keys: [{ key: 'password', path: 'pw/password', mode: 0o440 }, { key: 'username' }] });
    const vol = find(chart, 'Deployment')[0].spec.template.spec.volumes[0];
    expect(vol.secret.items).toEqual([{ key: 'password', path: 'pw/password', mode: 0o440 }, { key: 'username', path: 'username' }]);
    expectValid(chart);
  });

  test('several Secrets: the annotation lists each once, sorted and comma-joined; volume names stay unique', () => {
    const { chart, deployment, container } = setup();
    const sidecar = deployment.addContainer({ name: 'sidecar', image: 'busybox:1.36' });
    const b = KubernetesSecret.fromSecretName(chart, 'B', { name: 'b-secret', namespace: 'secrets-demo' });
    const a = KubernetesSecret.fromSecretName(chart, 'A', { name: 'a-secret', namespace: 'secrets-demo' });
    const consumer = SecretConsumer.of(deployment);
    consumer.mount(container, b, { path: '/etc/b' });
    consumer.mount(container, a, { path: '/etc/a' });
    consumer.mount(sidecar, a, { path: '/etc/a' });
    const dep = find(chart, 'Deployment')[0];
    expect(dep.metadata.annotations['secret.reloader.stakater.com/reload']).toBe('a-secret,b-secret');
    expect(dep.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['secret-b-secret', 'secret-a-secret', 'secret-a-secret-2']);
    expect(consumer.reloadedSecretNames).toEqual(['a-secret', 'b-secret']);
    expectValid(chart);
  });

  test('a pod without fsGroup may mount with an other-readable mode', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'D', { metadata: { namespace: 'ns' } });
    const c = d.addContainer({ image: 'nginx:1.27' });
    SecretConsumer.of(d).mount(c, KubernetesSecret.fromSecretName(chart, 'S', { name: 's', namespace: 'ns' }), { path: '/s', defaultMode: 0o444 });
    expect(find(chart, 'Deployment')[0].spec.template.spec.volumes[0].secret.defaultMode).toBe(0o444);
    expectValid(chart);
  });

  test.each([
    ['relative path', { path: 'etc/db' }, /path: must be a normalized absolute path/],
    ['path with ..', { path: '/etc/../db' }, /path: must be a normalized absolute path/],
    ['trailing slash', { path: '/etc/db/' }, /path: must be a normalized absolute path/],
    ['unknown key', { path: '/etc/db', keys: [{ key: 'token' }] }, /keys\[0\]\.key: is not a key of Secret "db" \(its keys: password, username\)/],
    ['bad key', { path: '/etc/db', keys: [{ key: 'a b' }] }, /keys\[0\]\.key: must be a valid Secret data key/],
    ['escaping file path', { path: '/etc/db', keys: [{ key: 'password', path: '../password' }] }, /keys\[0\]\.path: must be a relative file path/],
    ['absolute file path', { path: '/etc/db', keys: [{ key: 'password', path: '/password' }] }, /keys\[0\]\.path: must be a relative file path/],
    ['duplicate file path', { path: '/etc/db', keys: [{ key: 'password', path: 'x' }, { key: 'username', path: 'x' }] }, /keys\[1\]\.path: is used twice/],
    ['bad default mode', { path: '/etc/db', defaultMode: 0o1777 }, /defaultMode: must be file mode bits/],
    ['bad key mode', { path: '/etc/db', keys: [{ key: 'password', mode: -1 }] }, /keys\[0\]\.mode: must be file mode bits/],
  ])('%s is rejected', (_name, options, error) => {
    const { chart, deployment, container } = setup();
    const secret = KubernetesSecret.fromSecretName(chart, 'Db', { name: 'db', keys: ['username', 'password'], namespace: 'secrets-demo' });
    expect(() => SecretConsumer.of(deployment).mount(container, secret, options as any)).toThrow(error);
  });

  test('a second mount at the same path is rejected', () => {
    const { chart, deployment, container } = setup();
    const s = KubernetesSecret.fromSecretName(chart, 'S', { name: 's', namespace: 'secrets-demo' });
    SecretConsumer.of(deployment).mount(container, s, { path: '/etc/s' });
    expect(() => SecretConsumer.of(deployment).mount(container, s, { path: '/etc/s' })).toThrow(/path: is already a mount path of container "app"/);
  });

  test('0400 without fsGroup in a non-root container is rejected (the files would be unreadable)', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'D', { metadata: { namespace: 'ns' } });
    const c = d.addContainer({ image: 'nginx:1.27', name: 'web' });
    const s = KubernetesSecret.fromSecretName(chart, 'S', { name: 's', namespace: 'ns' });
    expect(() => SecretConsumer.of(d).mount(c, s, { path: '/s' })).toThrow(/defaultMode: makes the files unreadable to the non-root container "web".*Fix: set `fsGroup` in the workload\'s `securityContext`/);
    // The same holds for one key's own mode.
    expect(() => SecretConsumer.of(d).mount(c, s, { path: '/s', defaultMode: 0o444, keys: [{ key: 'password', mode: 0o400 }] }))
      .toThrow(/keys\[0\]\.mode: makes the files unreadable to the non-root container "web".*or set `keys\[0\]\.mode` to 0o444 \[CS-WL-048\]$/);
    SecretConsumer.of(d).mount(c, s, { path: '/s', defaultMode: 0o444, keys: [{ key: 'password', mode: 0o444 }] });
    expectValid(chart);
  });
});

describe('environment variables (explicit opt-in)', () => {
  test('env maps variables to keys, sorted; the Secret is reloaded', () => {
    const { chart, deployment, container } = setup();
    const secret = KubernetesSecret.fromSecretName(chart, 'Pg', { name: 'ext-postgres-secret', namespace: 'secrets-demo', keys: ['username', 'password'] });
    SecretConsumer.of(deployment).env(container, secret, { variables: { POSTGRES_USER: 'username', POSTGRES_PASSWORD: 'password' } });
    const dep = find(chart, 'Deployment')[0];
    expect(dep.spec.template.spec.containers[0].env).toEqual([
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'ext-postgres-secret', key: 'password' } } },
      { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'ext-postgres-secret', key: 'username' } } },
    ]);
    expect(dep.spec.template.spec.volumes).toBeUndefined();
    expect(dep.metadata.annotations['secret.reloader.stakater.com/reload']).toBe('ext-postgres-secret');
    expectValid(chart);
  });

  test('variables are ordered by code unit (upper case first), whatever the machine\'s locale', () => {
    const { chart, deployment, container } = setup();
    const secret = KubernetesSecret.fromSecretName(chart, 'S', { name: 's', namespace: 'secrets-demo' });
    SecretConsumer.of(deployment).env(container, secret, { variables: { db_user: 'u', DB_PASSWORD: 'p', Db_Host: 'h' } });
    expect(find(chart, 'Deployment')[0].spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual(['DB_PASSWORD', 'Db_Host', 'db_user']);
  });

  test('envFrom exposes the whole Secret', () => {
    const { chart, deployment, container } = setup();
    SecretConsumer.of(deployment).envFrom(container, KubernetesSecret.fromSecretName(chart, 'S', { name: 'app-secrets', namespace: 'secrets-demo' }));
    const c = find(chart, 'Deployment')[0].spec.template.spec.containers[0];
    expect(c.envFrom).toEqual([{ secretRef: { name: 'app-secrets' } }]);
    expectValid(chart);
  });

  test.each([
    ['empty map', {}, /variables: is empty/],
    ['bad name', { '1X': 'password' }, /variables\.1X: is not a valid environment variable name/],
    ['unknown key', { X: 'token' }, /variables\.X: is not a key of Secret "db"/],
  ])('%s is rejected', (_n, variables, error) => {
    const { chart, deployment, container } = setup();
    const secret = KubernetesSecret.fromSecretName(chart, 'Db', { name: 'db', keys: ['password'], namespace: 'secrets-demo' });
    expect(() => SecretConsumer.of(deployment).env(container, secret, { variables })).toThrow(error);
  });

  test('a variable already set on the container is rejected', () => {
    const { chart, deployment, container } = setup();
    container.env.addVariable('X', kplus.EnvValue.fromValue('1'));
    const secret = KubernetesSecret.fromSecretName(chart, 'Db', { name: 'db', namespace: 'secrets-demo' });
    expect(() => SecretConsumer.of(deployment).env(container, secret, { variables: { X: 'password' } })).toThrow(/variables\.X: is already set on container "app"/);
  });
});

describe('one Deployment shape, every producer kind', () => {
  const kinds: Array<[SecretProducerKind, boolean]> = [
    [SecretProducerKind.EXTERNAL_SECRETS, false],
    [SecretProducerKind.SEALED_SECRETS, false],
    [SecretProducerKind.KUBERNETES, false],
    [SecretProducerKind.SECRETS_STORE_CSI, false],
    [SecretProducerKind.VAULT_SECRETS_OPERATOR, true],
  ];
  test.each(kinds)('%s: same volume; Reloader unless the producer restarts the workload', (kind, canRestart) => {
    const { chart, deployment, container } = setup();
    const secret = new FakeProducer(chart, 'P', 'app-db', 'secrets-demo', ['password'], kind, canRestart);
    SecretConsumer.of(deployment).mount(container, secret, { path: '/etc/secrets/db' });
    const dep = find(chart, 'Deployment')[0];
    expect(dep.spec.template.spec.volumes).toEqual([{ name: 'secret-app-db', secret: { secretName: 'app-db', defaultMode: 0o400 } }]);
    if (canRestart) {
      expect(secret.targets).toEqual([{ kind: 'Deployment', name: 'app' }]);
      expect(dep.metadata.annotations).toBeUndefined();
    } else {
      expect(secret.targets).toEqual([]);
      expect(dep.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'app-db' });
    }
    expectValid(chart);
  });

  test('RestartVia.RELOADER keeps Reloader even when the producer could restart', () => {
    const { chart, deployment, container } = setup();
    const secret = new FakeProducer(chart, 'P', 'vault-postgres-secret', 'secrets-demo', [], SecretProducerKind.VAULT_SECRETS_OPERATOR, true);
    new SecretConsumer(chart, 'Consumer', { workload: deployment, reload: { restartVia: RestartVia.RELOADER } }).mount(container, secret, { path: '/s' });
    expect(secret.targets).toEqual([]);
    expect(find(chart, 'Deployment')[0].metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'vault-postgres-secret' });
  });

  test('a Job is never a producer restart target (VSO restarts Deployments, StatefulSets and DaemonSets only)', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'J', { metadata: { namespace: 'secrets-demo' }, securityContext: { fsGroup: 1 } });
    const c = job.addContainer({ image: 'busybox:1.36' });
    const secret = new FakeProducer(chart, 'P', 'vso', 'secrets-demo', [], SecretProducerKind.VAULT_SECRETS_OPERATOR, true);
    SecretConsumer.of(job).mount(c, secret, { path: '/s' });
    expect(secret.targets).toEqual([]);
    expect(find(chart, 'Job')[0].metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'vso' });
    expectValid(chart);
  });
});

describe('Reloader modes and pause period', () => {
  test('AUTO: auto annotation, and producer-restarted Secrets excluded', () => {
    const { chart, deployment, container } = setup();
    const consumer = new SecretConsumer(chart, 'C', { workload: deployment, reload: { mode: ReloadMode.AUTO } });
    consumer.mount(container, new FakeProducer(chart, 'V', 'vso-secret', 'secrets-demo', [], SecretProducerKind.VAULT_SECRETS_OPERATOR, true), { path: '/v' });
    consumer.mount(container, KubernetesSecret.fromSecretName(chart, 'E', { name: 'eso-secret', namespace: 'secrets-demo' }), { path: '/e' });
    expect(find(chart, 'Deployment')[0].metadata.annotations).toEqual({
      'reloader.stakater.com/auto': 'true',
      'secrets.exclude.reloader.stakater.com/reload': 'vso-secret',
    });
    expectValid(chart);
  });

  test('SecretProviderClasses: EXPLICIT names each class once, sorted; AUTO uses the CSI auto annotation', () => {
    const chart = Testing.chart();
    const spc = (id: string, name: string) => new AwsSecretProviderClass(chart, id, { name, namespace: 'secrets-demo', objects: [AwsCsiObject.secretsManager({ secretName: `demo/${name}` })] });
    const zeta = spc('Zeta', 'zeta');
    const alpha = spc('Alpha', 'alpha');
    const explicit = new kplus.Deployment(chart, 'Explicit', { metadata: { name: 'explicit', namespace: 'secrets-demo' } });
    const e1 = explicit.addContainer({ name: 'a', image: 'busybox:1.36' });
    const e2 = explicit.addContainer({ name: 'b', image: 'busybox:1.36' });
    const c1 = SecretConsumer.of(explicit);
    c1.mountSecretProviderClass(e1, zeta);
    c1.mountSecretProviderClass(e1, alpha);
    c1.mountSecretProviderClass(e2, zeta);
    const auto = new kplus.Deployment(chart, 'Auto', { metadata: { name: 'auto', namespace: 'secrets-demo' } });
    new SecretConsumer(chart, 'AutoConsumer', { workload: auto, reload: { mode: ReloadMode.AUTO } })
      .mountSecretProviderClass(auto.addContainer({ image: 'busybox:1.36' }), alpha);
    const [dExplicit, dAuto] = find(chart, 'Deployment');
    expect(dExplicit.metadata.annotations).toEqual({ 'secretproviderclass.reloader.stakater.com/reload': 'alpha,zeta' });
    // One volume per class, shared by the containers that mount it.
    expect(dExplicit.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['csi-zeta', 'csi-alpha']);
    expect(dExplicit.spec.template.spec.containers[1].volumeMounts).toEqual([{ name: 'csi-zeta', mountPath: '/mnt/secrets-store/zeta', readOnly: true }]);
    expect(dAuto.metadata.annotations).toEqual({ 'reloader.stakater.com/auto': 'true', 'secretproviderclass.reloader.stakater.com/auto': 'true' });
    expect(dAuto.spec.template.metadata.annotations).toBeUndefined();
    expectValid(chart);
  });

  test.each(['StatefulSet', 'DaemonSet'])('a %s is a producer restart target (VSO rolloutRestartTargets) with no Reloader annotation', (kind) => {
    const chart = Testing.chart();
    const common = { metadata: { name: 'w', namespace: 'secrets-demo' }, securityContext: { fsGroup: 1 } };
    const w: kplus.Workload = kind === 'StatefulSet'
      ? new kplus.StatefulSet(chart, 'W', { ...common, service: new kplus.Service(chart, 'Svc', { metadata: { namespace: 'secrets-demo' }, ports: [{ port: 80 }] }) })
      : new kplus.DaemonSet(chart, 'W', common);
    const c = w.addContainer({ image: 'busybox:1.36', portNumber: 80 });
    const secret = new FakeProducer(chart, 'P', 'vso', 'secrets-demo', [], SecretProducerKind.VAULT_SECRETS_OPERATOR, true);
    SecretConsumer.of(w).mount(c, secret, { path: '/s' });
    expect(secret.targets).toEqual([{ kind, name: 'w' }]);
    expect(find(chart, kind)[0].metadata.annotations).toBeUndefined();
    expect(SecretConsumer.of(w).producerRestartedSecretNames).toEqual(['vso']);
    expectValid(chart);
  });

  test('NONE: no annotations', () => {
    const { chart, deployment, container } = setup();
    new SecretConsumer(chart, 'C', { workload: deployment, reload: { mode: ReloadMode.NONE } })
      .mount(container, KubernetesSecret.fromSecretName(chart, 'E', { name: 'e', namespace: 'secrets-demo' }), { path: '/e' });
    expect(find(chart, 'Deployment')[0].metadata.annotations).toBeUndefined();
  });

  test('pause period on a Deployment', () => {
    const { chart, deployment, container } = setup();
    new SecretConsumer(chart, 'C', { workload: deployment, reload: { pausePeriod: Duration.minutes(5) } })
      .mount(container, KubernetesSecret.fromSecretName(chart, 'E', { name: 'e', namespace: 'secrets-demo' }), { path: '/e' });
    expect(find(chart, 'Deployment')[0].metadata.annotations).toEqual({
      'deployment.reloader.stakater.com/pause-period': '5m',
      'secret.reloader.stakater.com/reload': 'e',
    });
    expectValid(chart);
  });

  test('pause period elsewhere, with NONE, or not positive is rejected', () => {
    const chart = Testing.chart();
    const sts = new kplus.DaemonSet(chart, 'S', { metadata: { namespace: 'ns' } });
    expect(() => new SecretConsumer(chart, 'C1', { workload: sts, reload: { pausePeriod: Duration.minutes(5) } }))
      .toThrow(/reload\.pausePeriod: works on Deployments only.*\(got "DaemonSet"\)/);
    const d1 = new kplus.Deployment(chart, 'D1', { metadata: { namespace: 'ns' } });
    expect(() => new SecretConsumer(chart, 'C2', { workload: d1, reload: { mode: ReloadMode.NONE, pausePeriod: Duration.minutes(1) } }))
      .toThrow(/reload\.pausePeriod: has no effect with ReloadMode\.NONE/);
    const d2 = new kplus.Deployment(chart, 'D2', { metadata: { namespace: 'ns' } });
    expect(() => new SecretConsumer(chart, 'C3', { workload: d2, reload: { pausePeriod: Duration.seconds(0) } }))
      .toThrow(/reload\.pausePeriod: must be positive/);
  });
});

describe('every workload kind', () => {
  test.each(['StatefulSet', 'DaemonSet', 'Job', 'CronJob'])('%s mounts and is annotated on its own metadata', (kind) => {
    const chart = Testing.chart();
    const common = { metadata: { name: 'w', namespace: 'apps' }, securityContext: { fsGroup: 3000 } };
    const w: kplus.Workload = kind === 'StatefulSet' ? new kplus.StatefulSet(chart, 'W', { ...common, service: new kplus.Service(chart, 'Svc', { metadata: { namespace: 'apps' }, ports: [{ port: 80 }] }) })
      : kind === 'DaemonSet' ? new kplus.DaemonSet(chart, 'W', common)
        : kind === 'Job' ? new kplus.Job(chart, 'W', common)
          : new kplus.CronJob(chart, 'W', { ...common, schedule: { expressionString: '0 * * * *' } as any });
    const c = w.addContainer({ image: 'busybox:1.36', portNumber: 80 });
    SecretConsumer.of(w).mount(c, KubernetesSecret.fromSecretName(chart, 'S', { name: 'app-secret', namespace: 'apps' }), { path: '/etc/app' });
    const obj = find(chart, kind)[0];
    expect(obj.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'app-secret' });
    const podSpec = kind === 'CronJob' ? obj.spec.jobTemplate.spec.template.spec : obj.spec.template.spec;
    expect(podSpec.volumes).toEqual([{ name: 'secret-app-secret', secret: { secretName: 'app-secret', defaultMode: 0o400 } }]);
    expectValid(chart);
  });
});

describe('namespaces, containers and consumers', () => {
  test('a Secret of another namespace is rejected', () => {
    const { chart, deployment, container } = setup();
    const other = KubernetesSecret.fromSecretName(chart, 'O', { name: 'db', namespace: 'prod' });
    expect(() => SecretConsumer.of(deployment).mount(container, other, { path: '/db' }))
      .toThrow(/secret: is in namespace "prod" but workload "app" runs in "secrets-demo".*\(got "prod\/db"\)/);
    expect(() => SecretConsumer.of(deployment).env(container, other, { variables: { X: 'y' } })).toThrow(/is in namespace "prod"/);
    expect(() => SecretConsumer.of(deployment).readThroughApi(other)).toThrow(/is in namespace "prod"/);
  });

  test('a container of another workload is rejected', () => {
    const { chart, deployment } = setup();
    const other = new kplus.Deployment(chart, 'Other', { metadata: { namespace: 'secrets-demo' } });
    const foreign = other.addContainer({ image: 'x:1', name: 'foreign' });
    const s = KubernetesSecret.fromSecretName(chart, 'S', { name: 's', namespace: 'secrets-demo' });
    expect(() => SecretConsumer.of(deployment).mount(foreign, s, { path: '/s' })).toThrow(/container: is not a container of workload/);
  });

  test('a workload without a namespace is rejected', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'D');
    expect(() => SecretConsumer.of(d)).toThrow(/workload: has no namespace/);
  });

  test('one consumer per workload: of() returns it; a second is rejected', () => {
    const { chart, deployment } = setup();
    const first = new SecretConsumer(chart, 'C', { workload: deployment });
    expect(SecretConsumer.of(deployment)).toBe(first);
    expect(() => new SecretConsumer(chart, 'C2', { workload: deployment })).toThrow(/workload: already has a SecretConsumer \(test\/C\)/);
  });
});

describe('RBAC from the graph: reading a Secret through the API', () => {
  function apiSetup() {
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'app', namespace: 'production' } });
    const d = new kplus.Deployment(chart, 'D', { metadata: { name: 'api', namespace: 'production' }, serviceAccount: sa, automountServiceAccountToken: true });
    d.addContainer({ image: 'api:1.0.0' });
    return { chart, d, sa };
  }

  test('GIVEN two API reads THEN one Role with get on exactly those names and a RoleBinding to the ServiceAccount', () => {
    const { chart, d } = apiSetup();
    const consumer = SecretConsumer.of(d);
    consumer.readThroughApi(KubernetesSecret.fromSecretName(chart, 'B', { name: 'tls-cert', namespace: 'production' }));
    consumer.readThroughApi(KubernetesSecret.fromSecretName(chart, 'A', { name: 'app-secrets', namespace: 'production' }));
    const [role] = find(chart, 'Role');
    expect(role.metadata.namespace).toBe('production');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['app-secrets', 'tls-cert'], verbs: ['get'] }]);
    const [binding] = find(chart, 'RoleBinding');
    expect(binding.metadata.namespace).toBe('production');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'app', namespace: 'production' }]);
    expect(consumer.apiReadSecretNames).toEqual(['app-secrets', 'tls-cert']);
    // API reads are not Reloader material: the application reads the current value itself.
    expect(find(chart, 'Deployment')[0].metadata.annotations).toBeUndefined();
    expectValid(chart);
  });

  test('nothing grants list, watch or * on secrets', () => {
    const { chart, d } = apiSetup();
    SecretConsumer.of(d).readThroughApi(KubernetesSecret.fromSecretName(chart, 'A', { name: 'a', namespace: 'production' }));
    const verbs = find(chart, 'Role').flatMap((r) => r.rules.flatMap((x: any) => x.verbs));
    expect(verbs).toEqual(['get']);
    for (const r of find(chart, 'Role').flatMap((x) => x.rules)) expect(r.resourceNames.length).toBeGreaterThan(0);
  });

  test('without its own ServiceAccount the workload cannot read through the API', () => {
    const chart = Testing.chart();
    const noSa = new kplus.Deployment(chart, 'NoSa', { metadata: { namespace: 'production' }, automountServiceAccountToken: true });
    const s = KubernetesSecret.fromSecretName(chart, 'S', { name: 's', namespace: 'production' });
    expect(() => SecretConsumer.of(noSa).readThroughApi(s)).toThrow(/workload\.serviceAccount: is not set: the pod would run as the namespace's "default" ServiceAccount/);
  });

  test('GIVEN two pods of one ServiceAccount WHEN one reads through the API and the other mounts the Secret THEN only the reader mounts a token', () => {
    // GIVEN a ServiceAccount with automount off and two workloads that run as it, neither asking for a token
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'app', namespace: 'production' }, automountToken: false });
    const reader = new kplus.Deployment(chart, 'Reader', { metadata: { name: 'reader', namespace: 'production' }, serviceAccount: sa });
    reader.addContainer({ image: 'api:1.0.0' });
    const mounter = new kplus.Deployment(chart, 'Mounter', { metadata: { name: 'mounter', namespace: 'production' }, serviceAccount: sa, securityContext: { fsGroup: 2000 } });
    const c = mounter.addContainer({ image: 'web:1.0.0' });
    const s = KubernetesSecret.fromSecretName(chart, 'S', { name: 'app-secrets', namespace: 'production' });

    // WHEN
    SecretConsumer.of(reader).readThroughApi(s);
    SecretConsumer.of(mounter).mount(c, s, { path: '/etc/secrets' });

    // THEN the reader's pod spec mounts the token, the mounter's and the ServiceAccount's do not
    const pod = (name: string) => find(chart, 'Deployment').find((d) => d.metadata.name === name).spec.template.spec;
    expect(pod('reader').automountServiceAccountToken).toBe(true);
    expect(pod('mounter').automountServiceAccountToken).toBe(false);
    expect(find(chart, 'ServiceAccount')[0].automountServiceAccountToken).toBe(false);
    expect(find(chart, 'Role')[0].rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['app-secrets'], verbs: ['get'] }]);
    expectValid(chart);
  });
});
