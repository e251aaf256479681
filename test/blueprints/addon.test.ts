import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import * as cdk from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AwsAuth, Charts, ClusterTarget, ExternalSecret, ExternalSecretsOperatorInstall, IdentityMode, SecretsChecks, SecretStore,
  StoreProvider, WorkloadIdentity,
} from '../../src';
import { SecretsPlatformAddOn, SecretsPlatformDeployment } from '../../src/blueprints';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
// The blueprint's VPC spreads over the region's zones: given as context, so synth makes no lookup.
const CONTEXT = { [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: [`${REGION}a`, `${REGION}b`, `${REGION}c`] };
const SECRET_READS = /^(secretsmanager:(GetSecretValue|DescribeSecret|ListSecretVersionIds|GetResourcePolicy|BatchGetSecretValue)|ssm:GetParameter.*|kms:Decrypt)$/;

/** What the add-on puts on the cluster in these tests: ESO, and one tenant namespace reading one secret through its own store. */
function shop(target: ClusterTarget): void {
  new ExternalSecretsOperatorInstall(target.addChart('installs'), 'ExternalSecrets');
  const chart = target.addChart('shop', { namespace: 'shop' });
  const identity = new WorkloadIdentity(chart, 'StoreIdentity', { serviceAccountName: 'shop-store' });
  const store = new SecretStore(chart, 'Store', {
    name: 'aws-secrets-manager',
    provider: StoreProvider.awsSecretsManager({ region: REGION, auth: AwsAuth.serviceAccount(identity) }),
  });
  new ExternalSecret(chart, 'Db', {
    name: 'db',
    store,
    refreshInterval: '1h',
    data: [{ secretKey: 'password', remoteKey: 'shop/db', property: 'password' }],
  });
}

interface Built {
  readonly dir: string;
  readonly template: any;
  readonly deployment: SecretsPlatformDeployment;
  readonly buildMs: number;
  readonly synthMs: number;
}

async function buildBlueprint(addOn: SecretsPlatformAddOn, ...more: blueprints.ClusterAddOn[]): Promise<Built> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-'));
  const t0 = Date.now();
  const app = new cdk.App({ outdir: dir, context: CONTEXT, analyticsReporting: false });
  const stack = await blueprints.EksBlueprint.builder()
    .account(ACCOUNT).region(REGION)
    .version(eks.KubernetesVersion.V1_31)
    .addOns(addOn, ...more)
    .buildAsync(app, 'eks');
  const t1 = Date.now();
  const assembly = app.synth();
  const t2 = Date.now();
  expect(assembly.manifest.missing ?? []).toEqual([]);
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'eks.template.json'), 'utf8'));
  const deployment = stack.getClusterInfo().getProvisionedAddOn(addOn.id) as SecretsPlatformDeployment;
  return { dir, template, deployment, buildMs: t1 - t0, synthMs: t2 - t1 };
}

function resources(template: any, type: string): Array<[string, any]> {
  return Object.entries(template.Resources as { [id: string]: any }).filter(([, r]) => r.Type === type);
}

function statements(template: any): any[] {
  return resources(template, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
    .concat(resources(template, 'AWS::IAM::Role').flatMap(([, r]) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement)));
}

const asList = (x: any): any[] => (Array.isArray(x) ? x : [x]);

