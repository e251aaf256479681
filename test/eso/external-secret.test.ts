import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Duration } from 'cdk8s';
import * as cdk8s from 'cdk8s';
import {
  AwsAuth, ClusterExternalSecret, ClusterSecretStore, CreationPolicy, DataFrom, DeletionPolicy, EsoVaultAuth, ExternalSecret,
  MetadataPolicy, RefreshPolicy, RemoteRefOperation, Rewrite, SecretProducerKind, SecretStore, SecretsManagerEntry, StoreProvider,
  TemplateMergePolicy,
} from '../../src';
import { expectValid } from '../harness';
import { SM_ARN, allActions, objects, statements, world } from './fixtures';

function awsStore(w: ReturnType<typeof world>, name = 'secretstore-demo') {
  return new SecretStore(w.chart, `Store-${name}`, {
    name,
    namespace: 'secrets-demo',
    provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
  });
}

describe('ExternalSecret: manifest', () => {
  test('GIVEN seed 000 WHEN synthesized THEN data, target and every API default are explicit', () => {
    // GIVEN
    const w = world();
    const store = awsStore(w);
    // WHEN
    const es = new ExternalSecret(w.chart, 'Demo', {
      name: 'external-secrets-demo',
      namespace: 'secrets-demo',
      store,
      targetName: 'ext-postgres-secret',
      refreshInterval: Duration.minutes(1),
      data: [
        { secretKey: 'username', remoteKey: 'demo/aws-sm/ext-postgres-secret', property: 'username' },
        { secretKey: 'password', remoteKey: 'demo/aws-sm/ext-postgres-secret', property: 'password' },
      ],
    });
    // THEN
    const [obj] = objects(w.chart, 'ExternalSecret');
    expect(obj).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'external-secrets-demo', namespace: 'secrets-demo' },
      spec: {
        refreshInterval: '1m',
        secretStoreRef: { kind: 'SecretStore', name: 'secretstore-demo' },
        target: { name: 'ext-postgres-secret', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: ['username', 'password'].map((k) => ({
          secretKey: k,
          remoteRef: {
            key: 'demo/aws-sm/ext-postgres-secret',
            property: k,
            conversionStrategy: 'Default',
            decodingStrategy: 'None',
            metadataPolicy: 'None',
          },
        })),
      },
    });
    expect(es.secretName).toBe('ext-postgres-secret');
    expect(es.secretNamespace).toBe('secrets-demo');
    expect(es.secretKeys).toEqual(['password', 'username']);
    expect(es.producerKind).toBe(SecretProducerKind.EXTERNAL_SECRETS);
    expect(es.addRolloutRestartTarget({ kind: 'Deployment', name: 'x' })).toBe(false);
    expectValid(w.chart);
  });

  test('GIVEN no refreshInterval THEN the API default 1h0m0s is written', () => {
    const w = world();
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: 'x' }] });
    expect(objects(w.chart, 'ExternalSecret')[0].spec.refreshInterval).toBe('1h0m0s');
  });

  test('GIVEN dataFrom extract+find with rewrites, a template and policies THEN they are rendered and secretKeys is empty', () => {
    const w = world();
    const es = new ExternalSecret(w.chart, 'Es', {
      name: 'app',
      namespace: 'secrets-demo',
      store: awsStore(w),
      refreshPolicy: RefreshPolicy.PERIODIC,
      creationPolicy: CreationPolicy.MERGE,
      deletionPolicy: DeletionPolicy.DELETE,
      dataFrom: [
        DataFrom.extract({ remoteKey: 'prod/myapp/config', rewrite: [Rewrite.regexp('^(.*)$', 'APP_$1')] }),
        DataFrom.find({ path: 'team-a/', nameRegexp: '^team-a/.*', tags: { env: 'prod' }, rewrite: [Rewrite.transform('{{ .value | upper }}')] }),
      ],
      template: {
        type: 'kubernetes.io/basic-auth',
        data: { url: 'postgres://{{ .username }}@db' },
        labels: { app: 'demo' },
        annotations: { owner: 'team-a' },
        mergePolicy: TemplateMergePolicy.MERGE,
      },
    });
    const [obj] = objects(w.chart, 'ExternalSecret');
    expect(obj.spec.refreshPolicy).toBe('Periodic');
    expect(obj.spec.target).toEqual({
      name: 'app',
      creationPolicy: 'Merge',
      deletionPolicy: 'Delete',
      template: {
        engineVersion: 'v2',
        mergePolicy: 'Merge',
        type: 'kubernetes.io/basic-auth',
        data: { url: 'postgres://{{ .username }}@db' },
        metadata: { labels: { app: 'demo' }, annotations: { owner: 'team-a' } },
      },
    });
    expect(obj.spec.dataFrom).toEqual([
      {
        extract: { key: 'prod/myapp/config', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' },
        rewrite: [{ regexp: { source: '^(.*)$', target: 'APP_$1' } }],
      },
      {
        find: { path: 'team-a/', name: { regexp: '^team-a/.*' }, tags: { env: 'prod' }, conversionStrategy: 'Default', decodingStrategy: 'None' },
        rewrite: [{ transform: { template: '{{ .value | upper }}' } }],
      },
    ]);
    expect(es.secretKeys).toEqual([]);
    expectValid(w.chart);
  });

  test('GIVEN a template with Replace THEN secretKeys are the template keys', () => {
    const w = world();
    const es = new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo',
      store: awsStore(w),
      data: [{ secretKey: 'username', remoteKey: 'db', property: 'username' }],
      template: { data: { dsn: 'postgres://{{ .username }}@db' } },
    });
    expect(es.secretKeys).toEqual(['dsn']);
  });

  test('GIVEN a ClusterExternalSecret THEN it embeds the same spec with namespace selectors', () => {
    const w = world();
    const store = new ClusterSecretStore(w.chart, 'Cluster', {
      name: 'aws-secrets-manager',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
      conditions: [{ namespaceLabels: { 'secrets/enabled': 'true' } }],
    });
    new ClusterExternalSecret(w.chart, 'Ces', {
      name: 'shared-config',
      store,
      namespaceSelectors: [{ 'secrets/enabled': 'true' }],
      namespaces: ['extra'],
      refreshTime: Duration.minutes(1),
      data: [{ secretKey: 'api-key', remoteKey: 'prod/myapp/api', property: 'key' }],
    });
    const [obj] = objects(w.chart, 'ClusterExternalSecret');
    expect(obj.spec).toEqual({
      externalSecretName: 'shared-config',
      externalSecretSpec: {
        refreshInterval: '1h0m0s',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
        target: { name: 'shared-config', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [{ secretKey: 'api-key', remoteRef: { key: 'prod/myapp/api', property: 'key', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } }],
      },
      namespaces: ['extra'],
      namespaceSelectors: [{ matchLabels: { 'secrets/enabled': 'true' } }],
      refreshTime: '1m',
    });
    expect(statements(w.stack)).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SM_ARN('prod/myapp/api') }]);
    expectValid(w.chart);
  });

  test('GIVEN a Vault store WHEN ExternalSecrets read it THEN the store and the ExternalSecret expose the remote refs', () => {
    const w = world();
    const store = new ClusterSecretStore(w.chart, 'Vault', {
      name: 'vault',
      provider: StoreProvider.vault({ server: 'https://vault.example.com', path: 'secret', auth: EsoVaultAuth.kubernetes({ role: 'external-secrets' }) }),
      conditions: [{ namespaces: ['production'] }],
    });
    const es = new ExternalSecret(w.chart, 'Es', {
      name: 'vault-secrets',
      namespace: 'production',
      store,
      refreshInterval: Duration.minutes(30),
      data: [
        { secretKey: 'database-password', remoteKey: 'production/database', property: 'password', version: '3' },
        { secretKey: 'api-key', remoteKey: 'production/api', property: 'key' },
      ],
    });
    expect(store.remoteRefs.map((r) => [r.operation, r.key, r.property, r.version, r.storeName, r.storeKind])).toEqual([
      [RemoteRefOperation.READ, 'production/database', 'password', '3', 'vault', 'ClusterSecretStore'],
      [RemoteRefOperation.READ, 'production/api', 'key', undefined, 'vault', 'ClusterSecretStore'],
    ]);
    expect(es.remoteRefs).toHaveLength(2);
    expect(es.remoteRefs[0].consumer).toBe(es.node.path);
    expect(statements(w.stack)).toEqual([]);
    expectValid(w.chart);
  });
});

