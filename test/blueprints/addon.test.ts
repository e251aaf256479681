import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import * as cdk from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { build as buildExample } from '../../examples/blueprints/eks-blueprint';
import { Charts, IdentityMode, InstallDelivery, SecretsChecks, SecretsPlatform } from '../../src';
import { SecretsPlatformAddOn, SecretsPlatformAddOnProps, SecretsPlatformDeployment } from '../../src/blueprints';
import { expectValid } from '../harness';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
// The blueprint's VPC spreads over the region's zones: given as context, so synth makes no lookup.
const CONTEXT = { [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: [`${REGION}a`, `${REGION}b`, `${REGION}c`] };
const SECRET_READS = /^(secretsmanager:(GetSecretValue|DescribeSecret|ListSecretVersionIds|GetResourcePolicy|BatchGetSecretValue)|ssm:GetParameter.*|kms:Decrypt)$/;

/** The platform the add-on puts on the cluster: the example's (ESO and Reloader, two tenants reading their own secrets). */
function platform(): SecretsPlatformAddOnProps {
  return {
    platform: { externalSecrets: {}, reloader: {} },
    configure: (p) => {
      const shop = p.addTenant('shop');
      const db = shop.addSecretsManagerSecret('db', { remoteKey: 'shop/db', keys: { password: 'password' } });
      shop.addParameterStoreSecret('api', { parameters: { 'api-key': '/shop/api-key' } });
      shop.addWorkload('web', { image: 'nginx:1.27', mounts: [{ secret: db, path: '/etc/db' }] });
      p.addTenant('billing').addSecretsManagerSecret('stripe', { remoteKey: 'billing/stripe' });
    },
  };
}

interface Built {
  readonly dir: string;
  readonly template: any;
  readonly deployment: SecretsPlatformDeployment;
  readonly buildMs: number;
  readonly synthMs: number;
}

async function buildBlueprint(addOn?: SecretsPlatformAddOn, ...more: blueprints.ClusterAddOn[]): Promise<Built> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-'));
  const t0 = Date.now();
  const app = new cdk.App({ outdir: dir, context: CONTEXT, analyticsReporting: false });
  // Without an add-on: the example program (examples/blueprints/eks-blueprint.ts).
  const stack = addOn
    ? await blueprints.EksBlueprint.builder().account(ACCOUNT).region(REGION).version(eks.KubernetesVersion.V1_31).addOns(addOn, ...more).buildAsync(app, 'eks')
    : await buildExample(app);
  const t1 = Date.now();
  const assembly = app.synth();
  const t2 = Date.now();
  expect(assembly.manifest.missing ?? []).toEqual([]);
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'eks.template.json'), 'utf8'));
  const deployment = stack.getClusterInfo().getProvisionedAddOn(addOn?.id ?? 'SecretsPlatformAddOn') as SecretsPlatformDeployment;
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

