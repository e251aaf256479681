import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ClusterOidcIdentity, ClusterPodIdentity, IdentityMode, WorkloadIdentity,
} from '../../src';
import { expectValid } from '../harness';

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const ENV = { account: '111122223333', region: 'eu-west-1' };

function setup(env: cdk.Environment | null = ENV) {
  const awsApp = new cdk.App();
  const stack = new cdk.Stack(awsApp, 'Platform', { env: env ?? undefined });
  const k8sApp = cdk8s.Testing.app();
  const chart = new cdk8s.Chart(k8sApp, 'apps');
  return { stack, chart };
}

function serviceAccounts(chart: cdk8s.Chart): any[] {
  return cdk8s.Testing.synth(chart).filter((o: any) => o.kind === 'ServiceAccount');
}

describe('ClusterOidcIdentity', () => {
  test('GIVEN an issuer URL WHEN imported THEN the provider ARN is computed from the stack env', () => {
    const { stack } = setup();
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    expect(cluster.mode).toBe(IdentityMode.IRSA);
    expect(cluster.oidcIssuer).toBe(ISSUER);
    expect(cluster.oidcProviderArn).toBe(`arn:aws:iam::111122223333:oidc-provider/${ISSUER}`);
  });

  test('GIVEN a China region WHEN imported THEN the partition is aws-cn', () => {
    const { stack } = setup({ account: '111122223333', region: 'cn-north-1' });
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    expect(cluster.oidcProviderArn).toBe(`arn:aws-cn:iam::111122223333:oidc-provider/${ISSUER}`);
  });

  test('GIVEN a provider ARN WHEN imported THEN the issuer is taken from it', () => {
    const { stack } = setup();
    const arn = `arn:aws:iam::444455556666:oidc-provider/${ISSUER}`;
    const cluster = ClusterOidcIdentity.fromProviderArn(stack, 'Cluster', arn);
    expect(cluster.oidcIssuer).toBe(ISSUER);
    expect(cluster.oidcProviderArn).toBe(arn);
  });

  test('GIVEN createProvider WHEN synthesized THEN an AWS::IAM::OIDCProvider with audience sts.amazonaws.com exists', () => {
    const { stack } = setup();
    const cluster = new ClusterOidcIdentity(stack, 'Cluster', { issuerUrl: `https://${ISSUER}`, createProvider: true });
    expect(cluster.provider).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: `https://${ISSUER}`,
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  test('GIVEN neither issuer nor ARN THEN it throws', () => {
    const { stack } = setup();
    expect(() => new ClusterOidcIdentity(stack, 'Cluster', {})).toThrow(/issuerUrl: is required when providerArn is not given/);
  });

  test('GIVEN an http issuer THEN it throws', () => {
    const { stack } = setup();
    expect(() => ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `http://${ISSUER}`)).toThrow(/issuerUrl: must use https/);
  });

  test('GIVEN an issuer with a port THEN it throws', () => {
    const { stack } = setup();
    expect(() => ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', 'https://oidc.example.com:8443/id/x')).toThrow(/issuerUrl: is not an OIDC issuer URL/);
  });

  test('GIVEN a malformed provider ARN THEN it throws', () => {
    const { stack } = setup();
    expect(() => ClusterOidcIdentity.fromProviderArn(stack, 'Cluster', 'arn:aws:iam::111122223333:role/x')).toThrow(/providerArn: is not an IAM OIDC provider ARN/);
  });

  test('GIVEN an ARN and an issuer that disagree THEN it throws', () => {
    const { stack } = setup();
    expect(() => new ClusterOidcIdentity(stack, 'Cluster', {
      issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER',
      providerArn: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`,
    })).toThrow(/providerArn: names the issuer/);
  });

  test('GIVEN createProvider with a provider ARN THEN it throws', () => {
    const { stack } = setup();
    expect(() => new ClusterOidcIdentity(stack, 'Cluster', {
      providerArn: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`, createProvider: true,
    })).toThrow(/createProvider: cannot be combined with providerArn/);
  });

  test('GIVEN a token issuer THEN it throws naming the bridge', () => {
    const { stack } = setup();
    const token = new cdk.CfnParameter(stack, 'Issuer').valueAsString;
    expect(() => ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', token)).toThrow(/issuerUrl: is an unresolved CDK token/);
  });

  test('GIVEN an env-agnostic stack WHEN importing by issuer THEN it throws naming env.account', () => {
    const { stack } = setup(null);
    expect(() => ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`)).toThrow(/env\.(account|region): is an unresolved CDK token.*explicit env/);
  });
});

describe('ClusterPodIdentity', () => {
  test('GIVEN a bad cluster name THEN it throws', () => {
    const { stack } = setup();
    expect(() => new ClusterPodIdentity(stack, 'Cluster', { clusterName: 'bad name!' })).toThrow(/clusterName: is not a valid EKS cluster name/);
  });
});

describe('WorkloadIdentity (IRSA)', () => {
  test('GIVEN an IRSA cluster WHEN an identity is made THEN the trust admits exactly that ServiceAccount with literal keys', () => {
    // GIVEN
    const { stack, chart } = setup();
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    // WHEN
    new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api', roleName: 'shop-api' });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'shop-api',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}` },
          Condition: {
            StringEquals: {
              [`${ISSUER}:aud`]: 'sts.amazonaws.com',
              [`${ISSUER}:sub`]: 'system:serviceaccount:shop:api',
            },
          },
        }],
      },
    });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
  });

  test('GIVEN an IRSA identity WHEN synthesized THEN the ServiceAccount annotation equals the ARN of the role in the template', () => {
    // GIVEN
    const { stack, chart } = setup();
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    // WHEN
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' });
    // THEN: the role in the template has that name; its ARN (account + partition + name) equals the annotation.
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const [role] = Object.values(roles) as any[];
    const roleArnInAccount = `arn:aws:iam::${stack.account}:role/${role.Properties.RoleName}`;
    const [sa] = serviceAccounts(chart);
    expect(sa.metadata).toEqual({
      name: 'api',
      namespace: 'shop',
      annotations: { 'eks.amazonaws.com/role-arn': roleArnInAccount },
    });
    expect(identity.roleArn).toBe(roleArnInAccount);
    expect(role.Properties.RoleName).toBe('Platform-shop-api');
    expect(sa.automountServiceAccountToken).toBe(false);
    const yaml = cdk8s.Testing.synth(chart).map((o) => JSON.stringify(o)).join('\n');
    expect(yaml).not.toContain('${Token[');
    expectValid(chart);
  });

  test('GIVEN a long name WHEN defaulted THEN the role name is at most 64 characters and deterministic', () => {
    const { stack, chart } = setup();
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    const long = 'a'.repeat(60);
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: long });
    expect(identity.roleName.length).toBeLessThanOrEqual(64);
    expect(identity.roleName).toMatch(/^Platform-shop-a+-[0-9a-f]{8}$/);
  });

  test('GIVEN an identity WHEN granted THEN it behaves as an IGrantable and the role gets the statement', () => {
    const { stack, chart } = setup();
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' });
    iam.Grant.addToPrincipal({ grantee: identity, actions: ['s3:GetObject'], resourceArns: ['arn:aws:s3:::bucket/key'] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::bucket/key' }] },
      Roles: [{ Ref: Match.anyValue() }],
    });
    // As a principal, the identity is the role: others would assume it with sts:AssumeRole.
    expect(identity.assumeRoleAction).toBe('sts:AssumeRole');
  });

  test('GIVEN an identity WHEN bound in RBAC THEN the subject is the ServiceAccount', () => {
    const { stack, chart } = setup();
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' });
    const role = new kplus.Role(chart, 'Reader', { metadata: { namespace: 'shop' } });
    role.allowRead(kplus.ApiResource.CONFIG_MAPS);
    role.bind(identity);
    const binding = cdk8s.Testing.synth(chart).find((o: any) => o.kind === 'RoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'api', namespace: 'shop', apiGroup: '' }]);
    expectValid(chart);
  });

  test('GIVEN createServiceAccount false THEN no ServiceAccount is emitted but the annotations are exposed', () => {
    const { stack, chart } = setup();
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    const identity = new WorkloadIdentity(stack, 'Eso', {
      cluster, chart, namespace: 'external-secrets', serviceAccountName: 'external-secrets', createServiceAccount: false,
    });
    expect(serviceAccounts(chart)).toHaveLength(0);
    expect(identity.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': identity.roleArn });
    expect(identity.toSubjectConfiguration()).toMatchObject({ kind: 'ServiceAccount', name: 'external-secrets', namespace: 'external-secrets' });
  });

  test('GIVEN a chart namespace WHEN namespace is omitted THEN the chart namespace is used', () => {
    const awsApp = new cdk.App();
    const stack = new cdk.Stack(awsApp, 'Platform', { env: ENV });
    const chart = new cdk8s.Chart(cdk8s.Testing.app(), 'apps', { namespace: 'team-a' });
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, chart, serviceAccountName: 'api' });
    expect(identity.serviceAccountNamespace).toBe('team-a');
  });

  describe('errors', () => {
    test('GIVEN no namespace anywhere THEN it throws', () => {
      const { stack, chart } = setup();
      const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
      expect(() => new WorkloadIdentity(stack, 'Api', { cluster, chart, serviceAccountName: 'api' })).toThrow(/namespace: is required because the chart has no namespace/);
    });

    test('GIVEN a bad namespace THEN it throws a DNS error', () => {
      const { stack, chart } = setup();
      const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
      expect(() => new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'Shop_NS', serviceAccountName: 'api' })).toThrow(/namespace: must be a DNS-1123 label/);
    });

    test('GIVEN a bad ServiceAccount name THEN it throws a DNS error', () => {
      const { stack, chart } = setup();
      const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
      expect(() => new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'API' })).toThrow(/serviceAccountName: must be a DNS-1123 subdomain/);
    });

    test('GIVEN a token role name THEN it throws naming roleName and the fix', () => {
      const { stack, chart } = setup();
      const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
      const token = new cdk.CfnParameter(stack, 'RoleName').valueAsString;
      expect(() => new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api', roleName: token }))
        .toThrow(/\[Platform\/Api\] roleName: is an unresolved CDK token.*give the role a literal name/);
    });

    test('GIVEN an invalid role name THEN it throws', () => {
      const { stack, chart } = setup();
      const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
      expect(() => new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api', roleName: 'bad name' }))
        .toThrow(/roleName: is not a valid IAM role name/);
    });

    test('GIVEN an env-agnostic stack with an imported provider ARN THEN the role ARN cannot be computed and it throws', () => {
      const { stack, chart } = setup(null);
      const cluster = ClusterOidcIdentity.fromProviderArn(stack, 'Cluster', `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`);
      expect(() => new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' }))
        .toThrow(/\[Platform\/Api\] env\.region: is an unresolved CDK token.*explicit env/);
    });

    test('GIVEN two identities for one ServiceAccount THEN it throws', () => {
      const { stack, chart } = setup();
      const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
      new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' });
      expect(() => new WorkloadIdentity(stack, 'Api2', { cluster, chart, namespace: 'shop', serviceAccountName: 'api', roleName: 'other' }))
        .toThrow(/serviceAccountName: already has a workload identity/);
    });
  });
});