describe('ExternalSecret: derived least privilege', () => {
  test('GIVEN data by name THEN GetSecretValue on <name>-?????? only, no DescribeSecret, no ListSecretVersionIds', () => {
    const w = world();
    new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo',
      store: awsStore(w),
      data: [
        { secretKey: 'username', remoteKey: 'demo/aws-sm/ext-postgres-secret', property: 'username' },
        { secretKey: 'password', remoteKey: 'demo/aws-sm/ext-postgres-secret', property: 'password' },
      ],
    });
    Template.fromStack(w.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SM_ARN('demo/aws-sm/ext-postgres-secret') }] },
      Roles: [{ Ref: Match.anyValue() }],
    });
    expect(allActions(w.stack)).toEqual(['secretsmanager:GetSecretValue']);
    expect(JSON.stringify(Template.fromStack(w.stack).toJSON())).not.toContain('ListSecretVersionIds');
  });

  test('GIVEN extract of an entry with a CMK THEN GetSecretValue on its ARN and kms:Decrypt with kms:ViaService', () => {
    const w = world();
    const key = new kms.Key(w.stack, 'Key');
    const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'secrets-demo/app', encryptionKey: key });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), dataFrom: [DataFrom.extract({ secretsManagerEntry: entry })] });
    const keyId = w.stack.getLogicalId(key.node.defaultChild as cdk.CfnElement);
    expect(statements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SM_ARN('secrets-demo/app') },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
      },
    ]);
    expect(objects(w.chart, 'ExternalSecret')[0].spec.dataFrom[0].extract.key).toBe('secrets-demo/app');
  });

  test('GIVEN metadataPolicy Fetch THEN DescribeSecret (the tags), not GetSecretValue, on that ARN', () => {
    const w = world();
    new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo',
      store: awsStore(w),
      data: [{ secretKey: 'tags', remoteKey: 'app/db', metadataPolicy: MetadataPolicy.FETCH }],
    });
    expect(statements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: SM_ARN('app/db') },
    ]);
    expect(objects(w.chart, 'ExternalSecret')[0].spec.data[0].remoteRef.metadataPolicy).toBe('Fetch');
  });

  test('GIVEN find by name under a path THEN ListSecrets/BatchGetSecretValue on * (the one allowed case) and GetSecretValue on the path prefix', () => {
    const w = world();
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), dataFrom: [DataFrom.find({ path: 'team-a/', nameRegexp: '.*' })] });
    expect(statements(w.stack)).toEqual([
      { Effect: 'Allow', Action: ['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets'], Resource: '*' },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:team-a/*' },
    ]);
  });

  test('GIVEN find by tags with a read scope THEN GetSecretValue on the scope patterns', () => {
    const w = world();
    new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo',
      store: awsStore(w),
      dataFrom: [DataFrom.find({ tags: { team: 'a' }, readScope: ['shared/*', 'exact'] })],
    });
    expect(statements(w.stack)[1]).toEqual({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: ['arn:aws:secretsmanager:eu-central-1:111122223333:secret:shared/*', SM_ARN('exact')],
    });
  });

  test('GIVEN find by name with allowReadAnySecret THEN GetSecretValue on * only through that option', () => {
    const w = world();
    new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo',
      store: awsStore(w),
      dataFrom: [DataFrom.find({ nameRegexp: '.*-config$', allowReadAnySecret: true })],
    });
    expect(statements(w.stack)[1]).toEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' });
  });

  test('GIVEN a Parameter Store store THEN ssm:GetParameter on the parameter ARN', () => {
    const w = world();
    const store = new SecretStore(w.chart, 'Ssm', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'url', remoteKey: '/app/db/url' }] });
    expect(statements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:eu-central-1:111122223333:parameter/app/db/url' },
    ]);
    expectValid(w.chart);
  });

  test('GIVEN controller identity auth THEN the grants go to the controller identity role', () => {
    const w = world();
    const store = new SecretStore(w.chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(w.identity) }),
    });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    Template.fromStack(w.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: w.stack.getLogicalId(w.identity.role.node.defaultChild as cdk.CfnElement) }],
    });
  });

  test('GIVEN static keys without grantee THEN nothing is granted and the store warns', () => {
    const w = world();
    const store = new SecretStore(w.chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.staticAccessKeys({ secretName: 'aws-secret' }) }),
    });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    expect(statements(w.stack)).toEqual([]);
    expect(store.node.metadata.map((m) => String(m.data)).join('\n')).toMatch(/permissions for its ExternalSecrets are not derived/);
  });

  test('GIVEN the YAML THEN no token string reaches it', () => {
    const w = world();
    const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'secrets-demo/app' });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', secretsManagerEntry: entry, property: 'a' }] });
    const yaml = cdk8s.Testing.synth(w.chart).map((o) => JSON.stringify(o)).join('\n');
    expect(yaml).not.toContain('${Token[');
    expectValid(w.chart);
  });
});

describe('ExternalSecret: errors', () => {
  test('GIVEN duplicate secretKeys THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo',
      store: awsStore(w),
      data: [{ secretKey: 'a', remoteKey: 'x' }, { secretKey: 'a', remoteKey: 'y' }],
    })).toThrow(/data\[1\].secretKey: is used twice/);
  });

  test('GIVEN refreshInterval of zero THEN refresh is disabled; GIVEN minutes THEN a single-unit Go duration is written', () => {
    const w = world();
    const store = awsStore(w);
    const off = new ExternalSecret(w.chart, 'Off', {
      namespace: 'secrets-demo', store, refreshInterval: Duration.seconds(0), data: [{ secretKey: 'a', remoteKey: 'x' }],
    });
    const five = new ExternalSecret(w.chart, 'Five', {
      namespace: 'secrets-demo', store, refreshInterval: Duration.minutes(5), data: [{ secretKey: 'a', remoteKey: 'x' }],
    });
    const half = new ExternalSecret(w.chart, 'Half', {
      namespace: 'secrets-demo', store, refreshInterval: Duration.millis(500), data: [{ secretKey: 'a', remoteKey: 'x' }],
    });
    expect(off.apiObject.toJson().spec.refreshInterval).toBe('0s');
    expect(five.apiObject.toJson().spec.refreshInterval).toBe('5m');
    expect(half.apiObject.toJson().spec.refreshInterval).toBe('500ms');
  });

  test('GIVEN a bad ExternalSecret name THEN it throws a DNS error', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', {
      name: 'Bad', namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: 'x' }],
    })).toThrow(/name: must be a DNS-1123 subdomain/);
  });

  test('GIVEN a bad secretKey THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a/b', remoteKey: 'x' }] }))
      .toThrow(/data\[0\].secretKey: must be a valid Secret data key/);
  });

  test('GIVEN a SecretStore in another namespace THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'other', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/store: is a SecretStore in another namespace than the ExternalSecret \(other\)/);
  });

  test('GIVEN a store this program does not define THEN it throws, unless definedOutsideProgram', () => {
    const w = world();
    const missing = SecretStore.fromSecretStoreName(w.chart, 'Missing', 'shared', 'secrets-demo');
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: missing, data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/store: references a store that this program does not define.*definedOutsideProgram/);

    const external = ClusterSecretStore.fromClusterSecretStoreName(w.chart, 'External', 'platform-store', { definedOutsideProgram: true });
    new ExternalSecret(w.chart, 'Es2', { namespace: 'secrets-demo', store: external, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    expect(objects(w.chart, 'ExternalSecret')[0].spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'platform-store' });
    expect(statements(w.stack)).toEqual([]);
  });

  test('GIVEN a store imported by name that the program defines THEN it resolves to the definition and grants', () => {
    const w = world();
    awsStore(w, 'shared');
    const byName = SecretStore.fromSecretStoreName(w.chart, 'ByName', 'shared', 'secrets-demo');
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: byName, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    expect(statements(w.stack)).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SM_ARN('x') }]);
  });

  test('GIVEN a token remote key THEN it throws', () => {
    const w = world();
    const token = new cdk.CfnParameter(w.stack, 'Key').valueAsString;
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: token }] }))
      .toThrow(/data\[0\].remoteKey: is an unresolved CDK token/);
  });

  test('GIVEN no data and no dataFrom THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w) })).toThrow(/data: is empty and there is no dataFrom/);
  });

  test('GIVEN a data entry without key THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a' }] }))
      .toThrow(/data\[0\].remoteKey: needs a remote key/);
  });

  test('GIVEN an entry in a region the store does not read THEN it throws', () => {
    const w = world();
    const other = new cdk.Stack(w.awsApp, 'Other', { env: { account: '111122223333', region: 'us-east-1' } });
    const entry = new SecretsManagerEntry(other, 'Entry', { secretName: 'app/db' });
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', secretsManagerEntry: entry }] }))
      .toThrow(/region: is not a region where secret "app\/db" is stored or replicated/);
  });

  test('GIVEN an entry on a Parameter Store store THEN it throws', () => {
    const w = world();
    const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'app/db' });
    const store = new SecretStore(w.chart, 'Ssm', {
      namespace: 'secrets-demo', provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'a', secretsManagerEntry: entry }] }))
      .toThrow(/secretsManagerEntry: is a Secrets Manager entry, but store .* reads from ParameterStore/);
  });

  test('GIVEN a find without path, name or tags THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), dataFrom: [DataFrom.find({})] }))
      .toThrow(/dataFrom\[0\].find: has no path, nameRegexp or tags/);
  });

  test('GIVEN a find with only a path on an AWS store THEN it throws (ESO: "unexpected find operator")', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), dataFrom: [DataFrom.find({ path: 'team-a/' })] }))
      .toThrow(/dataFrom\[0\].find: has only a path; ESO's SecretsManager provider finds by name or by tags.*\(got "team-a\/"\).*nameRegexp: "\.\*"/);
    const ssm = new SecretStore(w.chart, 'Ssm', {
      namespace: 'secrets-demo', provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    expect(() => new ExternalSecret(w.chart, 'Es2', { namespace: 'secrets-demo', store: ssm, dataFrom: [DataFrom.find({ path: '/app/' })] }))
      .toThrow(/has only a path; ESO's ParameterStore provider/);
  });

  test('GIVEN a find by name without scope THEN it throws asking for the explicit option', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), dataFrom: [DataFrom.find({ nameRegexp: '^a' })] }))
      .toThrow(/dataFrom.find: finds secrets by name or tags without a path.*allowReadAnySecret/);
  });

  test('GIVEN a bad find regexp THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), dataFrom: [DataFrom.find({ nameRegexp: '((' })] }))
      .toThrow(/dataFrom\[0\].find.nameRegexp: is not a valid regular expression/);
  });

  test('GIVEN a ClusterExternalSecret on a namespaced store THEN it throws', () => {
    const w = world();
    expect(() => new ClusterExternalSecret(w.chart, 'Ces', { store: awsStore(w), namespaces: ['a'], data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/store: is a namespaced SecretStore/);
  });

  test('GIVEN a ClusterExternalSecret without namespaces THEN it throws', () => {
    const w = world();
    const store = ClusterSecretStore.fromClusterSecretStoreName(w.chart, 'C', 'c', { definedOutsideProgram: true });
    expect(() => new ClusterExternalSecret(w.chart, 'Ces', { store, data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/namespaceSelectors: and namespaces are both empty/);
  });
});

describe('ExternalSecret: more errors and Parameter Store finds', () => {
  test('GIVEN a remoteKey that differs from the entry name THEN it throws', () => {
    const w = world();
    const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'app/db' });
    expect(() => new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: 'app/other', secretsManagerEntry: entry }],
    })).toThrow(/data\[0\].remoteKey: differs from the name of secretsManagerEntry \(app\/db\)/);
  });

  test('GIVEN an entry read through a store with a key prefix THEN it throws (ESO would read another secret)', () => {
    const w = world();
    const entry = new SecretsManagerEntry(w.stack, 'Entry', { secretName: 'app/db' });
    const store = new SecretStore(w.chart, 'Prefixed', {
      name: 'prefixed',
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', prefix: 'team-a/', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, dataFrom: [DataFrom.extract({ secretsManagerEntry: entry })] }))
      .toThrow(/dataFrom\[0\].extract.secretsManagerEntry: is used through store prefixed, which adds the prefix "team-a\/"/);
  });

  test('GIVEN a remote key through a store with a prefix THEN the grant is on the prefixed name', () => {
    const w = world();
    const store = new SecretStore(w.chart, 'Prefixed', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', prefix: 'team-a/', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'a', remoteKey: 'db' }] });
    expect(objects(w.chart, 'ExternalSecret')[0].spec.data[0].remoteRef.key).toBe('db');
    expect(objects(w.chart, 'SecretStore')[0].spec.provider.aws.prefix).toBe('team-a/');
    expect(statements(w.stack)).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SM_ARN('team-a/db') }]);
    expectValid(w.chart);
  });

  test('GIVEN a Parameter Store read with metadataPolicy Fetch THEN ssm:ListTagsForResource (the tags), not GetParameter', () => {
    const w = world();
    const store = new SecretStore(w.chart, 'Ssm', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'tags', remoteKey: '/app/db', metadataPolicy: MetadataPolicy.FETCH }] });
    const arn = 'arn:aws:ssm:eu-central-1:111122223333:parameter/app/db';
    expect(statements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'ssm:ListTagsForResource', Resource: arn },
    ]);
  });

  test('GIVEN a zero ClusterExternalSecret refreshTime THEN it throws', () => {
    const w = world();
    const store = ClusterSecretStore.fromClusterSecretStoreName(w.chart, 'C', 'c', { definedOutsideProgram: true });
    expect(() => new ClusterExternalSecret(w.chart, 'Ces', { store, namespaces: ['a'], refreshTime: Duration.seconds(0), data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/\[.*Ces\] refreshTime: must be longer than zero \(got "0s"\)/);
  });

  test('GIVEN a bad template data key THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: 'x' }], template: { data: { 'a b': '{{ .a }}' } },
    })).toThrow(/template.data.a b: must be a valid Secret data key/);
  });

  test('GIVEN no namespace anywhere THEN it throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'Es', { store: awsStore(w), data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/namespace: is required because the chart has no namespace/);
  });

  test('GIVEN a grantee that is not a construct THEN it throws', () => {
    const w = world();
    const store = new SecretStore(w.chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({
        region: 'eu-central-1', auth: AwsAuth.staticAccessKeys({ secretName: 'aws-secret', grantee: new iam.AnyPrincipal() }),
      }),
    });
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/provider.auth: has a grantee that is not a construct/);
  });

  test('GIVEN static keys with an IAM user grantee THEN the user gets the derived statement', () => {
    const w = world();
    const user = new iam.User(w.stack, 'EsoUser');
    const store = new SecretStore(w.chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.staticAccessKeys({ secretName: 'aws-secret', grantee: user }) }),
    });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    Template.fromStack(w.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SM_ARN('x') }] },
      Users: [{ Ref: w.stack.getLogicalId(user.node.defaultChild as cdk.CfnElement) }],
    });
  });

  test('GIVEN a Parameter Store find by path THEN DescribeParameters on * and reads under the path', () => {
    const w = world();
    const store = new SecretStore(w.chart, 'Ssm', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, dataFrom: [DataFrom.find({ path: '/app/', nameRegexp: '.*' })] });
    expect(statements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'ssm:DescribeParameters', Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        Resource: ['arn:aws:ssm:eu-central-1:111122223333:parameter/app', 'arn:aws:ssm:eu-central-1:111122223333:parameter/app/*'],
      },
    ]);
  });

  test('GIVEN a Parameter Store find by tags without scope THEN it throws', () => {
    const w = world();
    const store = new SecretStore(w.chart, 'Ssm', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, dataFrom: [DataFrom.find({ tags: { a: 'b' } })] }))
      .toThrow(/dataFrom.find: finds parameters by name or tags without a path/);
  });

  test('GIVEN a complete ARN as remote key THEN the grant is on exactly that ARN', () => {
    const w = world();
    const arn = 'arn:aws:secretsmanager:eu-central-1:444455556666:secret:shared/db-AbCdEf';
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: arn }] });
    expect(statements(w.stack)).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn }]);
  });
});

test('GIVEN a find over CMK-encrypted secrets THEN kms:Decrypt with ViaService on the listed keys', () => {
  const w = world();
  const key = kms.Key.fromKeyArn(w.stack, 'Key', 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), dataFrom: [DataFrom.find({ path: 'team-a/', nameRegexp: '.*', encryptionKeys: [key] })] });
  expect(statements(w.stack)[2]).toEqual({
    Effect: 'Allow',
    Action: 'kms:Decrypt',
    Resource: key.keyArn,
    Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
  });
});

describe('ExternalSecret: growing after construction', () => {
  test('GIVEN addData and addDataFrom WHEN synthesized THEN entries are rendered, keys updated and grants derived', () => {
    // GIVEN
    const w = world();
    const es = new ExternalSecret(w.chart, 'Es', { name: 'app', namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: 'x' }] });
    // WHEN
    es.addData({ secretKey: 'b', remoteKey: 'y', property: 'b' });
    expect(es.secretKeys).toEqual(['a', 'b']);
    es.addDataFrom(DataFrom.extract({ remoteKey: 'z' }));
    // THEN
    const spec = objects(w.chart, 'ExternalSecret')[0].spec;
    expect(spec.data.map((d: any) => d.secretKey)).toEqual(['a', 'b']);
    expect(spec.dataFrom).toEqual([{ extract: { key: 'z', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } }]);
    expect(es.secretKeys).toEqual([]);
    expect(statements(w.stack).map((s) => s.Resource)).toEqual([SM_ARN('x'), SM_ARN('y'), SM_ARN('z')]);
    expect(es.remoteRefs.map((r) => r.key)).toEqual(['x', 'y', 'z']);
    expectValid(w.chart);
  });

  test('GIVEN addData with a used secretKey THEN it throws', () => {
    const w = world();
    const es = new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: awsStore(w), data: [{ secretKey: 'a', remoteKey: 'x' }] });
    expect(() => es.addData({ secretKey: 'a', remoteKey: 'y' })).toThrow(/data\[1\].secretKey: is used twice/);
  });
});

describe('ClusterSecretStore conditions vs consumers', () => {
  function clusterStore(w: ReturnType<typeof world>) {
    return new ClusterSecretStore(w.chart, 'Cluster', {
      name: 'shared',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
      conditions: [{ namespaces: ['production'] }, { namespaceRegexes: ['^team-[a-z]+$'] }],
    });
  }

  test('GIVEN namespaces admitted by name or regex THEN ExternalSecrets are accepted', () => {
    const w = world();
    const store = clusterStore(w);
    expect(store.admitsNamespace('production')).toBe(true);
    expect(store.admitsNamespace('team-a')).toBe(true);
    new ExternalSecret(w.chart, 'A', { namespace: 'team-a', store, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    expect(objects(w.chart, 'ExternalSecret')).toHaveLength(1);
  });

  test('GIVEN a namespace the conditions do not admit THEN the ExternalSecret throws', () => {
    const w = world();
    expect(() => new ExternalSecret(w.chart, 'A', { namespace: 'staging', store: clusterStore(w), data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/store: is a ClusterSecretStore whose conditions do not admit namespace "staging"/);
  });

  test('GIVEN a ClusterExternalSecret namespace the conditions do not admit THEN it throws', () => {
    const w = world();
    expect(() => new ClusterExternalSecret(w.chart, 'C', { store: clusterStore(w), namespaces: ['staging'], data: [{ secretKey: 'a', remoteKey: 'x' }] }))
      .toThrow(/namespaces\[0\]: is not admitted by the conditions of ClusterSecretStore shared/);
  });

  test('GIVEN a label condition THEN any namespace is admitted (labels are known at run time)', () => {
    const w = world();
    const store = new ClusterSecretStore(w.chart, 'Labels', {
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
      conditions: [{ namespaceLabels: { team: 'a' } }],
    });
    expect(store.admitsNamespace('anything')).toBe(true);
  });
});
