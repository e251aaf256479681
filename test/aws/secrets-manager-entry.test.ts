import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SecretsManagerEntry } from '../../src';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function stackOf(env: cdk.Environment | null = ENV) {
  return new cdk.Stack(new cdk.App(), 'Secrets', { env: env ?? undefined });
}

function role(stack: cdk.Stack) {
  return new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
}

describe('SecretsManagerEntry', () => {
  test('GIVEN fixed and generated keys WHEN synthesized THEN the template has the JSON template and no generated value', () => {
    // GIVEN
    const stack = stackOf();
    // WHEN
    const entry = new SecretsManagerEntry(stack, 'Db', {
      secretName: 'demo/aws-sm/ext-postgres-secret',
      unsafePlaintextFields: { username: 'admin' },
      generateKey: 'password',
      generation: { length: 40, excludePunctuation: true },
      tags: { team: 'platform', app: 'db' },
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'demo/aws-sm/ext-postgres-secret',
      GenerateSecretString: {
        SecretStringTemplate: '{"username":"admin"}',
        GenerateStringKey: 'password',
        PasswordLength: 40,
        ExcludePunctuation: true,
        RequireEachIncludedType: true,
      },
      Tags: [{ Key: 'app', Value: 'db' }, { Key: 'team', Value: 'platform' }],
    });
    Template.fromStack(stack).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    expect(entry.jsonKeys).toEqual(['password', 'username']);
    expect(entry.secretArnPattern).toBe('arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/aws-sm/ext-postgres-secret-??????');
    const [secret] = Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret')) as any[];
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  test('GIVEN a name ending like an ARN suffix THEN a warning is recorded', () => {
    const stack = stackOf();
    new SecretsManagerEntry(stack, 'Db', { secretName: 'demo/aws-sm/ext-postgres-secret' });
    Annotations.fromStack(stack).hasWarning('/Secrets/Db', Match.stringLikeRegexp('ends with "-" and six characters'));
  });

  test('GIVEN no fields WHEN synthesized THEN the whole secret is one generated string', () => {
    const stack = stackOf();
    const entry = new SecretsManagerEntry(stack, 'Token', { secretName: 'app/api-token' });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectEquals({ PasswordLength: 32, RequireEachIncludedType: true }),
    });
    expect(entry.jsonKeys).toEqual([]);
  });

  test('GIVEN a CMK and replicas WHEN granted GetSecretValue THEN exactly GetSecretValue on the ARN and kms:Decrypt with ViaService', () => {
    // GIVEN
    const stack = stackOf();
    const key = new kms.Key(stack, 'Key');
    const replicaKey = kms.Key.fromKeyArn(stack, 'ReplicaKey', 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const entry = new SecretsManagerEntry(stack, 'Db', {
      secretName: 'app/db',
      encryptionKey: key,
      replicaRegions: [{ region: 'eu-central-1', encryptionKey: replicaKey }],
    });
    const reader = role(stack);
    // WHEN
    entry.grantGetSecretValue(reader);
    entry.grantGetSecretValue(reader, 'eu-central-1');
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      ReplicaRegions: [{ Region: 'eu-central-1', KmsKeyId: replicaKey.keyArn }],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-??????' },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          },
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:app/db-??????' },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: replicaKey.keyArn,
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
          },
        ],
      },
    });
    expect(entry.readableRegions).toEqual(['eu-west-1', 'eu-central-1']);
  });

  test('GIVEN no CMK WHEN granted THEN no KMS statement', () => {
    const stack = stackOf();
    const entry = new SecretsManagerEntry(stack, 'Db', { secretName: 'app/db' });
    const reader = role(stack);
    entry.grantGetSecretValue(reader);
    entry.grantDescribe(reader);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-??????' },
          { Effect: 'Allow', Action: 'secretsmanager:DescribeSecret', Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-??????' },
        ],
      },
    });
  });

  test('GIVEN a CMK WHEN granted write THEN write actions on the ARN and kms Encrypt/GenerateDataKey with ViaService', () => {
    const stack = stackOf();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const entry = new SecretsManagerEntry(stack, 'Db', { secretName: 'app/db', encryptionKey: key });
    entry.grantWrite(role(stack));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource', 'secretsmanager:UpdateSecret'],
            Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-??????',
          },
          {
            Effect: 'Allow',
            Action: ['kms:Encrypt', 'kms:GenerateDataKey*'],
            Resource: key.keyArn,
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          },
        ],
      },
    });
  });

  test('GIVEN an import by name WHEN granted THEN the ARN pattern uses the stack env', () => {
    const stack = stackOf();
    const entry = SecretsManagerEntry.fromSecretName(stack, 'Db', 'demo/aws-sm/ext-postgres-secret', { region: 'eu-central-1' });
    expect(entry.secretArnPattern).toBe('arn:aws:secretsmanager:eu-central-1:111122223333:secret:demo/aws-sm/ext-postgres-secret-??????');
    expect(entry.jsonKeys).toEqual([]);
  });

  test('GIVEN an import by complete ARN THEN the grant is on exactly that ARN', () => {
    const stack = stackOf();
    const arn = 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:team/app-AbCdEf';
    const entry = SecretsManagerEntry.fromSecretCompleteArn(stack, 'Db', arn);
    expect(entry.secretName).toBe('team/app');
    expect(entry.account).toBe('444455556666');
    expect(entry.secretArnPattern).toBe(arn);
    entry.grantGetSecretValue(role(stack));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn }] },
    });
  });

  describe('errors', () => {
    test('GIVEN a bad name THEN it throws', () => {
      expect(() => new SecretsManagerEntry(stackOf(), 'Db', { secretName: 'bad name' })).toThrow(/secretName: is not a valid Secrets Manager name/);
    });

    test('GIVEN a token name THEN it throws naming the fix', () => {
      const stack = stackOf();
      const token = new cdk.CfnParameter(stack, 'Name').valueAsString;
      expect(() => new SecretsManagerEntry(stack, 'Db', { secretName: token })).toThrow(/secretName: is an unresolved CDK token.*literal name/);
    });

    test('GIVEN an env-agnostic stack THEN it throws naming env', () => {
      expect(() => new SecretsManagerEntry(stackOf(null), 'Db', { secretName: 'app/db' })).toThrow(/env\.region: is an unresolved CDK token/);
    });

    test('GIVEN a generated key that is also fixed THEN it throws', () => {
      expect(() => new SecretsManagerEntry(stackOf(), 'Db', { secretName: 'app/db', unsafePlaintextFields: { password: 'x' }, generateKey: 'password' }))
        .toThrow(/generateKey: is also a key of unsafePlaintextFields/);
    });

    test('GIVEN a bad JSON key THEN it throws', () => {
      expect(() => new SecretsManagerEntry(stackOf(), 'Db', { secretName: 'app/db', generateKey: 'pass word' })).toThrow(/generateKey: is not a usable JSON key/);
    });

    test('GIVEN a token plaintext field THEN it throws without printing the value', () => {
      const stack = stackOf();
      const token = new cdk.CfnParameter(stack, 'User').valueAsString;
      expect(() => new SecretsManagerEntry(stack, 'Db', { secretName: 'app/db', unsafePlaintextFields: { username: token } }))
        .toThrow(/unsafePlaintextFields.username: is an unresolved token.*\(got <redacted>\)/);
    });

    test('GIVEN a bad generation length THEN it throws', () => {
      expect(() => new SecretsManagerEntry(stackOf(), 'Db', { secretName: 'app/db', generation: { length: 0 } })).toThrow(/generation.length: must be an integer/);
    });

    test('GIVEN the primary region as replica THEN it throws', () => {
      expect(() => new SecretsManagerEntry(stackOf(), 'Db', { secretName: 'app/db', replicaRegions: [{ region: 'eu-west-1' }] })).toThrow(/replicaRegions: lists a region twice/);
    });

    test('GIVEN a region where the secret is not stored THEN arnPatternIn throws', () => {
      const entry = new SecretsManagerEntry(stackOf(), 'Db', { secretName: 'app/db' });
      expect(() => entry.arnPatternIn('us-east-1')).toThrow(/region: is not a region where secret "app\/db" is stored or replicated/);
    });

    test('GIVEN a malformed complete ARN THEN it throws', () => {
      expect(() => SecretsManagerEntry.fromSecretCompleteArn(stackOf(), 'Db', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app'))
        .toThrow(/secretCompleteArn: is not a complete Secrets Manager secret ARN/);
    });
  });
});

describe('SecretsManagerEntry rotation', () => {
  test('GIVEN a rotation Lambda THEN a rotation schedule is created', () => {
    const stack = stackOf();
    const fn = lambda.Function.fromFunctionArn(stack, 'Rotator', 'arn:aws:lambda:eu-west-1:111122223333:function:rotator');
    new SecretsManagerEntry(stack, 'Db', { secretName: 'app/db', rotation: { rotationLambda: fn, automaticallyAfter: cdk.Duration.days(30) } });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationLambdaARN: 'arn:aws:lambda:eu-west-1:111122223333:function:rotator',
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('GIVEN rotation without a rotator THEN it throws', () => {
    expect(() => new SecretsManagerEntry(stackOf(), 'Db', { secretName: 'app/db', rotation: {} })).toThrow(/rotation: has neither rotationLambda nor hostedRotation/);
  });
});
