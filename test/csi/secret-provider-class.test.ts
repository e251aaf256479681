import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import YAML from 'yaml';
import {
  AwsCsiObject, AwsSecretProviderClass, ClusterTarget, CsiSyncedSecret, SecretConsumer, SecretProducerKind,
  SecretsApp, SecretsManagerEntry, SyncedSecretType, WorkloadIdentity,
} from '../../src';
import { expectValid } from '../harness';

function seedClass(chart = Testing.chart()) {
  const spc = new AwsSecretProviderClass(chart, 'AwsSecrets', {
    name: 'aws-secrets',
    namespace: 'production',
    objects: [AwsCsiObject.secretsManager({
      secretName: 'prod/myapp/database',
      jmesPath: [{ path: 'username', objectAlias: 'db_username' }, { path: 'password', objectAlias: 'db_password' }],
    })],
  });
  return { chart, spc };
}

function awsRole() {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'Iam', { env: { account: '111122223333', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'PodRole', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
  return { stack, role };
}

function policyStatements(stack: cdk.Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('seed 001: SecretProviderClass aws-secrets with jmesPath and secretObjects', () => {
  test('GIVEN the seed objects THEN spec.parameters.objects is YAML in a string and secretObjects sync db-credentials', () => {
    const { chart, spc } = seedClass();
    const synced = spc.addSecretObject({
      secretName: 'db-credentials',
      data: [{ objectName: 'db_username', key: 'username' }, { objectName: 'db_password', key: 'password' }],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1');
    expect(obj.kind).toBe('SecretProviderClass');
    expect(obj.metadata).toEqual({ name: 'aws-secrets', namespace: 'production' });
    expect(obj.spec.provider).toBe('aws');
    expect(Object.keys(obj.spec.parameters)).toEqual(['objects']);
    expect(typeof obj.spec.parameters.objects).toBe('string');
    expect(YAML.parse(obj.spec.parameters.objects)).toEqual([{
      objectName: 'prod/myapp/database',
      objectType: 'secretsmanager',
      jmesPath: [{ path: 'username', objectAlias: 'db_username' }, { path: 'password', objectAlias: 'db_password' }],
    }]);
    expect(obj.spec.secretObjects).toEqual([{
      secretName: 'db-credentials',
      type: 'Opaque',
      data: [{ objectName: 'db_username', key: 'username' }, { objectName: 'db_password', key: 'password' }],
    }]);
    expect(spc.fileNames).toEqual(['db_password', 'db_username', 'prod_myapp_database']);
    expect(synced.secretName).toBe('db-credentials');
    expect(synced.secretNamespace).toBe('production');
    expect(synced.secretKeys).toEqual(['username', 'password']);
    expect(synced.producerKind).toBe(SecretProducerKind.SECRETS_STORE_CSI);
    expect(synced.addRolloutRestartTarget({ kind: 'Deployment', name: 'x' })).toBe(false);
    expect(CsiSyncedSecret.isCsiSyncedSecret(synced)).toBe(true);
    expect(CsiSyncedSecret.isCsiSyncedSecret(spc)).toBe(false);
    expectValid(chart);
  });

  test('GIVEN the seed pod THEN the CSI volume is read-only with volumeAttributes, and DB_PASSWORD comes from the synced Secret', () => {
    const { chart, spc } = seedClass();
    const synced = spc.addSecretObject({ secretName: 'db-credentials', data: [{ objectName: 'db_username', key: 'username' }, { objectName: 'db_password', key: 'password' }] });
    const sa = new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'app', namespace: 'production' } });
    const app = new kplus.Deployment(chart, 'App', { metadata: { name: 'app', namespace: 'production' }, serviceAccount: sa });
    const c = app.addContainer({ name: 'app', image: 'myapp:1.0.0' });
    const consumer = SecretConsumer.of(app);
    consumer.mountSecretProviderClass(c, spc, { path: '/mnt/secrets' });
    consumer.env(c, synced, { variables: { DB_PASSWORD: 'password' } });
    const dep = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    const pod = dep.spec.template.spec;
    expect(pod.serviceAccountName).toBe('app');
    expect(pod.volumes).toEqual([{ name: 'csi-aws-secrets', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'aws-secrets' } } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'csi-aws-secrets', mountPath: '/mnt/secrets', readOnly: true }]);
    expect(pod.containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }]);
    expect(dep.metadata.annotations).toEqual({
      'secret.reloader.stakater.com/reload': 'db-credentials',
      'secretproviderclass.reloader.stakater.com/reload': 'aws-secrets',
    });
    expectValid(chart);
  });

  test('consuming a synced Secret alone mounts the class too (the driver writes the Secret only while a pod mounts it)', () => {
    const { chart, spc } = seedClass();
    const synced = spc.addSecretObject({ secretName: 'db-credentials', data: [{ objectName: 'db_password', key: 'password' }] });
    const app = new kplus.Deployment(chart, 'App', { metadata: { name: 'app', namespace: 'production' }, securityContext: { fsGroup: 1 } });
    const c = app.addContainer({ name: 'app', image: 'myapp:1.0.0' });
    SecretConsumer.of(app).mount(c, synced, { path: '/etc/db' });
    SecretConsumer.of(app).env(c, synced, { variables: { DB_PASSWORD: 'password' } });
    const dep = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    const pod = dep.spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['secret-db-credentials', 'csi-aws-secrets']);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'secret-db-credentials', mountPath: '/etc/db', readOnly: true },
      { name: 'csi-aws-secrets', mountPath: '/mnt/secrets-store/aws-secrets', readOnly: true },
    ]);
    expect(dep.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'db-credentials' });
    expectValid(chart);
    // The class is mounted already: choosing its path now is refused, with the way out.
    expect(() => SecretConsumer.of(app).mountSecretProviderClass(c, spc, { path: '/mnt/secrets' }))
      .toThrow(/secretProviderClass: is already mounted into container "app".*call `mountSecretProviderClass` first to choose the path/);
  });

  test('a class of another namespace, or mounted twice into one container, is rejected', () => {
    const { chart, spc } = seedClass();
    const other = new kplus.Deployment(chart, 'Other', { metadata: { namespace: 'staging' } });
    const oc = other.addContainer({ image: 'x:1' });
    expect(() => SecretConsumer.of(other).mountSecretProviderClass(oc, spc)).toThrow(/secretProviderClass: is in namespace "production" but workload/);
    const app = new kplus.Deployment(chart, 'App', { metadata: { namespace: 'production' } });
    const c = app.addContainer({ image: 'x:1', name: 'main' });
    SecretConsumer.of(app).mountSecretProviderClass(c, spc);
    expect(() => SecretConsumer.of(app).mountSecretProviderClass(c, spc, { path: '/other' })).toThrow(/secretProviderClass: is already mounted into container "main"/);
  });
});

