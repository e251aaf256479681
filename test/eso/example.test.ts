import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleContext } from '../../examples/context';
import { build } from '../../examples/eso';
import { defaultedFields, expectValid, manifestsOf } from '../harness';

// The ESO part of `npm run example` (seeds 000, 001, 002), built in memory.
function example() {
  const ctx = exampleContext();
  build(ctx);
  const { k8sApp, awsApp } = ctx;
  const stack = (name: string) => awsApp.node.findChild(name) as cdk.Stack;
  const find = (kind: string, name: string) => manifestsOf(k8sApp).find((o: any) => o.kind === kind && o.metadata.name === name);
  return { k8sApp, awsApp, stack, find };
}

describe('examples/eso.ts', () => {
  test('GIVEN the example THEN every manifest passes the harness and no token reaches YAML', () => {
    const { k8sApp } = example();
    expectValid(k8sApp);
    const yaml = manifestsOf(k8sApp).map((o: any) => JSON.stringify(o)).join('\n');
    expect(yaml).not.toContain('${Token[');
    expect(yaml).not.toMatch(/AWS_SECRET_ACCESS_KEY|secretRef/);
  });

  test('GIVEN the example THEN API-server defaulting adds no field (GitOps tools see no drift)', () => {
    const { k8sApp } = example();
    expect(defaultedFields(manifestsOf(k8sApp))).toEqual([]);
  });

  test('GIVEN seed 000 THEN secretstore-demo and external-secrets-demo sync username/password every minute through IRSA', () => {
    const { find, stack } = example();
    expect(find('SecretStore', 'secretstore-demo').spec.provider.aws).toEqual({
      service: 'SecretsManager', region: 'eu-central-1', sessionTagsPolicy: 'None', auth: { jwt: { serviceAccountRef: { name: 'secretstore-demo' } } },
    });
    const es = find('ExternalSecret', 'external-secrets-demo');
    expect(es.metadata.namespace).toBe('secrets-demo');
    expect(es.spec.refreshInterval).toBe('1m');
    expect(es.spec.target.name).toBe('ext-postgres-secret');
    expect(es.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key, d.remoteRef.property])).toEqual([
      ['username', 'demo/aws-sm/ext-postgres-secret', 'username'],
      ['password', 'demo/aws-sm/ext-postgres-secret', 'password'],
    ]);
    const sa = find('ServiceAccount', 'secretstore-demo');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/eso-secrets-demo-store');
    Template.fromStack(stack('secrets-platform')).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'secretsmanager:GetSecretValue',
          Effect: 'Allow',
          Resource: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:demo/aws-sm/ext-postgres-secret-??????',
        }],
      },
    });
    Template.fromStack(stack('eso-secrets-eu-central-1')).hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'demo/aws-sm/ext-postgres-secret',
      GenerateSecretString: { SecretStringTemplate: '{"username":"admin"}', GenerateStringKey: 'password' },
    });
  });

  test('GIVEN seed 001 THEN the ClusterSecretStore uses the controller ServiceAccount by jwt and the ExternalSecret has data + extract', () => {
    const { find } = example();
    expect(find('ClusterSecretStore', 'aws-secrets-manager').spec.provider.aws.auth).toEqual({
      jwt: { serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } },
    });
    const es = find('ExternalSecret', 'app-secrets');
    expect(es.spec.data.map((d: any) => d.secretKey)).toEqual(['DB_PASSWORD', 'API_KEY']);
    expect(es.spec.dataFrom[0].extract.key).toBe('prod/myapp/config');
    const values = find('Application', 'external-secrets').spec.source.helm.valuesObject;
    expect(values.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/eso-controller');
  });

  test('GIVEN seed 002 THEN the project ServiceAccount role reads exactly the project secret and the store uses dataFrom', () => {
    const { find, stack } = example();
    expect(find('ExternalSecret', 'externalsecret-example').spec.dataFrom[0].extract.key).toBe('example');
    expect(find('SecretStore', 'secretstore-example').spec.provider.aws.auth.jwt.serviceAccountRef.name).toBe('example-eso');
    const template = Template.fromStack(stack('secrets-platform'));
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'demo-example-ServiceAccountRole',
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
          Condition: {
            StringEquals: {
              'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com',
              'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': 'system:serviceaccount:example:example-eso',
            },
          },
        }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:example-??????' }] },
    });
  });
});

test('GIVEN the example built twice THEN manifests and templates are identical (deterministic)', () => {
  const a = example();
  const b = example();
  expect(JSON.stringify(manifestsOf(b.k8sApp))).toBe(JSON.stringify(manifestsOf(a.k8sApp)));
  for (const name of ['secrets-platform', 'eso-secrets-eu-central-1']) {
    expect(Template.fromStack(b.stack(name)).toJSON()).toEqual(Template.fromStack(a.stack(name)).toJSON());
  }
});
