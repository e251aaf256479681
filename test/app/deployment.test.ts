import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kplus from 'cdk8s-plus-28';
import { testApp } from './util';
import { ClusterTarget, ExternalSecretsOperatorInstall, ManifestDeployment, SecretsApp, WorkloadIdentity } from '../../src';

const ENV = { account: '111122223333', region: 'eu-west-1' };
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function world(deployment?: ManifestDeployment) {
  const app = testApp(tmp);
  const stack = new cdk.Stack(app.awsApp, 'eks', { env: ENV });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'prod',
    kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc',
      'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'),
  });
  const target = ClusterTarget.fromCluster(app, 'prod', cluster, { deployment });
  const chart = target.addChart('shop', { namespace: 'shop' });
  const identity = new WorkloadIdentity(chart, 'Api', { serviceAccountName: 'api' });
  return { app, target, chart, identity };
}

function template(): any {
  return JSON.parse(fs.readFileSync(path.join(tmp, 'cdk.out', 'eks.template.json'), 'utf8'));
}

test('GIVEN CloudFormation deployment WHEN a manifest holds a token THEN CloudFormation applies it and resolves the token', () => {
  const { app, chart, identity } = world(ManifestDeployment.CLOUDFORMATION);
  const cm = new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'config' } });
  cm.metadata.addAnnotation('role', identity.role.roleArn);
  app.synth();
  const manifests = Object.values(template().Resources).filter((r: any) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource') as any[];
  expect(manifests).toHaveLength(1);
  const body = JSON.stringify(manifests[0].Properties.Manifest);
  expect(body).toContain('"kind\\":\\"ServiceAccount\\"');
  expect(body).toContain('"kind\\":\\"ConfigMap\\"');
  expect(body).toContain('Fn::GetAtt');
  expect(body).not.toContain('${Token[');
  // The files are still written for review; the token is resolved there only by CloudFormation.
  expect(fs.existsSync(path.join(tmp, 'dist', 'prod', 'shop.k8s.yaml'))).toBe(true);
});

test('GIVEN CloudFormation deployment WHEN a library construct takes a token THEN it is accepted; under GitOps it is refused', () => {
  const cfn = world(ManifestDeployment.CLOUDFORMATION);
  expect(() => new WorkloadIdentity(cfn.chart, 'Tok', { serviceAccountName: 'tok', roleName: 'fixed' })).not.toThrow();
  expect(() => new ExternalSecretsOperatorInstall(cfn.chart, 'Eso', { values: { podLabels: { arn: cfn.identity.role.roleArn } } })).not.toThrow();
  const git = world();
  expect(() => new ExternalSecretsOperatorInstall(git.chart, 'Eso', { values: { podLabels: { arn: git.identity.role.roleArn } } }))
    .toThrow(/values\.podLabels\.arn: is an unresolved CDK token/);
});

test('GIVEN CloudFormation deployment WHEN a Secret holds data THEN synth fails: it would be plaintext in the template', () => {
  const { app, chart } = world(ManifestDeployment.CLOUDFORMATION);
  new kplus.Secret(chart, 'Plain', { metadata: { name: 'plain' }, stringData: { password: 'x' } });
  expect(() => app.synth()).toThrow(/\[prod\/shop\/Plain\/Resource\] data: a Secret with data would be written into the CloudFormation template in plaintext/);
  expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  expect(fs.existsSync(path.join(tmp, 'cdk.out'))).toBe(false);
});

test('GIVEN GitOps deployment (the default) WHEN synthesized THEN no manifest is applied by CloudFormation', () => {
  const { app } = world();
  app.synth();
  expect(Object.values(template().Resources).some((r: any) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource')).toBe(false);
});

test('GIVEN CloudFormation deployment WHEN the target has no aws-eks cluster THEN it says how to build one', () => {
  const app = new SecretsApp({ outdir: path.join(tmp, 'dist'), printWarnings: false });
  expect(() => new ClusterTarget(app, 'x', { env: ENV, clusterName: 'x', deployment: ManifestDeployment.CLOUDFORMATION }))
    .toThrow(/deployment: needs the aws-eks cluster the manifests are applied to .*ClusterTarget\.fromCluster/);
});