/** The one role trusted through the blueprint cluster's OIDC provider (the store's IRSA role). */
function storeRole(template: any): [string, any] {
  const [providerId] = resources(template, 'Custom::AWSCDKOpenIdConnectProvider')[0];
  const roles = resources(template, 'AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(providerId));
  expect(roles).toHaveLength(1);
  return roles[0];
}

/** The logical id of the CloudFormation resource a construct (an aws-eks HelmChart or KubernetesManifest) stands for. */
function logicalId(construct: Construct): string {
  const cfn = construct.node.findAll().find((c): c is cdk.CfnResource => c instanceof cdk.CfnResource)!;
  return cdk.Stack.of(cfn).resolve(cfn.logicalId);
}

describe('a real blueprint with the add-on, synthesized offline', () => {
  let built: Built;
  beforeAll(async () => {
    built = await buildBlueprint(new SecretsPlatformAddOn({ configure: shop }));
  });
  afterAll(() => fs.rmSync(built.dir, { recursive: true, force: true }));

  test('THEN synth is quick (build and synth times are printed for the record)', () => {
    process.stdout.write(`blueprint with the add-on: build ${built.buildMs} ms, synth ${built.synthMs} ms\n`);
    expect(built.buildMs + built.synthMs).toBeLessThan(60_000);
  });

  test('THEN the target is bound to the blueprint\'s cluster and stack, with IRSA from its OIDC provider', () => {
    const target = built.deployment.target;
    expect(target.eksCluster).toBeDefined();
    expect(cdk.Stack.of(target.eksCluster!).stackName).toBe('eks');
    expect(target.stack.stackName).toBe('eks');
    expect(target.defaultIdentityMode).toBe(IdentityMode.IRSA);
    expect(target.kubernetesVersion).toBe('1.31');
  });

  test('THEN the store\'s role may read exactly the one secret it syncs, and no secret read anywhere is on Resource "*"', () => {
    const [roleId] = storeRole(built.template);
    const policies = resources(built.template, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId));
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties.PolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:shop/db-??????`,
    }]);
    // Every secret read in the whole template (the blueprint's own roles included) names its resources.
    const reads = statements(built.template).filter((s) => asList(s.Action).some((a: string) => SECRET_READS.test(a)));
    expect(reads.length).toBeGreaterThan(0);
    for (const s of reads) expect(asList(s.Resource)).not.toContain('*');
    // The library's own rule pack agrees, over the real blueprint template and the applied objects.
    const findings = SecretsChecks.check(built.deployment.objects, { eks: built.template });
    expect(SecretsChecks.errorsOf(findings)).toEqual([]);
  });

  test('THEN the store\'s IRSA trust is the blueprint cluster\'s OIDC provider, for the store\'s ServiceAccount only', () => {
    const [providerId] = resources(built.template, 'Custom::AWSCDKOpenIdConnectProvider')[0];
    const trust = storeRole(built.template)[1].Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Action: 'sts:AssumeRoleWithWebIdentity', Effect: 'Allow', Principal: { Federated: { Ref: providerId } } });
    // The conditions name the issuer through a CfnJson (the issuer is a token of the cluster): the subject is the store's ServiceAccount.
    const [, json] = resources(built.template, 'Custom::AWSCDKCfnJson')
      .find(([id]) => JSON.stringify(trust[0].Condition).includes(id))!;
    const conditions = JSON.stringify(json.Properties.Value);
    expect(conditions).toContain(':sub\\":\\"system:serviceaccount:shop:shop-store\\"');
    expect(conditions).toContain(':aud\\":\\"sts.amazonaws.com\\"');
  });

  test('THEN the manifests are applied by the blueprint cluster\'s KubernetesManifest, after the ESO chart its HelmChart installs', () => {
    const [clusterId] = resources(built.template, 'Custom::AWSCDK-EKS-Cluster')[0];
    const charts = resources(built.template, 'Custom::AWSCDK-EKS-HelmChart');
    expect(charts).toHaveLength(1);
    const [chartId, chart] = charts[0];
    expect(chart.Properties).toMatchObject({
      ClusterName: { Ref: clusterId },
      Chart: Charts.EXTERNAL_SECRETS.chart,
      Version: Charts.EXTERNAL_SECRETS.version,
      Repository: Charts.EXTERNAL_SECRETS.repository,
      Namespace: 'external-secrets',
    });
    expect(built.deployment.helmCharts.map(logicalId)).toEqual([chartId]);

    const ours = new Set(built.deployment.manifests.map(logicalId));
    const applied = resources(built.template, 'Custom::AWSCDK-EKS-KubernetesResource').filter(([id]) => ours.has(id));
    expect(applied).toHaveLength(1);
    const [, manifest] = applied[0];
    expect(manifest.Properties.ClusterName).toEqual({ Ref: clusterId });
    expect(manifest.DependsOn).toContain(chartId);
    const kinds = built.deployment.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(['ServiceAccount/shop-store', 'SecretStore/aws-secrets-manager', 'ExternalSecret/db']);
    const body = JSON.stringify(manifest.Properties.Manifest);
    for (const kind of ['ServiceAccount', 'SecretStore', 'ExternalSecret']) expect(body).toContain(`\\"kind\\":\\"${kind}\\"`);
    expect(body).toContain('eks.amazonaws.com/role-arn');
    expect(body).not.toContain('${Token[');
  });

  test('THEN cfn-lint finds no error in the blueprint\'s templates', () => {
    const files = fs.readdirSync(built.dir).filter((f) => f.endsWith('.template.json')).map((f) => path.join(built.dir, f));
    expect(files.length).toBeGreaterThan(0);
    const res = spawnSync('cfn-lint', ['--format', 'parseable', ...files], { encoding: 'utf8' });
    if (res.error) throw new Error(`cfn-lint is not installed (run scripts/install-tools.sh): ${res.error.message}`);
    // cfn-lint exit code: bit 2 = errors, 4 = warnings, 8 = informational.
    const errors = Math.floor((res.status ?? 0) / 2) % 2 === 1;
    expect({ errors, output: res.stdout + res.stderr }).toEqual({ errors: false, output: expect.any(String) });
  });
});

test('GIVEN the add-on WHEN the declared objects are invalid THEN the blueprint fails with the library\'s error, naming the path', async () => {
  const addOn = new SecretsPlatformAddOn({
    configure: (target) => {
      const chart = target.addChart('shop', { namespace: 'shop' });
      new kplus.Secret(chart, 'Plain', { metadata: { name: 'plain' }, stringData: { password: 'hunter2' } });
    },
  });
  await expect(buildBlueprint(addOn)).rejects.toThrow(/\[eks\/SecretsPlatformAddOn\/secrets\/shop\/Plain\/Resource\] data: a Secret with data would be written into the CloudFormation template in plaintext/);
});

test('GIVEN the add-on WHEN configure is not a function THEN it says what to pass', () => {
  expect(() => new SecretsPlatformAddOn({} as any)).toThrow(/\[SecretsPlatformAddOn\] configure: must be a function .*Fix: pass configure:/);
});
