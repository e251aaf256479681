import * as cdk from 'aws-cdk-lib';
import { Annotations as CdkAnnotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import {
  AwsAuth, ClusterSecretStore, EsoVaultAuth, ExternalSecret, EsoVaultKvVersion, SecretStore, SecretStoreKind, StoreProvider, StoreProviderKind,
} from '../../src';
import { expectValid } from '../harness';
import { objects, world } from './fixtures';

function warnings(c: { node: { metadata: any[] } }): string[] {
  return c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
}

describe('SecretStore (AWS)', () => {
  test('GIVEN an IRSA identity WHEN a SecretStore uses jwt auth THEN serviceAccountRef names it without namespace and defaults are explicit', () => {
    // GIVEN
    const { chart, identity } = world();
    // WHEN
    const store = new SecretStore(chart, 'Store', {
      name: 'secretstore-demo',
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
    });
    // THEN
    const [obj] = objects(chart, 'SecretStore');
    expect(obj.apiVersion).toBe('external-secrets.io/v1');
    expect(obj.metadata).toEqual({ name: 'secretstore-demo', namespace: 'secrets-demo' });
    expect(obj.spec).toEqual({
      provider: {
        aws: {
          service: 'SecretsManager',
          region: 'eu-central-1',
          sessionTagsPolicy: 'None',
          auth: { jwt: { serviceAccountRef: { name: 'eso-reader' } } },
        },
      },
    });
    expect(store.storeKind).toBe(SecretStoreKind.SECRET_STORE);
    expect(store.provider!.kind).toBe(StoreProviderKind.AWS_SECRETS_MANAGER);
    expect(store.apiObject).toBe(store.node.defaultChild);
    expectValid(chart);
  });

  test('GIVEN a ClusterSecretStore with jwt auth THEN serviceAccountRef carries the namespace and conditions are rendered', () => {
    const { chart, identity } = world();
    new ClusterSecretStore(chart, 'Store', {
      name: 'aws-secrets-manager',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity, { audiences: ['sts.amazonaws.com'] }) }),
      conditions: [{ namespaces: ['production'] }, { namespaceRegexes: ['^team-.*$'], namespaceLabels: { 'eso/enabled': 'true' } }],
    });
    const [obj] = objects(chart, 'ClusterSecretStore');
    expect(obj.metadata).toEqual({ name: 'aws-secrets-manager' });
    expect(obj.spec.provider.aws.auth).toEqual({
      jwt: { serviceAccountRef: { name: 'eso-reader', namespace: 'secrets-demo', audiences: ['sts.amazonaws.com'] } },
    });
    expect(obj.spec.conditions).toEqual([
      { namespaces: ['production'] },
      { namespaceRegexes: ['^team-.*$'], namespaceSelector: { matchLabels: { 'eso/enabled': 'true' } } },
    ]);
    expectValid(chart);
  });

  test('GIVEN a ClusterSecretStore without conditions THEN a warning is added', () => {
    const { chart, identity } = world();
    const store = new ClusterSecretStore(chart, 'Store', {
      provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
    });
    expect(warnings(store).join('\n')).toMatch(/ClusterSecretStore without conditions/);
    expect(objects(chart, 'ClusterSecretStore')[0].spec.provider.aws.service).toBe('ParameterStore');
    expectValid(chart);
  });

  test('GIVEN controller identity auth THEN no auth block is written', () => {
    const { chart, identity } = world();
    new SecretStore(chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity) }),
    });
    const [obj] = objects(chart, 'SecretStore');
    expect(obj.spec.provider.aws.auth).toBeUndefined();
    expect(obj.metadata.name).toMatch(/^eso-store-c8[0-9a-f]+$/);
    expectValid(chart);
  });

  test('GIVEN an assumed role THEN provider.aws.role is the concrete ARN, the identity may assume it and the role trusts it', () => {
    // GIVEN
    const { stack, chart, identity } = world();
    const target = new iam.Role(stack, 'Target', { roleName: 'eso-target', assumedBy: new iam.AccountRootPrincipal() });
    // WHEN
    new SecretStore(chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity), assumeRole: target }),
    });
    // THEN
    expect(objects(chart, 'SecretStore')[0].spec.provider.aws.role).toBe('arn:aws:iam::111122223333:role/eso-target');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: 'arn:aws:iam::111122223333:role/eso-target' }] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'eso-target',
      AssumeRolePolicyDocument: {
        // A reference to the identity's role, so CloudFormation creates it before the trust that names it.
        Statement: Match.arrayWith([{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::GetAtt': [stack.getLogicalId(identity.role.node.defaultChild as cdk.CfnElement), 'Arn'] } },
        }]),
      },
    });
    const yaml = JSON.stringify(cdk8s.Testing.synth(chart));
    expect(yaml).not.toContain('${Token[');
    expectValid(chart);
  });

  test('GIVEN an assumed role with a path THEN provider.aws.role carries the path', () => {
    const { stack, chart, identity } = world();
    const target = new iam.Role(stack, 'Target', { roleName: 'eso-target', path: '/eso/', assumedBy: new iam.AccountRootPrincipal() });
    new SecretStore(chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity), assumeRole: target }),
    });
    expect(objects(chart, 'SecretStore')[0].spec.provider.aws.role).toBe('arn:aws:iam::111122223333:role/eso/eso-target');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: 'arn:aws:iam::111122223333:role/eso/eso-target' }] },
    });
  });

  test('GIVEN static keys of an IAM user and an assumed role THEN the user may assume it, the role trusts the user and gets the reads', () => {
    // GIVEN
    const { stack, chart } = world();
    const user = new iam.User(stack, 'EsoUser');
    const target = new iam.Role(stack, 'Target', { roleName: 'eso-target', assumedBy: new iam.AccountRootPrincipal() });
    // WHEN
    const store = new SecretStore(chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({
        region: 'eu-central-1', auth: AwsAuth.staticAccessKeys({ secretName: 'aws-keys', grantee: user }), assumeRole: target,
      }),
    });
    new ExternalSecret(chart, 'Es', { namespace: 'secrets-demo', store, data: [{ secretKey: 'a', remoteKey: 'x' }] });
    // THEN
    const template = Template.fromStack(stack);
    const userId = stack.getLogicalId(user.node.defaultChild as cdk.CfnElement);
    const targetId = stack.getLogicalId(target.node.defaultChild as cdk.CfnElement);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: 'arn:aws:iam::111122223333:role/eso-target' }] },
      Users: [{ Ref: userId }],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'eso-target',
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': [userId, 'Arn'] } } }]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:x-??????' }],
      },
      Roles: [{ Ref: targetId }],
    });
    expectValid(chart);
  });

  test('GIVEN static keys THEN secretRef is rendered and a warning is added', () => {
    const { chart } = world();
    const store = new SecretStore(chart, 'Store', {
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.staticAccessKeys({ secretName: 'aws-secret' }) }),
    });
    expect(objects(chart, 'SecretStore')[0].spec.provider.aws.auth).toEqual({
      secretRef: {
        accessKeyIDSecretRef: { name: 'aws-secret', key: 'AWS_ACCESS_KEY_ID' },
        secretAccessKeySecretRef: { name: 'aws-secret', key: 'AWS_SECRET_ACCESS_KEY' },
      },
    });
    expect(warnings(store).join('\n')).toMatch(/static AWS access keys/);
    expectValid(chart);
  });

  describe('errors', () => {
    test('GIVEN a per-store serviceAccountRef on a Pod Identity identity THEN it throws', () => {
      const { chart, identity } = world({ podIdentity: true });
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'secrets-demo',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
      })).toThrow(/provider.auth: is a per-store serviceAccountRef on a Pod Identity identity.*AwsAuth.controllerIdentity/);
    });

    test('GIVEN jwt audiences without sts.amazonaws.com THEN it throws (the IRSA trust requires that audience)', () => {
      const { chart, identity } = world();
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'secrets-demo',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity, { audiences: ['vault'] }) }),
      })).toThrow(/provider.auth.jwt.serviceAccountRef.audiences: does not include "sts.amazonaws.com".*\(got \["vault"\]\)/);
    });

    test('GIVEN a jwt identity in another namespace than the SecretStore THEN it throws', () => {
      const { chart, identity } = world();
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'other',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
      })).toThrow(/serviceAccountRef: is in another namespace than the SecretStore \(other\)/);
    });

    test('GIVEN static keys in another namespace than the SecretStore THEN it throws', () => {
      const { chart } = world();
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'secrets-demo',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.staticAccessKeys({ secretName: 'aws', secretNamespace: 'other' }) }),
      })).toThrow(/auth.secretNamespace: differs from the SecretStore's namespace/);
    });

    test('GIVEN a bad store name THEN it throws a DNS error', () => {
      const { chart, identity } = world();
      expect(() => new SecretStore(chart, 'Store', {
        name: 'Bad_Name',
        namespace: 'secrets-demo',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
      })).toThrow(/name: must be a DNS-1123 subdomain/);
    });

    test('GIVEN a bad namespace THEN it throws a DNS error', () => {
      const { chart, identity } = world();
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'Secrets Demo',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
      })).toThrow(/namespace: must be a DNS-1123 label/);
    });

    test('GIVEN no namespace anywhere THEN it throws', () => {
      const { chart, identity } = world();
      expect(() => new SecretStore(chart, 'Store', {
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
      })).toThrow(/namespace: is required because the chart has no namespace/);
    });

    test('GIVEN a bad region THEN it throws', () => {
      const { chart, identity } = world();
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'secrets-demo',
        provider: StoreProvider.awsSecretsManager({ region: 'Frankfurt', auth: AwsAuth.serviceAccount(identity) }),
      })).toThrow(/provider.region: is not an AWS region name/);
    });

    test('GIVEN a token region THEN it throws naming the bridge', () => {
      const { chart, identity } = world();
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'secrets-demo',
        provider: StoreProvider.awsSecretsManager({ region: cdk.Aws.REGION, auth: AwsAuth.serviceAccount(identity) }),
      })).toThrow(/provider.region: is an unresolved CDK token/);
    });

    test('GIVEN an assumed role without a literal name THEN it throws naming the fix', () => {
      const { stack, chart, identity } = world();
      const target = new iam.Role(stack, 'Target', { assumedBy: new iam.AccountRootPrincipal() });
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'secrets-demo',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity), assumeRole: target }),
      })).toThrow(/provider.assumeRole: is an unresolved CDK token.*literal roleName/);
    });

    test('GIVEN an assumed role with a token path THEN it throws naming the fix', () => {
      const { stack, chart, identity } = world();
      const target = new iam.Role(stack, 'Target', { roleName: 'eso-target', path: cdk.Fn.importValue('RolePath'), assumedBy: new iam.AccountRootPrincipal() });
      expect(() => new SecretStore(chart, 'Store', {
        namespace: 'secrets-demo',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity), assumeRole: target }),
      })).toThrow(/provider.assumeRole.path: is an unresolved CDK token.*literal path/);
    });

    test('GIVEN a bad ClusterSecretStore condition namespace THEN it throws a DNS error', () => {
      const { chart, identity } = world();
      expect(() => new ClusterSecretStore(chart, 'Store', {
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
        conditions: [{ namespaces: ['Team_A'] }],
      })).toThrow(/conditions\[0\].namespaces: must be a DNS-1123 label/);
    });

    test('GIVEN an empty ClusterSecretStore condition THEN it throws', () => {
      const { chart, identity } = world();
      expect(() => new ClusterSecretStore(chart, 'Store', {
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
        conditions: [{}],
      })).toThrow(/conditions\[0\]: is empty/);
    });

    test('GIVEN a bad condition regex THEN it throws', () => {
      const { chart, identity } = world();
      expect(() => new ClusterSecretStore(chart, 'Store', {
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity) }),
        conditions: [{ namespaceRegexes: ['(('] }],
      })).toThrow(/conditions\[0\].namespaceRegexes: is not a valid regular expression/);
    });
  });
});