/** The IAM role (id and resource) whose IRSA trust names this ServiceAccount, and the policies attached to it. */
function irsaRole(template: any, namespace: string, serviceAccount: string): { id: string; role: any; statements: any[] } {
  const subject = `system:serviceaccount:${namespace}:${serviceAccount}`;
  // The trust conditions name the cluster's issuer, a token: they sit in a CfnJson that the trust references.
  const json = resources(template, 'Custom::AWSCDKCfnJson').filter(([, j]) => JSON.stringify(j.Properties.Value).includes(`\\"${subject}\\"`));
  expect(json).toHaveLength(1);
  const roles = resources(template, 'AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(json[0][0]));
  expect(roles).toHaveLength(1);
  const [id, role] = roles[0];
  return { id, role, statements: policyOf(template, id) };
}

/** The statements of the policies attached to a role. */
function policyOf(template: any, roleId: string): any[] {
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

/** The logical id of the CloudFormation resource a construct (an aws-eks HelmChart or KubernetesManifest) stands for. */
function logicalId(construct: Construct): string {
  const cfn = construct.node.findAll().find((c): c is cdk.CfnResource => c instanceof cdk.CfnResource)!;
  return cdk.Stack.of(cfn).resolve(cfn.logicalId);
}

describe('the example: a real blueprint with the add-on, synthesized offline', () => {
  let built: Built;
  beforeAll(async () => {
    built = await buildBlueprint();
  });
  afterAll(() => fs.rmSync(built.dir, { recursive: true, force: true }));

  test('THEN synth is quick (build and synth times are printed for the record)', () => {
    process.stdout.write(`blueprint with the add-on: build ${built.buildMs} ms, synth ${built.synthMs} ms\n`);
    expect(built.buildMs + built.synthMs).toBeLessThan(60_000);
  });

  test('THEN the platform\'s target is bound to the blueprint\'s cluster and stack, with IRSA from its OIDC provider', () => {
    const target = built.deployment.target;
    expect(built.deployment.platform.target).toBe(target);
    expect(target.eksCluster).toBeDefined();
    expect(cdk.Stack.of(target.eksCluster!).stackName).toBe('eks');
    expect(target.stack.stackName).toBe('eks');
    expect(target.defaultIdentityMode).toBe(IdentityMode.IRSA);
    expect(target.kubernetesVersion).toBe('1.31');
  });

  test('THEN each tenant store\'s role may read exactly its own secrets, and no secret read anywhere is on Resource "*"', () => {
    const sm = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-??????`;
    expect(irsaRole(built.template, 'shop', 'aws-secrets-manager').statements).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: sm('shop/db') },
    ]);
    expect(irsaRole(built.template, 'shop', 'aws-parameter-store').statements).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/shop/api-key` },
    ]);
    expect(irsaRole(built.template, 'billing', 'aws-secrets-manager').statements).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: sm('billing/stripe') },
    ]);
    // Every secret read in the whole template (the blueprint's own roles included) names its resources.
    const reads = statements(built.template).filter((s) => asList(s.Action).some((a: string) => SECRET_READS.test(a)));
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const s of reads) expect(asList(s.Resource)).not.toContain('*');
    // The library's own rule pack agrees, over the real blueprint template and the applied objects.
    const findings = SecretsChecks.check(built.deployment.objects, { eks: built.template });
    expect(SecretsChecks.errorsOf(findings)).toEqual([]);
  });

  test('THEN a store\'s IRSA trust is the blueprint cluster\'s OIDC provider, for the store\'s ServiceAccount only', () => {
    const [providerId] = resources(built.template, 'Custom::AWSCDKOpenIdConnectProvider')[0];
    const { role } = irsaRole(built.template, 'shop', 'aws-secrets-manager');
    const trust = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Action: 'sts:AssumeRoleWithWebIdentity', Effect: 'Allow', Principal: { Federated: { Ref: providerId } } });
    const [, json] = resources(built.template, 'Custom::AWSCDKCfnJson').find(([id]) => JSON.stringify(trust[0].Condition).includes(id))!;
    const conditions = JSON.stringify(json.Properties.Value);
    expect(conditions).toContain(':sub\\":\\"system:serviceaccount:shop:aws-secrets-manager\\"');
    expect(conditions).toContain(':aud\\":\\"sts.amazonaws.com\\"');
  });

  test('THEN the blueprint\'s cluster installs the charts (HelmChart) and applies the manifests after them (KubernetesManifest)', () => {
    const [clusterId] = resources(built.template, 'Custom::AWSCDK-EKS-Cluster')[0];
    const charts = resources(built.template, 'Custom::AWSCDK-EKS-HelmChart');
    expect(charts.map(([, c]) => `${c.Properties.Chart}@${c.Properties.Version}`).sort()).toEqual([
      `${Charts.EXTERNAL_SECRETS.chart}@${Charts.EXTERNAL_SECRETS.version}`,
      `${Charts.RELOADER.chart}@${Charts.RELOADER.version}`,
    ].sort());
    for (const [, c] of charts) expect(c.Properties.ClusterName).toEqual({ Ref: clusterId });
    expect(built.deployment.helmCharts.map(logicalId).sort()).toEqual(charts.map(([id]) => id).sort());

    const ours = new Set(built.deployment.manifests.map(logicalId));
    const applied = resources(built.template, 'Custom::AWSCDK-EKS-KubernetesResource').filter(([id]) => ours.has(id));
    expect(applied.length).toBe(built.deployment.manifests.length);
    expect(applied.length).toBeGreaterThan(0);
    for (const [, m] of applied) {
      expect(m.Properties.ClusterName).toEqual({ Ref: clusterId });
      for (const [chartId] of charts) expect(m.DependsOn).toContain(chartId);
      expect(JSON.stringify(m.Properties.Manifest)).not.toContain('${Token[');
    }
    // Every object is applied, each tenant's namespace first in its own manifest.
    const body = applied.map(([, m]) => JSON.stringify(m.Properties.Manifest)).join('\n');
    const kinds = built.deployment.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    for (const o of built.deployment.objects) expect(body).toContain(`\\"name\\":\\"${o.metadata.name}\\"`);
    expect(kinds).toEqual(expect.arrayContaining([
      'Namespace//shop', 'Namespace//billing',
      'SecretStore/shop/aws-secrets-manager', 'SecretStore/shop/aws-parameter-store', 'SecretStore/billing/aws-secrets-manager',
      'ExternalSecret/shop/db', 'ExternalSecret/shop/api', 'ExternalSecret/billing/stripe', 'Deployment/shop/web',
    ]));
    expect(kinds.filter((k) => k.startsWith('Application/'))).toEqual([]);
    // The applied objects pass the upstream schemas (Kubernetes, ESO CRDs).
    expectValid(built.deployment.objects);
    for (const ns of ['shop', 'billing']) {
      const first = kinds.findIndex((k) => k.split('/')[1] === ns);
      expect(first).toBeGreaterThan(kinds.indexOf(`Namespace//${ns}`));
    }
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

test('GIVEN Pod Identity WHEN the blueprint runs the Pod Identity agent THEN ESO\'s controller is associated on the blueprint\'s cluster and assumes only the tenants\' roles', async () => {
  // An explicit agent version: with 'auto', Blueprints asks the EKS API at synth.
  const built = await buildBlueprint(new SecretsPlatformAddOn({ ...platform(), defaultIdentityMode: IdentityMode.POD_IDENTITY }),
    new blueprints.EksPodIdentityAgentAddOn('v1.3.4-eksbuild.1'));
  try {
    const [clusterId] = resources(built.template, 'Custom::AWSCDK-EKS-Cluster')[0];
    const associations = resources(built.template, 'AWS::EKS::PodIdentityAssociation').map(([, a]) => a.Properties);
    expect(associations).toHaveLength(1);
    expect(associations[0]).toMatchObject({ ClusterName: { Ref: clusterId }, Namespace: 'external-secrets', ServiceAccount: 'external-secrets' });
    const [controllerId, controller] = resources(built.template, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === 'eks-secrets-external-secrets-external-secrets')!;
    expect(associations[0].RoleArn).toEqual({ 'Fn::GetAtt': [controllerId, 'Arn'] });
    expect(controller.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'pods.eks.amazonaws.com' } },
    ]);
    const tenantRoles = ['shop-aws-secrets-manager', 'shop-aws-parameter-store', 'billing-aws-secrets-manager'].map((n) => `eks-secrets-${n}`);
    expect(policyOf(built.template, controllerId)).toEqual(tenantRoles.map((n) => ({
      Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/${n}`,
    })));
    for (const name of tenantRoles) {
      const [id, role] = resources(built.template, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === name)!;
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        // StoreRole: one statement naming the controller's role by its concrete ARN.
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/eks-secrets-external-secrets-external-secrets` } },
      ]);
      expect(policyOf(built.template, id)).toHaveLength(1);
    }
    const reads = statements(built.template).filter((s) => asList(s.Action).some((a: string) => SECRET_READS.test(a)));
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const s of reads) expect(asList(s.Resource)).not.toContain('*');
  } finally {
    fs.rmSync(built.dir, { recursive: true, force: true });
  }
});