describe('WorkloadIdentity (Pod Identity)', () => {
  test('GIVEN a Pod Identity cluster WHEN an identity is made THEN trust is pods.eks.amazonaws.com with AssumeRole+TagSession and an association exists', () => {
    // GIVEN
    const { stack, chart } = setup();
    const cluster = new ClusterPodIdentity(stack, 'Cluster', { clusterName: 'prod' });
    // WHEN
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'Platform-shop-api',
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Principal: { Service: 'pods.eks.amazonaws.com' },
        }],
      },
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'prod',
      Namespace: 'shop',
      ServiceAccount: 'api',
      RoleArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    const [sa] = serviceAccounts(chart);
    expect(sa.metadata.annotations).toBeUndefined();
    expect(identity.serviceAccountAnnotations).toEqual({});
    expect(identity.mode).toBe(IdentityMode.POD_IDENTITY);
    expectValid(chart);
  });
});

describe('WorkloadIdentity with hand-made cluster identities', () => {
  test('GIVEN an IRSA cluster identity without issuer THEN it throws', () => {
    const { stack, chart } = setup();
    const cluster = Object.assign(new Construct(stack, 'Custom'), { mode: IdentityMode.IRSA });
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' }))
      .toThrow(/cluster: is an IRSA cluster identity without an OIDC issuer/);
  });

  test('GIVEN a Pod Identity cluster identity without name THEN it throws', () => {
    const { stack, chart } = setup();
    const cluster = Object.assign(new Construct(stack, 'Custom'), { mode: IdentityMode.POD_IDENTITY });
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' }))
      .toThrow(/cluster: is a Pod Identity cluster without a cluster name/);
  });

  test('GIVEN an identity THEN its IPrincipal members delegate to the role', () => {
    const { stack, chart } = setup();
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' });
    expect(identity.policyFragment).toEqual(identity.role.policyFragment);
    expect(identity.principalAccount).toBe(identity.role.principalAccount);
    expect(identity.grantPrincipal).toBe(identity.role);
    const result = identity.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
    expect(result.statementAdded).toBe(true);
  });

  test('GIVEN an unknown region of a known partition prefix THEN the partition follows the prefix', () => {
    const { stack } = setup({ account: '111122223333', region: 'us-gov-central-9' });
    const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster', `https://${ISSUER}`);
    expect(cluster.oidcProviderArn).toBe(`arn:aws-us-gov:iam::111122223333:oidc-provider/${ISSUER}`);
  });
});