describe('SecretStore (Vault)', () => {
  test('GIVEN kubernetes auth with a ServiceAccount THEN the vault provider is rendered with explicit defaults and details are exposed', () => {
    const { chart } = world();
    const store = new ClusterSecretStore(chart, 'Vault', {
      name: 'vault',
      provider: StoreProvider.vault({
        server: 'https://vault.example.com',
        path: 'secret',
        auth: EsoVaultAuth.kubernetes({ role: 'external-secrets', serviceAccountName: 'external-secrets', serviceAccountNamespace: 'external-secrets' }),
      }),
      conditions: [{ namespaces: ['production'] }],
    });
    expect(objects(chart, 'ClusterSecretStore')[0].spec.provider).toEqual({
      vault: {
        server: 'https://vault.example.com',
        path: 'secret',
        version: 'v2',
        auth: {
          kubernetes: {
            mountPath: 'kubernetes',
            role: 'external-secrets',
            serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' },
          },
        },
      },
    });
    expect(store.provider!.vaultDetails).toEqual({
      server: 'https://vault.example.com',
      path: 'secret',
      version: EsoVaultKvVersion.V2,
      authMountPath: 'kubernetes',
      role: 'external-secrets',
      serviceAccountName: 'external-secrets',
      serviceAccountNamespace: 'external-secrets',
      audiences: undefined,
      vaultNamespace: undefined,
    });
    expect(store.provider!.region).toBeUndefined();
    expectValid(chart);
  });

  test('GIVEN kv v1 and token auth in a SecretStore THEN they are rendered', () => {
    const { chart } = world();
    new SecretStore(chart, 'Vault', {
      namespace: 'secrets-demo',
      provider: StoreProvider.vault({
        server: 'http://vault.vault.svc.cluster.local:8200',
        path: 'kv',
        version: EsoVaultKvVersion.V1,
        auth: EsoVaultAuth.tokenSecret({ secretName: 'vault-token' }),
      }),
    });
    expect(objects(chart, 'SecretStore')[0].spec.provider.vault).toEqual({
      server: 'http://vault.vault.svc.cluster.local:8200',
      path: 'kv',
      version: 'v1',
      auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } },
    });
    expectValid(chart);
  });

  test('GIVEN a bad server or path THEN it throws', () => {
    const { chart } = world();
    const auth = EsoVaultAuth.kubernetes({ role: 'r' });
    expect(() => new SecretStore(chart, 'A', { namespace: 'ns', provider: StoreProvider.vault({ server: 'vault:8200', path: 'kv', auth }) }))
      .toThrow(/provider.server: is not an http or https URL/);
    expect(() => new SecretStore(chart, 'B', { namespace: 'ns', provider: StoreProvider.vault({ server: 'http://vault:8200', path: '/kv/', auth }) }))
      .toThrow(/provider.path: is not a Vault mount path/);
  });

  test('GIVEN a Vault ServiceAccount in another namespace than the SecretStore THEN it throws', () => {
    const { chart } = world();
    expect(() => new SecretStore(chart, 'A', {
      namespace: 'ns',
      provider: StoreProvider.vault({ server: 'http://vault:8200', path: 'kv', auth: EsoVaultAuth.kubernetes({ role: 'r', serviceAccountName: 'sa', serviceAccountNamespace: 'other' }) }),
    })).toThrow(/auth.kubernetes.serviceAccountNamespace: differs from the SecretStore's namespace/);
  });
});

test('CDK annotations helper is importable (warnings on CDK constructs are asserted elsewhere)', () => {
  expect(CdkAnnotations).toBeDefined();
});
