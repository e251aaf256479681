import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Charts, ClusterTarget, ExternalSecretsOperatorInstall, InstallDelivery, ManifestDeployment, SecretsApp } from '../../src';
import { testApp } from '../app/util';

const ENV = { account: '111122223333', region: 'eu-west-1' };
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eks-helm-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function world(deployment: ManifestDeployment, delivery: InstallDelivery) {
  const app = testApp(tmp);
  const stack = new cdk.Stack(app.awsApp, 'eks', { env: ENV });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'prod',
    kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc',
      'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'),
  });
  const target = ClusterTarget.fromCluster(app, 'prod', cluster, { deployment, delivery });
  return { app, target, chart: target.addChart('platform') };
}

function resources(type: string): Array<[string, any]> {
  const t = JSON.parse(fs.readFileSync(path.join(tmp, 'cdk.out', 'eks.template.json'), 'utf8'));
  return Object.entries(t.Resources as { [id: string]: any }).filter(([, r]) => r.Type === type);
}

test('GIVEN eksHelmChart delivery WHEN ESO is installed THEN CloudFormation installs the pinned chart with the same values, before the manifests', () => {
  const { app, chart } = world(ManifestDeployment.CLOUDFORMATION, InstallDelivery.eksHelmChart({ timeout: Duration.minutes(10) }));
  const eso = new ExternalSecretsOperatorInstall(chart, 'Eso', { controllerIdentity: { roleName: 'prod-eso' } });
  new kplus.ConfigMap(chart, 'Marker', { metadata: { name: 'marker' } });
  app.synth();

  // No Argo CD Application (nor any object) stands for the install in the manifests.
  expect(eso.helmInstall.apiObjects).toEqual([]);
  const charts = resources('Custom::AWSCDK-EKS-HelmChart');
  expect(charts).toHaveLength(1);
  const [chartId, helm] = charts[0];
  expect(helm.Properties).toMatchObject({
    Chart: Charts.EXTERNAL_SECRETS.chart,
    Repository: Charts.EXTERNAL_SECRETS.repository,
    Version: Charts.EXTERNAL_SECRETS.version,
    Release: 'external-secrets',
    Namespace: 'external-secrets',
    CreateNamespace: true,
    Wait: true,
    Timeout: '600s',
  });
  // The values are the install's own (the controller's IRSA annotation carries the role ARN computed from the env).
  const text = JSON.stringify(helm.Properties.Values);
  expect(text).toContain('arn:aws:iam::111122223333:role/prod-eso');
  expect(text).toContain('\\"installCRDs\\":true');

  const manifests = resources('Custom::AWSCDK-EKS-KubernetesResource');
  expect(manifests).toHaveLength(1);
  expect(manifests[0][1].DependsOn).toContain(chartId);
  expect(JSON.stringify(manifests[0][1].Properties.Manifest)).not.toContain('argoproj.io');
});

test('GIVEN eksHelmChart delivery WHEN wait is off THEN the HelmChart does not wait and has the default timeout', () => {
  const { app, chart } = world(ManifestDeployment.CLOUDFORMATION, InstallDelivery.eksHelmChart({ wait: false }));
  new ExternalSecretsOperatorInstall(chart, 'Eso');
  app.synth();
  const props = resources('Custom::AWSCDK-EKS-HelmChart')[0][1].Properties;
  expect(props.Wait).toBeUndefined();
  expect(props.Timeout).toBe('900s');
});

test('GIVEN eksHelmChart delivery WHEN the timeout is over 15 minutes THEN the install names the limit', () => {
  const { chart } = world(ManifestDeployment.CLOUDFORMATION, InstallDelivery.eksHelmChart({ timeout: Duration.minutes(20) }));
  expect(() => new ExternalSecretsOperatorInstall(chart, 'Eso'))
    .toThrow(/\[prod\/platform\/Eso\/Install\] delivery\.timeout: must be between 1 second and 15 minutes .*got "1200s"/);
});

test('GIVEN a GitOps target WHEN an install asks for eksHelmChart delivery THEN it says which target it needs', () => {
  const { chart } = world(ManifestDeployment.GITOPS, InstallDelivery.argoCd());
  expect(() => new ExternalSecretsOperatorInstall(chart, 'Eso', { delivery: InstallDelivery.eksHelmChart() }))
    .toThrow(/\[prod\/platform\/Eso\/Install\] delivery: needs a target whose manifests CloudFormation applies to an aws-eks cluster .*ManifestDeployment\.CLOUDFORMATION/);
  const app = new SecretsApp({ outdir: path.join(tmp, 'dist'), printWarnings: false });
  const noAws = new ClusterTarget(app, 'edge').addChart('c');
  expect(() => new ExternalSecretsOperatorInstall(noAws, 'Eso', { delivery: InstallDelivery.eksHelmChart() })).toThrow(/delivery: needs a target/);
});
