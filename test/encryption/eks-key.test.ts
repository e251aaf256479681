import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Duration } from 'cdk8s';
import { EksSecretsEncryptionKey } from '../../src';

function stack() {
  const app = new cdk.App();
  return new cdk.Stack(app, 'Kms', { env: { account: '111122223333', region: 'eu-west-1' } });
}

describe('EksSecretsEncryptionKey', () => {
  test('GIVEN a cluster role THEN a rotating, retained key with a least-privilege policy and an output for encryptionConfig', () => {
    const s = stack();
    const clusterRole = new iam.Role(s, 'ClusterRole', { assumedBy: new iam.ServicePrincipal('eks.amazonaws.com') });
    const k = new EksSecretsEncryptionKey(s, 'SecretsKey', { clusterRole, alias: 'alias/eks/prod-secrets', exportName: 'ProdSecretsKeyArn' });
    const t = Template.fromStack(s);
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const [key] = Object.values(t.findResources('AWS::KMS::Key')) as any[];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.PendingWindowInDays).toBe(30);
    expect(key.Properties.KeySpec).toBe('SYMMETRIC_DEFAULT');
    const statements = key.Properties.KeyPolicy.Statement;
    expect(statements.map((x: any) => x.Sid)).toEqual(['KeyAdministration', 'ClusterCreatorsDescribe', 'ClusterCreatorsGrantForEks', 'ClusterRoleEnvelopeEncryption']);
    expect(statements[0]).toMatchObject({ Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] } }, Resource: '*' });
    expect(statements[0].Action).not.toEqual(expect.arrayContaining(['kms:Decrypt']));
    for (const a of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:*', 'kms:Create*']) expect(statements[0].Action).not.toContain(a);
    expect(statements[0].Action).toContain('kms:PutKeyPolicy');
    // Administration only; the alias is created by the stack, and its key side is allowed by the key policy itself.
    expect(statements[0].Action).toEqual([
      'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:DescribeKey', 'kms:DisableKey', 'kms:EnableKey',
      'kms:EnableKeyRotation', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListGrants', 'kms:ListKeyPolicies',
      'kms:ListResourceTags', 'kms:PutKeyPolicy', 'kms:RevokeGrant', 'kms:ScheduleKeyDeletion', 'kms:TagResource',
      'kms:UntagResource', 'kms:UpdateAlias', 'kms:UpdateKeyDescription',
    ]);
    expect(statements[1]).toMatchObject({ Action: 'kms:DescribeKey' });
    expect(statements[2]).toMatchObject({
      Action: 'kms:CreateGrant',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, StringEquals: { 'kms:ViaService': 'eks.eu-west-1.amazonaws.com' } },
    });
    expect(statements[3]).toMatchObject({
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ListGrants'],
    });
    expect(statements[3].Principal.AWS['Fn::GetAtt'][0]).toMatch(/^ClusterRole/);
    expect(JSON.stringify(statements)).not.toContain('"kms:*"');
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/eks/prod-secrets' });
    t.hasOutput('*', { Export: { Name: 'ProdSecretsKeyArn' }, Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('SecretsKey'), 'Arn'] } });
    expect(s.resolve(k.encryptionConfig).resources).toEqual(['secrets']);
    expect(s.resolve(k.encryptionConfig.provider)).toEqual({ keyArn: s.resolve(k.key.keyArn) });
  });

  test('the encryptionConfig plugs into a CfnCluster', () => {
    const s = stack();
    const k = new EksSecretsEncryptionKey(s, 'SecretsKey');
    new eks.CfnCluster(s, 'Cluster', {
      roleArn: 'arn:aws:iam::111122223333:role/eks-cluster',
      resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
      encryptionConfig: [k.encryptionConfig],
    });
    Template.fromStack(s).hasResourceProperties('AWS::EKS::Cluster', {
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SecretsKey'), 'Arn'] } }, Resources: ['secrets'] }],
    });
    const key = Object.values(Template.fromStack(s).findResources('AWS::KMS::Key'))[0] as any;
    expect(key.Properties.KeyPolicy.Statement.map((x: any) => x.Sid)).toEqual(['KeyAdministration', 'ClusterCreatorsDescribe', 'ClusterCreatorsGrantForEks']);
  });

  test('explicit admins and creators replace the account', () => {
    const s = stack();
    new EksSecretsEncryptionKey(s, 'SecretsKey', {
      admins: [new iam.ArnPrincipal('arn:aws:iam::111122223333:role/kms-admin')],
      clusterCreators: [new iam.ArnPrincipal('arn:aws:iam::111122223333:role/cfn-exec')],
    });
    const key = Object.values(Template.fromStack(s).findResources('AWS::KMS::Key'))[0] as any;
    const [admin, describe, grant] = key.Properties.KeyPolicy.Statement;
    expect(admin.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/kms-admin' });
    expect(describe.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/cfn-exec' });
    expect(grant.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/cfn-exec' });
  });

  test.each([
    ['a bad alias', { alias: 'eks-secrets' }, /alias: is not a valid customer alias/],
    ['an AWS alias', { alias: 'alias/aws/eks' }, /alias: is not a valid customer alias/],
    ['a short pending window', { pendingWindow: Duration.days(3) }, /pendingWindow: must be 7 to 30 days \(got "3 days"\)/],
    ['no admins', { admins: [] }, /admins: is empty, so nobody could manage or delete the key/],
    ['no cluster creators', { clusterCreators: [] }, /clusterCreators: is empty: a key policy statement needs a principal/],
  ])('%s is rejected', (_n, props, error) => {
    expect(() => new EksSecretsEncryptionKey(stack(), 'K', props as any)).toThrow(error);
  });
});