describe('parameters', () => {
  test('Parameter Store objects, versions, alias, region, Pod Identity and path translation are strings', () => {
    const chart = Testing.chart();
    new AwsSecretProviderClass(chart, 'Spc', {
      namespace: 'apps',
      region: 'eu-west-1',
      usePodIdentity: true,
      pathTranslation: '-',
      objects: [
        AwsCsiObject.parameterStore({ parameterName: '/prod/app/api-key', objectAlias: 'api-key', version: '3' }),
        AwsCsiObject.secretsManager({ secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf', objectAlias: 'db', versionStage: 'AWSPREVIOUS' }),
        AwsCsiObject.parameterStore({ parameterName: 'plain', versionLabel: 'stable' }),
      ],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.parameters).toEqual({ objects: expect.any(String), region: 'eu-west-1', usePodIdentity: 'true', pathTranslation: '-' });
    expect(YAML.parse(obj.spec.parameters.objects)).toEqual([
      { objectName: '/prod/app/api-key', objectType: 'ssmparameter', objectAlias: 'api-key', objectVersion: '3' },
      { objectName: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf', objectType: 'secretsmanager', objectAlias: 'db', objectVersionLabel: 'AWSPREVIOUS' },
      { objectName: 'plain', objectType: 'ssmparameter', objectVersionLabel: 'stable' },
    ]);
    expect(obj.metadata.name).toMatch(/^test-spc-c8[0-9a-f]+$/);
    expectValid(chart);
  });

  test.each([
    ['no objects', { objects: [] }, /objects: is empty/],
    ['bad region', { region: 'Ireland', objects: [AwsCsiObject.secretsManager({ secretName: 'a' })] }, /region: is not an AWS region code/],
    ['bad account', { account: '123', objects: [AwsCsiObject.secretsManager({ secretName: 'a' })] }, /account: is not a 12-digit AWS account id/],
    ['bad translation', { pathTranslation: '/', objects: [AwsCsiObject.secretsManager({ secretName: 'a' })] }, /pathTranslation: must be one character other than/],
    ['bad name', { name: 'Bad_Name', objects: [AwsCsiObject.secretsManager({ secretName: 'a' })] }, /name: must be a DNS-1123 subdomain/],
    ['neither name nor ARN', { objects: [AwsCsiObject.secretsManager({})] }, /objects\[0\]: needs exactly one of secretName and secretArn/],
    ['both name and ARN', { objects: [AwsCsiObject.secretsManager({ secretName: 'a', secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-AbCdEf' })] }, /needs exactly one of/],
    ['partial ARN', { objects: [AwsCsiObject.secretsManager({ secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:a', objectAlias: 'a' })] }, /objects\[0\]\.secretArn: is not a complete Secrets Manager secret ARN/],
    ['ARN without alias', { objects: [AwsCsiObject.secretsManager({ secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-AbCdEf' })] }, /objects\[0\]\.objectAlias: is required when the object is given by ARN/],
    ['bad secret name', { objects: [AwsCsiObject.secretsManager({ secretName: 'a b' })] }, /objects\[0\]\.secretName: is not a valid Secrets Manager secret name/],
    ['bad parameter name', { objects: [AwsCsiObject.parameterStore({ parameterName: 'a/b' })] }, /objects\[0\]\.parameterName: is not a valid Parameter Store name/],
    ['bad key ARN', { objects: [AwsCsiObject.secretsManager({ secretName: 'a', encryptionKeyArn: 'alias/x' })] }, /objects\[0\]\.encryptionKeyArn: is not a KMS key ARN/],
    ['an alias that is another object\'s name', { objects: [AwsCsiObject.secretsManager({ secretName: 'a' }), AwsCsiObject.parameterStore({ parameterName: 'b', objectAlias: 'a' })] }, /objects\[1\]\.objectAlias: is already used as an objectName or alias by objects\[0\]/],
    ['an alias equal to its own object name', { objects: [AwsCsiObject.secretsManager({ secretName: 'db', objectAlias: 'db' })] }, /objects\[0\]\.objectAlias: is already the objectName or objectAlias of this same object; the AWS provider rejects the class/],
    ['bad alias (no path translation)', { pathTranslation: 'False', objects: [AwsCsiObject.secretsManager({ secretName: 'a', objectAlias: '../x' })] }, /objects\[0\]\.objectAlias: is not a usable file name/],
    ['empty jmesPath', { objects: [AwsCsiObject.secretsManager({ secretName: 'a', jmesPath: [] })] }, /objects\[0\]\.jmesPath: is empty/],
    ['empty jmesPath path', { objects: [AwsCsiObject.secretsManager({ secretName: 'a', jmesPath: [{ path: ' ', objectAlias: 'x' }] })] }, /objects\[0\]\.jmesPath\[0\]\.path: is empty/],
    ['an ARN of another region than the class', { region: 'eu-central-1', objects: [AwsCsiObject.secretsManager({ secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf', objectAlias: 'db' })] },
      /objects\[0\]\.secretArn: is in region eu-west-1 but the SecretProviderClass reads from eu-central-1; the AWS provider rejects the mount/],
    ['a parameter with version and label', { objects: [AwsCsiObject.parameterStore({ parameterName: 'p', version: '2', versionLabel: 'stable' })] },
      /objects\[0\]\.versionLabel: is set together with version; the AWS provider accepts only one/],
    ['one secret mounted twice (two stages)', { objects: [AwsCsiObject.secretsManager({ secretName: 'db', objectAlias: 'current' }), AwsCsiObject.secretsManager({ secretName: 'db', objectAlias: 'previous', versionStage: 'AWSPREVIOUS' })] },
      /objects\[1\]: is already used as an objectName or alias by objects\[0\]; the AWS provider rejects the class \(got "db"\)/],
    ['a jmesPath alias that is another object\'s name', { objects: [AwsCsiObject.secretsManager({ secretName: 'db', objectAlias: 'x' }), AwsCsiObject.secretsManager({ secretName: 'other', jmesPath: [{ path: 'a', objectAlias: 'db' }] })] },
      /objects\[1\]\.jmesPath\[0\]\.objectAlias: is already used as an objectName or alias by objects\[0\]/],
    ['aliases that translate to one file', { objects: [AwsCsiObject.secretsManager({ secretName: 'a', objectAlias: 'db/password' }), AwsCsiObject.secretsManager({ secretName: 'b', objectAlias: 'db_password' })] },
      /objects\[1\]\.objectAlias: is also the file name of objects\[0\]/],
  ])('%s is rejected', (_n, props, error) => {
    const chart = Testing.chart();
    expect(() => new AwsSecretProviderClass(chart, 'Spc', { namespace: 'apps', ...(props as any) })).toThrow(error);
  });

  test('without a namespace the class is rejected', () => {
    expect(() => new AwsSecretProviderClass(Testing.chart(), 'Spc', { objects: [AwsCsiObject.secretsManager({ secretName: 'a' })] })).toThrow(/namespace: is required because the chart has no namespace/);
  });

  test.each([
    ['unknown object', { secretName: 's', data: [{ key: 'k', objectName: 'nope' }] }, /data\[0\]\.objectName: is not an object this class mounts \(its files: db_password, db_username, prod_myapp_database\)/],
    ['empty data', { secretName: 's', data: [] }, /data: is empty/],
    ['duplicate key', { secretName: 's', data: [{ key: 'k', objectName: 'db_username' }, { key: 'k', objectName: 'db_password' }] }, /data\[1\]\.key: is listed twice/],
    ['bad Secret name', { secretName: 'S!', data: [{ key: 'k', objectName: 'db_username' }] }, /secretName: must be a DNS-1123 subdomain/],
    ['a TLS Secret without tls.key', { secretName: 's', type: SyncedSecretType.TLS, data: [{ key: 'tls.crt', objectName: 'db_username' }] },
      /data: has no "tls.crt" and "tls.key" key, which a kubernetes.io\/tls Secret must have/],
    ['a basic-auth Secret without username or password', { secretName: 's', type: SyncedSecretType.BASIC_AUTH, data: [{ key: 'user', objectName: 'db_username' }] },
      /data: has no "username" or "password" key, which a kubernetes.io\/basic-auth Secret must have/],
    ['a dockerconfigjson Secret without .dockerconfigjson', { secretName: 's', type: SyncedSecretType.DOCKER_CONFIG_JSON, data: [{ key: 'config', objectName: 'db_username' }] },
      /data: has no ".dockerconfigjson" key/],
  ])('secretObjects: %s is rejected', (_n, options, error) => {
    const { spc } = seedClass();
    expect(() => spc.addSecretObject(options as any)).toThrow(error);
  });

  test('secretObjects: type, labels, annotations; a Secret synced twice is rejected', () => {
    const { chart, spc } = seedClass();
    spc.addSecretObject({ secretName: 'basic', type: SyncedSecretType.BASIC_AUTH, labels: { app: 'x' }, annotations: { note: 'y' }, data: [{ key: 'username', objectName: 'db_username' }, { key: 'password', objectName: 'db_password' }] });
    expect(() => spc.addSecretObject({ secretName: 'basic', data: [{ key: 'username', objectName: 'db_username' }] })).toThrow(/secretName: is already synced/);
    const [obj] = Testing.synth(chart);
    expect(obj.spec.secretObjects[0]).toMatchObject({ type: 'kubernetes.io/basic-auth', labels: { app: 'x' }, annotations: { note: 'y' } });
    spc.addSecretObject({ secretName: 'tls', type: SyncedSecretType.TLS, data: [{ key: 'tls.crt', objectName: 'db_username' }, { key: 'tls.key', objectName: 'db_password' }] });
    spc.addSecretObject({ secretName: 'password-only', type: SyncedSecretType.BASIC_AUTH, data: [{ key: 'password', objectName: 'db_password' }] });
    expect(Testing.synth(chart)[0].spec.secretObjects.map((x: any) => x.type)).toEqual(['kubernetes.io/basic-auth', 'kubernetes.io/tls', 'kubernetes.io/basic-auth']);
    expectValid(chart);
  });
});

describe('file names, as the AWS provider writes them', () => {
  test('GIVEN aliases with "/" THEN the provider translates them like object names; secretObjects refer to the translated files', () => {
    const chart = Testing.chart();
    const spc = new AwsSecretProviderClass(chart, 'Spc', {
      namespace: 'apps',
      objects: [
        AwsCsiObject.secretsManager({ secretName: 'prod/db', objectAlias: 'db/all', jmesPath: [{ path: 'password', objectAlias: 'db/password' }] }),
        AwsCsiObject.parameterStore({ parameterName: '/prod/app/api-key' }),
      ],
    });
    expect(spc.fileNames).toEqual(['_prod_app_api-key', 'db_all', 'db_password']);
    expect(() => spc.addSecretObject({ secretName: 's', data: [{ key: 'password', objectName: 'db/password' }] })).toThrow(/data\[0\]\.objectName: is not an object this class mounts/);
    spc.addSecretObject({ secretName: 's', data: [{ key: 'password', objectName: 'db_password' }] });
    // The YAML keeps the aliases as given: the provider translates them when it writes the files.
    expect(YAML.parse(Testing.synth(chart)[0].spec.parameters.objects)[0].jmesPath).toEqual([{ path: 'password', objectAlias: 'db/password' }]);
    expectValid(chart);
  });

  test('GIVEN pathTranslation "False" THEN "/" makes nested files and the leading "/" of a parameter name is dropped', () => {
    const chart = Testing.chart();
    const spc = new AwsSecretProviderClass(chart, 'Spc', {
      namespace: 'apps',
      pathTranslation: 'False',
      objects: [AwsCsiObject.parameterStore({ parameterName: '/prod/app/api-key' }), AwsCsiObject.secretsManager({ secretName: 'prod/db', objectAlias: 'db/all' })],
    });
    expect(spc.fileNames).toEqual(['db/all', 'prod/app/api-key']);
    expect(Testing.synth(chart)[0].spec.parameters.pathTranslation).toBe('False');
  });
});

describe('IAM for the pod identity', () => {
  test('Secrets Manager by name: GetSecretValue + DescribeSecret on the exact name-?????? ARN; SSM: GetParameters; KMS with ViaService', () => {
    const chart = Testing.chart();
    const spc = new AwsSecretProviderClass(chart, 'Spc', {
      namespace: 'apps',
      objects: [
        AwsCsiObject.secretsManager({ secretName: 'prod/myapp/database', encryptionKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1111-2222' }),
        AwsCsiObject.parameterStore({ parameterName: '/prod/app/api-key', encryptionKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/3333-4444' }),
        AwsCsiObject.parameterStore({ parameterName: 'flat' }),
      ],
    });
    const { stack, role } = awsRole();
    spc.grantRead(role);
    expect(policyStatements(stack)).toEqual([
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/myapp/database-??????' },
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: ['arn:aws:ssm:eu-west-1:111122223333:parameter/flat', 'arn:aws:ssm:eu-west-1:111122223333:parameter/prod/app/api-key'] },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:111122223333:key/1111-2222', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:111122223333:key/3333-4444', Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } } },
    ]);
  });

  test('by complete ARN: the ARN itself; explicit region and account win over the stack', () => {
    const chart = Testing.chart();
    const spc = new AwsSecretProviderClass(chart, 'Spc', {
      namespace: 'apps',
      region: 'cn-north-1',
      account: '444455556666',
      objects: [
        AwsCsiObject.secretsManager({ secretArn: 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:db-AbCdEf', objectAlias: 'db' }),
        AwsCsiObject.secretsManager({ secretName: 'other' }),
      ],
    });
    const { stack, role } = awsRole();
    spc.grantRead(role);
    expect(policyStatements(stack)).toEqual([{
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: ['arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:db-AbCdEf', 'arn:aws-cn:secretsmanager:cn-north-1:444455556666:secret:other-??????'],
    }]);
  });

  test('a Secrets Manager entry: region derived into the class; grants from the entry (key under ViaService)', () => {
    const { stack, role } = awsRole();
    const key = new kms.Key(stack, 'Cmk');
    const entry = SecretsManagerEntry.fromSecretName(stack, 'Db', 'demo/aws-sm/ext-postgres-secret', { encryptionKey: key });
    const chart = Testing.chart();
    const spc = new AwsSecretProviderClass(chart, 'Spc', { namespace: 'apps', objects: [AwsCsiObject.fromEntry(entry, { objectAlias: 'postgres' })] });
    expect(Testing.synth(chart)[0].spec.parameters.region).toBe('eu-west-1');
    spc.grantRead(role);
    const statements = policyStatements(stack);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/aws-sm/ext-postgres-secret-??????' },
      { Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/aws-sm/ext-postgres-secret-??????' },
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } }),
    ]));
    expect(statements.every((s) => s.Resource !== '*')).toBe(true);
  });

  test('jmesPath keys of an entry with known JSON keys are checked', () => {
    const { stack } = awsRole();
    const entry = new SecretsManagerEntry(stack, 'Db', { secretName: 'app/db', generateKey: 'password', unsafePlaintextFields: { username: 'admin' } });
    const chart = Testing.chart();
    expect(() => new AwsSecretProviderClass(chart, 'Spc', { namespace: 'apps', objects: [AwsCsiObject.fromEntry(entry, { jmesPath: [{ path: 'token', objectAlias: 't' }] })] }))
      .toThrow(/objects\[0\]\.jmesPath\[0\]\.path: is not a JSON key of secret "app\/db" \(its keys: password, username\)/);
  });

  test('a grantee outside any stack needs explicit region and account', () => {
    const { spc } = seedClass();
    const grantee: iam.IGrantable = { grantPrincipal: new iam.ArnPrincipal('arn:aws:iam::111122223333:role/x') };
    expect(() => spc.grantRead(grantee)).toThrow(/region: and account are unknown: the grantee is not part of a stack/);
  });
});

describe('identity: grants, usePodIdentity and the pod ServiceAccount derived from one WorkloadIdentity', () => {
  function world(podIdentity: boolean) {
    const env = { account: '111122223333', region: 'eu-west-1' };
    const target = podIdentity
      ? ClusterTarget.fromClusterName(new SecretsApp(), 'Iam', env, 'demo')
      : ClusterTarget.fromIssuerUrl(new SecretsApp(), 'Iam', env, 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE');
    const stack = target.stack;
    const chart = new Chart(target.k8sApp, 'prod', { namespace: 'production' });
    const identity = new WorkloadIdentity(chart, 'App', { serviceAccountName: 'app', roleName: 'app' });
    return { stack, chart, identity };
  }
  const objects = [AwsCsiObject.secretsManager({ secretName: 'prod/myapp/database' })];

  test('IRSA: no usePodIdentity parameter; the identity is granted without a grantRead call', () => {
    const { stack, chart, identity } = world(false);
    const spc = new AwsSecretProviderClass(chart, 'Spc', { name: 'aws-secrets', identity, objects });
    expect(spc.requiredServiceAccountName).toBe('app');
    expect(Testing.synth(chart).find((o) => o.kind === 'SecretProviderClass').spec.parameters.usePodIdentity).toBeUndefined();
    expect(policyStatements(stack)).toEqual([{
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/myapp/database-??????',
    }]);
    expectValid(chart);
  });

  test('Pod Identity: usePodIdentity "true" follows the identity', () => {
    const { chart, identity } = world(true);
    new AwsSecretProviderClass(chart, 'Spc', { identity, objects });
    expect(Testing.synth(chart).find((o) => o.kind === 'SecretProviderClass').spec.parameters.usePodIdentity).toBe('true');
  });

  test('a contradicting usePodIdentity, or an identity of another namespace, is rejected', () => {
    const { chart, identity } = world(false);
    expect(() => new AwsSecretProviderClass(chart, 'Spc', { identity, objects, usePodIdentity: true }))
      .toThrow(/usePodIdentity: contradicts the identity's mode \(irsa\) of ServiceAccount production\/app/);
    expect(() => new AwsSecretProviderClass(chart, 'Spc2', { identity, objects, namespace: 'staging' }))
      .toThrow(/identity: is a ServiceAccount of another namespace than the SecretProviderClass \("staging"\)/);
  });

  test('a pod that does not run as the identity\'s ServiceAccount cannot mount the class (nor consume its synced Secret)', () => {
    const { chart, identity } = world(false);
    const spc = new AwsSecretProviderClass(chart, 'Spc', { name: 'aws-secrets', identity, objects: [AwsCsiObject.secretsManager({ secretName: 'prod/db', objectAlias: 'db' })] });
    const synced = spc.addSecretObject({ secretName: 'db', data: [{ key: 'db', objectName: 'db' }] });
    const other = new kplus.ServiceAccount(chart, 'Other', { metadata: { name: 'other' } });
    const wrong = new kplus.Deployment(chart, 'Wrong', { serviceAccount: other });
    const wc = wrong.addContainer({ image: 'x:1' });
    expect(() => SecretConsumer.of(wrong).mountSecretProviderClass(wc, spc))
      .toThrow(/workload\.serviceAccount: is not "app", the ServiceAccount whose identity SecretProviderClass "aws-secrets" is granted to.*\(got "other"\)/);
    const none = new kplus.Deployment(chart, 'None');
    const nc = none.addContainer({ image: 'x:1' });
    expect(() => SecretConsumer.of(none).env(nc, synced, { variables: { DB: 'db' } })).toThrow(/is not "app".*\(got "default"\)/);
    const right = new kplus.Deployment(chart, 'Right', { serviceAccount: identity.serviceAccount });
    SecretConsumer.of(right).mountSecretProviderClass(right.addContainer({ image: 'x:1' }), spc);
    expectValid(chart);
  });
});
