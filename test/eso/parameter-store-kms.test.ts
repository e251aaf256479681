import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  AwsAuth, DataFrom, ExternalSecret, MetadataPolicy, PushSecret, PushSecretDeletionPolicy, SecretStore, StoreProvider,
} from '../../src';
import { expectValid } from '../harness';
import { world } from './fixtures';

const KEY_ARN = 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PARAM = (name: string) => `arn:aws:ssm:eu-central-1:111122223333:parameter/${name}`;
const VIA_SSM = { StringEquals: { 'kms:ViaService': 'ssm.eu-central-1.amazonaws.com' } };

function ssmStore(w: ReturnType<typeof world>, encryptionKey?: kms.IKey) {
  return new SecretStore(w.chart, 'Ssm', {
    name: 'ssm',
    namespace: 'secrets-demo',
    provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity), encryptionKey }),
  });
}

/** The statements of the one IAM policy of the stack, via Template.fromStack. */
function policyStatements(stack: cdk.Stack): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  expect(policies).toHaveLength(1);
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

describe('Parameter Store with a customer-managed KMS key', () => {
  test('GIVEN a literal key ARN WHEN an ExternalSecret reads a parameter THEN GetParameter and kms:Decrypt on exactly that key with kms:ViaService', () => {
    // GIVEN
    const w = world();
    const key = kms.Key.fromKeyArn(w.stack, 'Key', KEY_ARN);
    // WHEN
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: ssmStore(w, key), data: [{ secretKey: 'url', remoteKey: '/app/db/url' }] });
    // THEN
    expect(policyStatements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: PARAM('app/db/url') },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: VIA_SSM },
    ]);
    expectValid(w.chart);
  });

  test('GIVEN a key of the identity stack WHEN extract reads a parameter THEN kms:Decrypt on the key ARN reference', () => {
    // GIVEN
    const w = world();
    const key = new kms.Key(w.stack, 'ParamKey');
    // WHEN
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: ssmStore(w, key), dataFrom: [DataFrom.extract({ remoteKey: '/app/config' })] });
    // THEN
    expect(policyStatements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: PARAM('app/config') },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [w.stack.getLogicalId(key.node.defaultChild as cdk.CfnElement), 'Arn'] },
        Condition: VIA_SSM,
      },
    ]);
  });

  test('GIVEN a find by path THEN DescribeParameters, reads under the path and kms:Decrypt with kms:ViaService', () => {
    // GIVEN
    const w = world();
    const key = kms.Key.fromKeyArn(w.stack, 'Key', KEY_ARN);
    // WHEN
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: ssmStore(w, key), dataFrom: [DataFrom.find({ path: '/app/', nameRegexp: '.*' })] });
    // THEN
    expect(policyStatements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'ssm:DescribeParameters', Resource: '*' },
      { Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'], Resource: [PARAM('app'), PARAM('app/*')] },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: VIA_SSM },
    ]);
  });

  test('GIVEN metadataPolicy Fetch THEN only ListTagsForResource (tags are not encrypted: no KMS grant)', () => {
    const w = world();
    const key = kms.Key.fromKeyArn(w.stack, 'Key', KEY_ARN);
    new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo',
      store: ssmStore(w, key),
      data: [{ secretKey: 'tags', remoteKey: '/app/db/url', metadataPolicy: MetadataPolicy.FETCH }],
    });
    expect(policyStatements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'ssm:ListTagsForResource', Resource: PARAM('app/db/url') },
    ]);
  });

  test('GIVEN a PushSecret WHEN it writes a parameter THEN the write actions and kms:Decrypt + kms:Encrypt (no GenerateDataKey) on that key', () => {
    // GIVEN
    const w = world();
    const key = kms.Key.fromKeyArn(w.stack, 'Key', KEY_ARN);
    // WHEN
    new PushSecret(w.chart, 'Push', {
      namespace: 'secrets-demo',
      store: ssmStore(w, key),
      sourceSecretName: 'app',
      deletionPolicy: PushSecretDeletionPolicy.DELETE,
      data: [{ secretKey: 'token', remoteKey: '/app/token' }],
    });
    // THEN
    expect(policyStatements(w.stack)).toEqual([
      {
        Effect: 'Allow',
        Action: ['ssm:AddTagsToResource', 'ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:ListTagsForResource', 'ssm:PutParameter', 'ssm:RemoveTagsFromResource'],
        Resource: PARAM('app/token'),
      },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: KEY_ARN, Condition: VIA_SSM },
    ]);
    expectValid(w.chart);
  });

  test('GIVEN no encryptionKey THEN reads and pushes derive no KMS statement (alias/aws/ssm needs no grant)', () => {
    const w = world();
    const store = ssmStore(w);
    new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'url', remoteKey: '/app/db/url' }] });
    new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store, sourceSecretName: 'app', data: [{ secretKey: 'token', remoteKey: '/app/token' }] });
    expect(policyStatements(w.stack)).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: PARAM('app/db/url') },
      {
        Effect: 'Allow',
        Action: ['ssm:AddTagsToResource', 'ssm:GetParameter', 'ssm:ListTagsForResource', 'ssm:PutParameter', 'ssm:RemoveTagsFromResource'],
        Resource: PARAM('app/token'),
      },
    ]);
  });

  test('GIVEN a key the store renders THEN the manifest is unchanged (the key is IAM-only)', () => {
    const w = world();
    const key = kms.Key.fromKeyArn(w.stack, 'Key', KEY_ARN);
    ssmStore(w, key);
    const w2 = world();
    ssmStore(w2);
    expect(JSON.stringify(w.k8sApp.synthYaml())).toEqual(JSON.stringify(w2.k8sApp.synthYaml()));
  });

  test('GIVEN an alias ARN THEN the store throws', () => {
    const w = world();
    const alias = kms.Key.fromKeyArn(w.stack, 'Key', 'arn:aws:kms:eu-central-1:111122223333:alias/app');
    expect(() => ssmStore(w, alias)).toThrow(/provider.encryptionKey: is not a KMS key ARN .*Fix: pass the key/);
  });

  test('GIVEN a literal key ARN of another region THEN the store throws', () => {
    const w = world();
    const key = kms.Key.fromKeyArn(w.stack, 'Key', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(() => ssmStore(w, key)).toThrow(/provider.encryptionKey: is in region eu-west-1, but the store reads Parameter Store in eu-central-1/);
  });

  test('GIVEN a key defined in a stack of another region THEN the store throws', () => {
    const w = world();
    const other = new cdk.Stack(w.awsApp, 'Other', { env: { account: '111122223333', region: 'us-east-1' } });
    expect(() => ssmStore(w, new kms.Key(other, 'Key'))).toThrow(/provider.encryptionKey: is in region us-east-1/);
  });

  test('GIVEN a key defined in another stack of the region WHEN a read is granted THEN it throws (no cross-stack reference)', () => {
    const w = world();
    const other = new cdk.Stack(w.awsApp, 'Keys', { env: { account: '111122223333', region: 'eu-central-1' } });
    const store = ssmStore(w, new kms.Key(other, 'Key'));
    expect(() => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'url', remoteKey: '/app/db/url' }] }))
      .toThrow(/provider.encryptionKey: is an unresolved CDK token of stack Keys, not of the granted identity's stack Platform/);
  });
});