test('GIVEN Argo CD delivery and an external Vault WHEN the blueprint synthesizes THEN the installs are Applications in the manifests and the Vault files are handed back', async () => {
  const built = await buildBlueprint(new SecretsPlatformAddOn({
    delivery: InstallDelivery.argoCd(),
    platform: { externalSecrets: {}, vault: { externalAddress: 'https://vault.example.com:8200' } },
    configure: (p) => {
      p.addTenant('shop').addVaultSecret('db', { path: 'shop/db' });
    },
  }));
  try {
    expect(resources(built.template, 'Custom::AWSCDK-EKS-HelmChart')).toEqual([]);
    const apps = built.deployment.objects.filter((o) => o.kind === 'Application').map((o) => o.spec.source.chart).sort();
    expect(apps).toEqual([Charts.EXTERNAL_SECRETS.chart, Charts.VAULT_SECRETS_OPERATOR.chart].sort());
    const ours = new Set(built.deployment.manifests.map(logicalId));
    const body = resources(built.template, 'Custom::AWSCDK-EKS-KubernetesResource').filter(([id]) => ours.has(id))
      .map(([, m]) => JSON.stringify(m.Properties.Manifest)).join('\n');
    expect(body).toContain('\\"kind\\":\\"Application\\"');
    expect(body).toContain('\\"kind\\":\\"VaultStaticSecret\\"');
    expectValid(built.deployment.objects);
    // Vault's policies and configuration script are files, not manifests: CloudFormation does not apply them.
    const files = built.deployment.files.map((f) => f.fileName);
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => !f.endsWith('.k8s.yaml'))).toBe(true);
    expect(built.deployment.files.map((f) => f.content).join('\n')).toContain('secret/data/shop/db');
  } finally {
    fs.rmSync(built.dir, { recursive: true, force: true });
  }
});

