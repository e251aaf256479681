import * as kms from 'aws-cdk-lib/aws-kms';
import { Duration } from 'cdk8s';
import {
  AwsAuth, ClusterSecretStore, PushSecret, PushSecretDeletionPolicy, PushSecretUpdatePolicy, RemoteRefOperation, SecretStore,
  SecretsManagerEntry, StoreProvider,
} from '../../src';
import { expectValid } from '../harness';
import { SM_ARN, objects, statements, world } from './fixtures';

function store(w: ReturnType<typeof world>, parameterStore = false) {
  const provider = parameterStore
    ? StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) })
    : StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) });
  return new SecretStore(w.chart, parameterStore ? 'Ssm' : 'Sm', { name: parameterStore ? 'ssm' : 'sm', namespace: 'secrets-demo', provider });
}

describe('PushSecret', () => {
  test('GIVEN a push by name WHEN synthesized THEN the manifest has explicit defaults and write actions are granted on that ARN only', () => {
    // GIVEN
    const w = world();
    // WHEN
    const push = new PushSecret(w.chart, 'Push', {
      name: 'push-db',
      namespace: 'secrets-demo',
      store: store(w),
      sourceSecretName: 'db-credentials',
      data: [{ secretKey: 'password', remoteKey: 'backup/db', property: 'password' }],
    });
    // THEN
    const [obj] = objects(w.chart, 'PushSecret');
    expect(obj.apiVersion).toBe('external-secrets.io/v1alpha1');
    expect(obj.spec).toEqual({
      refreshInterval: '1h0m0s',
      updatePolicy: 'Replace',
      deletionPolicy: 'None',
      secretStoreRefs: [{ kind: 'SecretStore', name: 'sm' }],
      selector: { secret: { name: 'db-credentials' } },
      data: [{ conversionStrategy: 'None', match: { secretKey: 'password', remoteRef: { remoteKey: 'backup/db', property: 'password' } } }],
    });
    expect(statements(w.stack)).toEqual([{
      Effect: 'Allow',
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:DeleteResourcePolicy', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      Resource: SM_ARN('backup/db'),
    }]);
    expect(push.remoteRefs[0].operation).toBe(RemoteRefOperation.WRITE);
    expectValid(w.chart);
  });

  test('GIVEN deletionPolicy Delete and an entry with a CMK THEN DeleteSecret and kms Decrypt/Encrypt/GenerateDataKey with ViaService are granted', () => {
    const w = world();
    const key = kms.Key.fromKeyArn(w.stack, 'Key', 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'backup/app', encryptionKey: key, tags: { 'managed-by': 'external-secrets' } });
    new PushSecret(w.chart, 'Push', {
      namespace: 'secrets-demo',
      store: store(w),
      sourceSecretName: 'app',
      deletionPolicy: PushSecretDeletionPolicy.DELETE,
      updatePolicy: PushSecretUpdatePolicy.IF_NOT_EXISTS,
      data: [{ secretsManagerEntry: entry }],
    });
    const st = statements(w.stack);
    expect(st).toHaveLength(2);
    expect(st[0]).toEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:DeleteResourcePolicy', 'secretsmanager:DeleteSecret', 'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      Resource: SM_ARN('backup/app'),
    });
    expect(st).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
      Resource: key.keyArn,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
    });
    const spec = objects(w.chart, 'PushSecret')[0].spec;
    expect(spec.deletionPolicy).toBe('Delete');
    expect(spec.updatePolicy).toBe('IfNotExists');
    expect(spec.data[0].match).toEqual({ remoteRef: { remoteKey: 'backup/app' } });
    expectValid(w.chart);
  });

  test('GIVEN a Parameter Store push THEN ssm write actions on the parameter ARN', () => {
    const w = world();
    new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: store(w, true), sourceSecretName: 'app', data: [{ secretKey: 'token', remoteKey: '/app/token' }] });
    expect(statements(w.stack)).toEqual([{
      Effect: 'Allow',
      Action: ['ssm:AddTagsToResource', 'ssm:GetParameter', 'ssm:ListTagsForResource', 'ssm:PutParameter', 'ssm:RemoveTagsFromResource'],
      Resource: 'arn:aws:ssm:eu-central-1:111122223333:parameter/app/token',
    }]);
  });

  describe('errors', () => {
    test('GIVEN a SecretStore in another namespace THEN it throws', () => {
      const w = world();
      expect(() => new PushSecret(w.chart, 'Push', { namespace: 'other', store: store(w), sourceSecretName: 'a', data: [{ remoteKey: 'x' }] }))
        .toThrow(/store: is a SecretStore in another namespace than the PushSecret/);
    });

    test('GIVEN the same remote key twice THEN it throws', () => {
      const w = world();
      expect(() => new PushSecret(w.chart, 'Push', {
        namespace: 'secrets-demo', store: store(w), sourceSecretName: 'a', data: [{ secretKey: 'a', remoteKey: 'x' }, { secretKey: 'b', remoteKey: 'x' }],
      })).toThrow(/data\[1\].remoteKey: is written twice/);
    });

    test('GIVEN no data THEN it throws', () => {
      const w = world();
      expect(() => new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: store(w), sourceSecretName: 'a', data: [] })).toThrow(/data: is empty/);
    });

    test('GIVEN a data entry without remote key THEN it throws', () => {
      const w = world();
      expect(() => new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: store(w), sourceSecretName: 'a', data: [{ secretKey: 'a' }] }))
        .toThrow(/data\[0\].remoteKey: needs a remote key/);
    });

    test('GIVEN a remoteKey that differs from the entry name THEN it throws (the grant would name another secret)', () => {
      const w = world();
      const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'backup/app' });
      expect(() => new PushSecret(w.chart, 'Push', {
        namespace: 'secrets-demo', store: store(w), sourceSecretName: 'a', data: [{ remoteKey: 'backup/other', secretsManagerEntry: entry }],
      })).toThrow(/data\[0\].remoteKey: differs from the name of secretsManagerEntry \(backup\/app\)/);
    });

    test('GIVEN an entry created without the managed-by tag THEN it throws (ESO would refuse to write it)', () => {
      const w = world();
      const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'backup/app', tags: { team: 'a' } });
      expect(entry.tags).toEqual({ team: 'a' });
      expect(() => new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: store(w), sourceSecretName: 'a', data: [{ secretsManagerEntry: entry }] }))
        .toThrow(/data\[0\].secretsManagerEntry: is created by this program without the tag managed-by=external-secrets.*tags: \{ 'managed-by': 'external-secrets' \}/);
    });

    test('GIVEN an imported entry (tags unknown) THEN the push is accepted', () => {
      const w = world();
      const entry = SecretsManagerEntry.fromSecretName(w.stack, 'Entry', 'backup/app');
      expect(entry.tags).toBeUndefined();
      new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: store(w), sourceSecretName: 'a', data: [{ secretKey: 'a', secretsManagerEntry: entry }] });
      expect(statements(w.stack)[0].Resource).toBe(SM_ARN('backup/app'));
    });

    test('GIVEN a Secrets Manager entry pushed through a Parameter Store store THEN it throws', () => {
      const w = world();
      const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'backup/app' });
      expect(() => new PushSecret(w.chart, 'Push', {
        namespace: 'secrets-demo', store: store(w, true), sourceSecretName: 'a', data: [{ secretsManagerEntry: entry }],
      })).toThrow(/data\[0\].secretsManagerEntry: is a Secrets Manager entry, but store ssm reads from ParameterStore/);
    });

    test('GIVEN a zero refresh interval THEN it throws', () => {
      const w = world();
      expect(() => new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: store(w), sourceSecretName: 'a', refreshInterval: Duration.seconds(0), data: [{ remoteKey: 'x' }] }))
        .toThrow(/refreshInterval: must be longer than zero \(got "0s"\)/);
    });

    test('GIVEN a bad source Secret name THEN it throws', () => {
      const w = world();
      expect(() => new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: store(w), sourceSecretName: 'Bad_Name', data: [{ remoteKey: 'x' }] }))
        .toThrow(/sourceSecretName: must be a DNS-1123 subdomain/);
    });
  });
});

test('GIVEN no namespace anywhere THEN PushSecret throws', () => {
  const w = world();
  expect(() => new PushSecret(w.chart, 'Push', { store: store(w), sourceSecretName: 'a', data: [{ remoteKey: 'x' }] }))
    .toThrow(/namespace: is required because the chart has no namespace/);
});

test('GIVEN a ClusterSecretStore that does not admit the namespace THEN PushSecret throws', () => {
  const w = world();
  const cluster = new ClusterSecretStore(w.chart, 'Cluster', {
    provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
    conditions: [{ namespaces: ['production'] }],
  });
  expect(() => new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: cluster, sourceSecretName: 'a', data: [{ remoteKey: 'x' }] }))
    .toThrow(/store: is a ClusterSecretStore whose conditions do not admit namespace "secrets-demo"/);
});
