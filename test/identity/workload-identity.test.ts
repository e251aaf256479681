import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ClusterOidcIdentity, ClusterPodIdentity, ClusterTarget, ClusterTargetProps, IdentityMode, SecretsApp, WorkloadIdentity,
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

/** A SecretsApp with target `Platform` (its own stack `Platform`; IRSA unless told otherwise) and a chart `apps` in it. */
function targetSetup(props: ClusterTargetProps = { env: ENV, irsa: { issuerUrl: `https://${ISSUER}` } }, chartProps: cdk8s.ChartProps = {}) {
  const app = new SecretsApp();
  const target = new ClusterTarget(app, 'Platform', props);
  const chart = new cdk8s.Chart(target.k8sApp, 'apps', chartProps);
  return { app, target, stack: target.stack, chart };
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
    const { stack, chart } = targetSetup();
    // WHEN
    new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api', roleName: 'shop-api' });
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

  test('GIVEN maxSessionDuration as a cdk8s Duration THEN the role carries it in seconds', () => {
    const { stack, chart } = targetSetup();
    new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api', maxSessionDuration: cdk8s.Duration.hours(2) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 7200 });
  });

  test('GIVEN an IRSA identity WHEN synthesized THEN the ServiceAccount annotation equals the ARN of the role in the template', () => {
    // GIVEN
    const { stack, chart } = targetSetup();
    // WHEN
    const identity = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
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

  test('GIVEN an identity in a target chart THEN the role lives in the target stack under the chart path and the ServiceAccount is its child', () => {
    const { target, stack, chart } = targetSetup();
    const identity = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
    expect(identity.target).toBe(target);
    expect(cdk.Stack.of(identity.role)).toBe(stack);
    expect(identity.role.node.path).toBe('Platform/apps/Api/Role');
    expect(identity.podIdentityAssociation).toBeUndefined();
    expect(identity.serviceAccount.node.path).toBe('apps/Api/ServiceAccount');
    expect(identity.mode).toBe(IdentityMode.IRSA);
  });

  test('GIVEN a long name WHEN defaulted THEN the role name is at most 64 characters and deterministic', () => {
    const { chart } = targetSetup();
    const long = 'a'.repeat(60);
    const identity = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: long });
    expect(identity.roleName.length).toBeLessThanOrEqual(64);
    expect(identity.roleName).toMatch(/^Platform-shop-a+-[0-9a-f]{8}$/);
  });

  test('GIVEN two targets sharing one stack WHEN names are defaulted THEN each role name holds its target id and the roles do not collide', () => {
    const app = new SecretsApp();
    const shared = new cdk.Stack(app.awsApp, 'Shared', { env: ENV });
    const charts = ['blue', 'green'].map((id) => new ClusterTarget(app, id, { stack: shared, irsa: { issuerUrl: `https://${ISSUER}` } }).addChart('apps'));
    const [blue, green] = charts.map((chart) => new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' }));
    expect(blue.roleName).toBe('Shared-blue-shop-api');
    expect(green.roleName).toBe('Shared-green-shop-api');
    expect(blue.role.node.path).toBe('Shared/blue/apps/Api/Role');
    expect(green.role.node.path).toBe('Shared/green/apps/Api/Role');
    Template.fromStack(shared).resourceCountIs('AWS::IAM::Role', 2);
  });

  test('GIVEN an identity WHEN granted THEN it behaves as an IGrantable and the role gets the statement', () => {
    const { stack, chart } = targetSetup();
    const identity = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
    iam.Grant.addToPrincipal({ grantee: identity, actions: ['s3:GetObject'], resourceArns: ['arn:aws:s3:::bucket/key'] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::bucket/key' }] },
      Roles: [{ Ref: Match.anyValue() }],
    });
    // As a principal, the identity is the role: others would assume it with sts:AssumeRole.
    expect(identity.assumeRoleAction).toBe('sts:AssumeRole');
  });

  test('GIVEN an identity WHEN bound in RBAC THEN the subject is the ServiceAccount', () => {
    const { chart } = targetSetup();
    const identity = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
    const role = new kplus.Role(chart, 'Reader', { metadata: { namespace: 'shop' } });
    role.allowRead(kplus.ApiResource.CONFIG_MAPS);
    role.bind(identity);
    const binding = cdk8s.Testing.synth(chart).find((o: any) => o.kind === 'RoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'api', namespace: 'shop', apiGroup: '' }]);
    expectValid(chart);
  });

  test('GIVEN createServiceAccount false THEN no ServiceAccount is emitted but the annotations are exposed', () => {
    const { chart } = targetSetup();
    const identity = new WorkloadIdentity(chart, 'Eso', {
      namespace: 'external-secrets', serviceAccountName: 'external-secrets', createServiceAccount: false,
    });
    expect(serviceAccounts(chart)).toHaveLength(0);
    expect(identity.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': identity.roleArn });
    expect(identity.toSubjectConfiguration()).toMatchObject({ kind: 'ServiceAccount', name: 'external-secrets', namespace: 'external-secrets' });
  });

  test('GIVEN a chart namespace WHEN namespace is omitted THEN the chart namespace is used', () => {
    const { chart } = targetSetup(undefined, { namespace: 'team-a' });
    const identity = new WorkloadIdentity(chart, 'Api', { serviceAccountName: 'api' });
    expect(identity.serviceAccountNamespace).toBe('team-a');
  });

  describe('errors', () => {
    test('GIVEN no namespace anywhere THEN it throws', () => {
      const { chart } = targetSetup();
      expect(() => new WorkloadIdentity(chart, 'Api', { serviceAccountName: 'api' })).toThrow(/namespace: is required because the chart has no namespace/);
    });

    test('GIVEN a bad namespace THEN it throws a DNS error', () => {
      const { chart } = targetSetup();
      expect(() => new WorkloadIdentity(chart, 'Api', { namespace: 'Shop_NS', serviceAccountName: 'api' })).toThrow(/namespace: must be a DNS-1123 label/);
    });

    test('GIVEN a bad ServiceAccount name THEN it throws a DNS error', () => {
      const { chart } = targetSetup();
      expect(() => new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'API' })).toThrow(/serviceAccountName: must be a DNS-1123 subdomain/);
    });

    test('GIVEN a token role name THEN it throws naming roleName and the fix', () => {
      const { stack, chart } = targetSetup();
      const token = new cdk.CfnParameter(stack, 'RoleName').valueAsString;
      expect(() => new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api', roleName: token }))
        .toThrow(/\[Platform\/apps\/Api\] roleName: is an unresolved CDK token.*give the role a literal name/);
    });

    test('GIVEN an invalid role name THEN it throws', () => {
      const { chart } = targetSetup();
      expect(() => new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api', roleName: 'bad name' }))
        .toThrow(/roleName: is not a valid IAM role name/);
    });

    test('GIVEN a target on an env-agnostic stack THEN the role ARN could not be computed and it throws', () => {
      const app = new SecretsApp();
      const stack = new cdk.Stack(app.awsApp, 'Platform');
      expect(() => new ClusterTarget(app, 'Platform', { stack, irsa: { providerArn: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}` } }))
        .toThrow(/\[Platform\] env\.account: is not a literal in stack Platform.*explicit env/);
    });

    test('GIVEN a chart outside any target THEN it throws naming the fix', () => {
      const chart = new cdk8s.Chart(cdk8s.Testing.app(), 'apps');
      expect(() => new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' }))
        .toThrow(/\[apps\/Api\] scope: is not in a chart of a ClusterTarget.*`addChart` method/);
    });

    test('GIVEN two identities for one ServiceAccount THEN it throws', () => {
      const { chart } = targetSetup();
      new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
      expect(() => new WorkloadIdentity(chart, 'Api2', { namespace: 'shop', serviceAccountName: 'api', roleName: 'other' }))
        .toThrow(/serviceAccountName: already has a workload identity/);
    });

    test('GIVEN two identities for one ServiceAccount in different charts of one target THEN it throws naming the first', () => {
      const { target, chart } = targetSetup();
      new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
      const other = target.addChart('other');
      expect(() => new WorkloadIdentity(other, 'Api', { namespace: 'shop', serviceAccountName: 'api', roleName: 'other' }))
        .toThrow(/\[Platform\/other\/Api\] serviceAccountName: already has a workload identity on this cluster \(Platform\/apps\/Api\) \(got "shop\/api"\)\. Fix: use one WorkloadIdentity per ServiceAccount/);
    });

    test('GIVEN one ServiceAccount on two targets THEN each target has its own identity', () => {
      const app = new SecretsApp();
      const [a, b] = ['a', 'b'].map((id) => ClusterTarget.fromIssuerUrl(app, id, ENV, `https://${ISSUER}`).addChart('apps'));
      const ia = new WorkloadIdentity(a, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
      const ib = new WorkloadIdentity(b, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
      expect([ia.roleName, ib.roleName]).toEqual(['a-shop-api', 'b-shop-api']);
    });
  });
});

describe('WorkloadIdentity (Pod Identity)', () => {
  test('GIVEN a Pod Identity cluster WHEN an identity is made THEN trust is pods.eks.amazonaws.com with AssumeRole+TagSession and an association exists', () => {
    // GIVEN
    const { stack, chart } = targetSetup({ env: ENV, clusterName: 'prod' });
    // WHEN
    const identity = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
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
    expect(identity.podIdentityAssociation!.node.path).toBe('Platform/apps/Api/PodIdentityAssociation');
    const [sa] = serviceAccounts(chart);
    expect(sa.metadata.annotations).toBeUndefined();
    expect(identity.serviceAccountAnnotations).toEqual({});
    expect(identity.mode).toBe(IdentityMode.POD_IDENTITY);
    expectValid(chart);
  });
});

describe('WorkloadIdentity mode per ServiceAccount', () => {
  test('GIVEN a target with IRSA and a cluster name WHEN one identity chooses Pod Identity THEN the other keeps the IRSA default', () => {
    const { target, stack, chart } = targetSetup({ env: ENV, irsa: { issuerUrl: `https://${ISSUER}` }, clusterName: 'prod' });
    expect(target.defaultIdentityMode).toBe(IdentityMode.IRSA);
    const irsa = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
    const pod = new WorkloadIdentity(chart, 'Worker', { namespace: 'shop', serviceAccountName: 'worker', mode: IdentityMode.POD_IDENTITY });
    expect(irsa.mode).toBe(IdentityMode.IRSA);
    expect(pod.mode).toBe(IdentityMode.POD_IDENTITY);
    expect(irsa.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/Platform-shop-api' });
    expect(pod.serviceAccountAnnotations).toEqual({});
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 2);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'prod', Namespace: 'shop', ServiceAccount: 'worker' });
    const byName = Object.fromEntries(serviceAccounts(chart).map((sa) => [sa.metadata.name, sa.metadata.annotations]));
    expect(byName).toEqual({ api: { 'eks.amazonaws.com/role-arn': irsa.roleArn }, worker: undefined });
  });

  test('GIVEN a target with both and defaultIdentityMode Pod Identity WHEN an identity chooses IRSA THEN its trust is the OIDC provider', () => {
    const { stack, chart } = targetSetup({
      env: ENV, irsa: { issuerUrl: `https://${ISSUER}` }, clusterName: 'prod', defaultIdentityMode: IdentityMode.POD_IDENTITY,
    });
    expect(new WorkloadIdentity(chart, 'Worker', { namespace: 'shop', serviceAccountName: 'worker' }).mode).toBe(IdentityMode.POD_IDENTITY);
    const irsa = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api', mode: IdentityMode.IRSA, roleName: 'shop-api' });
    expect(irsa.mode).toBe(IdentityMode.IRSA);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'shop-api',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}` } })] },
    });
  });
});

describe('WorkloadIdentity on a target that lacks the mode', () => {
  test('GIVEN a target without IRSA WHEN an identity asks for IRSA THEN it throws', () => {
    const { chart } = targetSetup({ env: ENV, clusterName: 'prod' });
    expect(() => new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api', mode: IdentityMode.IRSA }))
      .toThrow(/\[Platform\/apps\/Api\] mode: is IRSA, but target Platform has no OIDC issuer \(got "irsa"\)\. Fix: give the target `irsa` with the cluster\'s `issuerUrl`, or use `IdentityMode\.POD_IDENTITY` \[CS-APP-\d{3}\]$/);
  });

  test('GIVEN a target without a cluster name WHEN an identity asks for Pod Identity THEN it throws', () => {
    const { chart } = targetSetup();
    expect(() => new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api', mode: IdentityMode.POD_IDENTITY }))
      .toThrow(/\[Platform\/apps\/Api\] mode: is Pod Identity, but target Platform has no clusterName \(got "pod-identity"\)\. Fix: give the target `clusterName`, or use `IdentityMode\.IRSA`/);
  });

  test('GIVEN an identity THEN its IPrincipal members delegate to the role', () => {
    const { chart } = targetSetup();
    const identity = new WorkloadIdentity(chart, 'Api', { namespace: 'shop', serviceAccountName: 'api' });
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