test('GIVEN the add-on WHEN the declared objects are invalid THEN the blueprint fails with the library\'s error, naming the path', async () => {
  const addOn = new SecretsPlatformAddOn({
    configure: (p) => {
      const chart = p.target.addChart('shop', { namespace: 'shop' });
      new kplus.Secret(chart, 'Plain', { metadata: { name: 'plain' }, stringData: { password: 'hunter2' } });
    },
  });
  await expect(buildBlueprint(addOn)).rejects.toThrow(/\[eks\/SecretsPlatformAddOn\/secrets\/shop\/Plain\/Resource\] data: a Secret with data would be written into the CloudFormation template in plaintext/);
});

test('GIVEN the add-on WHEN a posture check fails THEN the blueprint fails with the finding; with checks off it synthesizes', async () => {
  const broad = (p: SecretsPlatform) => {
    new ApiObject(p.target.addChart('ops', { namespace: 'ops' }), 'Reader', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }],
    } as any);
  };
  await expect(buildBlueprint(new SecretsPlatformAddOn({ configure: broad })))
    .rejects.toThrow(/Posture checks failed .*\n.*rbac-broad-secret-access/);
  const built = await buildBlueprint(new SecretsPlatformAddOn({ configure: broad, checks: false }));
  try {
    expect(built.deployment.findings).toEqual([]);
    expect(built.deployment.objects.map((o) => o.kind)).toContain('Role');
  } finally {
    fs.rmSync(built.dir, { recursive: true, force: true });
  }
});

test('GIVEN the add-on WHEN configure is not a function THEN it says what to pass', () => {
  expect(() => new SecretsPlatformAddOn({ configure: 'shop' } as any))
    .toThrow(/\[SecretsPlatformAddOn SecretsPlatformAddOn\] configure: must be a function that declares the tenants on the platform \(got "shop"\)\. Fix: pass as `configure` a function that takes the SecretsPlatform/);
});
