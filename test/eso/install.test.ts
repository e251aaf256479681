import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as cdk8s from 'cdk8s';
import {
  AwsAuth, Charts, ClusterSecretStore, ClusterTarget, ClusterTargetProps, ExternalSecret, ExternalSecretsOperatorInstall,
  IdentityMode, InstallDelivery, SecretsApp, StoreProvider,
} from '../../src';
import { expectValid, upstreamPath } from '../harness';
import { ENV, ISSUER, objects, statements } from './fixtures';

/** A target `Platform` (its own stack `Platform`; IRSA through ISSUER unless told otherwise) with a chart `eso`. */
function setup(props: ClusterTargetProps = { env: ENV, irsa: { issuerUrl: `https://${ISSUER}` } }) {
  const target = new ClusterTarget(new SecretsApp(), 'Platform', props);
  const chart = new cdk8s.Chart(target.k8sApp, 'eso');
  return { target, stack: target.stack, chart };
}

describe('ExternalSecretsOperatorInstall', () => {
  test('GIVEN an IRSA controller identity WHEN installed via Argo CD THEN the chart values carry the same ServiceAccount name and role ARN as the IAM trust', () => {
    // GIVEN
    const { stack, chart } = setup();
    // WHEN
    const eso = new ExternalSecretsOperatorInstall(chart, 'Eso', { controllerIdentity: {} });
    // THEN
    const [app] = objects(chart, 'Application');
    expect(app.spec.source).toMatchObject({
      repoURL: Charts.EXTERNAL_SECRETS.repository, chart: 'external-secrets', targetRevision: '2.9.0',
    });
    const values = app.spec.source.helm.valuesObject;
    expect(values.serviceAccount).toEqual({
      create: true,
      name: 'external-secrets',
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/Platform-external-secrets-external-secrets' },
    });
    expect(values.installCRDs).toBe(true);
    expect(values.replicaCount).toBe(1);
    expect(app.spec.destination.namespace).toBe('external-secrets');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'Platform-external-secrets-external-secrets',
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}` },
          Condition: { StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: 'system:serviceaccount:external-secrets:external-secrets' } },
        }],
      },
    });
    expect(eso.controllerIdentity!.roleArn).toBe(values.serviceAccount.annotations['eks.amazonaws.com/role-arn']);
    expect(objects(chart, 'ServiceAccount')).toHaveLength(0); // the chart creates it
    expect(eso.controllerIdentity!.node.path).toBe('eso/Eso/ControllerIdentity');
    expect(eso.controllerIdentity!.role.node.path).toBe('Platform/eso/Eso/ControllerIdentity/Role');
    expectValid(chart);
  });

  test('GIVEN controller auth on a ClusterSecretStore THEN ExternalSecrets grant the controller role', () => {
    const { stack, chart } = setup();
    const eso = new ExternalSecretsOperatorInstall(chart, 'Eso', { controllerIdentity: { roleName: 'eso-controller' } });
    const store = new ClusterSecretStore(chart, 'Store', {
      name: 'aws',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(eso.controllerIdentity) }),
      conditions: [{ namespaces: ['app'] }],
    });
    new ExternalSecret(chart, 'Es', { namespace: 'app', store, data: [{ secretKey: 'a', remoteKey: 'app/a' }] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:app/a-??????' }] },
      Roles: [{ Ref: Match.stringLikeRegexp('EsoControllerIdentityRole') }],
    });
    expect(statements(stack)).toHaveLength(1);
  });

  test('GIVEN Pod Identity THEN no annotation and a PodIdentityAssociation for the chart ServiceAccount', () => {
    const { stack, chart } = setup({ env: ENV, clusterName: 'demo' });
    const eso = new ExternalSecretsOperatorInstall(chart, 'Eso', { controllerIdentity: {}, namespace: 'eso', serviceAccountName: 'eso-controller' });
    expect(eso.helmValues.serviceAccount).toEqual({ create: true, name: 'eso-controller', annotations: {} });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'demo', Namespace: 'eso', ServiceAccount: 'eso-controller',
    });
  });

  test('GIVEN a target with IRSA and a cluster name WHEN the controller identity chooses Pod Identity THEN it gets an association and no annotation', () => {
    const { stack, chart } = setup({ env: ENV, irsa: { issuerUrl: `https://${ISSUER}` }, clusterName: 'demo' });
    const eso = new ExternalSecretsOperatorInstall(chart, 'Eso', { controllerIdentity: { mode: IdentityMode.POD_IDENTITY } });
    expect(eso.controllerIdentity!.mode).toBe(IdentityMode.POD_IDENTITY);
    expect(eso.helmValues.serviceAccount).toEqual({ create: true, name: 'external-secrets', annotations: {} });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'demo', Namespace: 'external-secrets', ServiceAccount: 'external-secrets',
    });
  });

  test('GIVEN a target whose delivery is Flux WHEN the install does not choose THEN it is a HelmRelease', () => {
    const { chart } = setup({ env: ENV, irsa: { issuerUrl: `https://${ISSUER}` }, delivery: InstallDelivery.fluxHelmRelease() });
    new ExternalSecretsOperatorInstall(chart, 'Eso');
    expect(objects(chart, 'HelmRelease')).toHaveLength(1);
    expect(objects(chart, 'Application')).toHaveLength(0);
  });

  test('GIVEN Flux delivery and replicas 2 THEN a HelmRelease with leader election', () => {
    const { chart } = setup();
    new ExternalSecretsOperatorInstall(chart, 'Eso', { delivery: InstallDelivery.fluxHelmRelease(), replicas: 2, webhook: false, values: { resources: { limits: { memory: '256Mi' } } } });
    const [release] = objects(chart, 'HelmRelease');
    expect(release.spec.chart.spec).toMatchObject({ chart: 'external-secrets', version: '2.9.0' });
    expect(release.spec.values).toMatchObject({
      replicaCount: 2,
      leaderElect: true,
      webhook: { create: false },
      certController: { create: true },
      resources: { limits: { memory: '256Mi' } },
    });
    expectValid(chart);
  });

  test('GIVEN an aws-eks cluster THEN addToEksCluster installs the same pinned chart and values through CloudFormation', () => {
    const { stack, chart } = setup();
    const eso = new ExternalSecretsOperatorInstall(chart, 'Eso');
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', {
      clusterName: 'demo', kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    });
    eso.addToEksCluster(stack, 'EsoChart', cluster);
    Template.fromStack(stack).hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'external-secrets',
      Version: '2.9.0',
      Repository: 'https://charts.external-secrets.io',
      Namespace: 'external-secrets',
      Release: 'external-secrets',
      CreateNamespace: true,
      Values: Match.serializedJson(Match.objectLike({ serviceAccount: { create: true, name: 'external-secrets', annotations: {} } })),
    });
  });

  describe('errors', () => {
    test('GIVEN values.serviceAccount THEN it throws', () => {
      const { chart } = setup();
      expect(() => new ExternalSecretsOperatorInstall(chart, 'Eso', { values: { serviceAccount: { name: 'x' } } }))
        .toThrow(/values.serviceAccount: is derived by the library/);
    });

    test('GIVEN bad replicas THEN it throws', () => {
      const { chart } = setup();
      expect(() => new ExternalSecretsOperatorInstall(chart, 'Eso', { replicas: 0 })).toThrow(/replicas: must be a positive integer/);
    });

    test('GIVEN a bad namespace THEN it throws a DNS error', () => {
      const { chart } = setup();
      expect(() => new ExternalSecretsOperatorInstall(chart, 'Eso', { namespace: 'External_Secrets' })).toThrow(/namespace: must be a DNS-1123 label/);
    });
  });
});

describe('ExternalSecretsOperatorInstall values vs the pinned chart', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require('ajv/dist/2020').default;
  const dir = upstreamPath('chart-values', `external-secrets-${Charts.EXTERNAL_SECRETS.version}`);
  const defaults = YAML.parse(fs.readFileSync(`${dir}/values.yaml`, 'utf8'));
  const schema = JSON.parse(fs.readFileSync(`${dir}/values.schema.json`, 'utf8'));

  function paths(obj: any, prefix = ''): string[] {
    return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && !['annotations', 'resources'].includes(k)
      ? paths(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
  }

  test('GIVEN every option WHEN values are derived THEN each key exists in the chart values.yaml and the values pass values.schema.json', () => {
    const { chart } = setup();
    const eso = new ExternalSecretsOperatorInstall(chart, 'Eso', { controllerIdentity: {}, replicas: 2, webhook: false, certController: false });
    const values = eso.helmValues;
    for (const p of paths(values)) {
      const known = p.split('.').reduce((o: any, k) => (o === undefined ? undefined : o[k]), defaults);
      expect([p, known !== undefined]).toEqual([p, true]);
    }
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate({ ...defaults, ...values }) ? [] : validate.errors).toEqual([]);
  });
});
