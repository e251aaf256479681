import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import {
  AwsAuth, ClusterSecretStore, ExternalSecret, SecretStore, StoreAbacOptions, StoreProvider, StoreRole, StoreRoleOptions,
} from '../../src';
import { expectValid } from '../harness';
import { objects, SM_ARN, world } from './fixtures';

const CONTROLLER_ARN = 'arn:aws:iam::111122223333:role/eso-reader';

/** Pod Identity: the controller's identity (secrets-demo/eso-reader stands in for it) and a tenant chart. */
function podIdentityWorld() {
  const w = world({ podIdentity: true });
  const tenant = new cdk8s.Chart(w.k8sApp, 'shop', { namespace: 'shop' });
  return { ...w, tenant };
}

function roles(t: Template): any[] {
  return Object.values(t.findResources('AWS::IAM::Role'));
}

function storeRole(t: Template, name: string): any {
  const found = roles(t).filter((r) => r.Properties.RoleName === name);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The statements of the policies attached to the role named `roleName`. */
function policyOf(t: Template, roleName: string): any[] {
  const logicalId = Object.entries(t.findResources('AWS::IAM::Role')).find(([, r]: any) => r.Properties.RoleName === roleName)![0];
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === logicalId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function cfnLint(template: any): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-role-'));
  const file = path.join(dir, 'template.json');
  fs.writeFileSync(file, JSON.stringify(template));
  const res = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: res.status, output: `${res.stdout ?? ''}${res.stderr ?? ''}` };
}
const hasCfnLint = spawnSync('cfn-lint', ['--version']).status === 0;

describe('StoreRole.create(): the role a store assumes, created by the library', () => {
  test('GIVEN Pod Identity and the controller\'s identity WHEN a tenant SecretStore gets a store role THEN one role trusted by exactly the controller, reads granted to it only', () => {
    // GIVEN
    const { stack, tenant, identity } = podIdentityWorld();

    // WHEN
    const store = new SecretStore(tenant, 'Store', {
      name: 'aws',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity), storeRole: StoreRole.create() }),
    });
    new ExternalSecret(tenant, 'Db', { name: 'db', store, data: [{ secretKey: 'password', remoteKey: 'shop/db', property: 'password' }] });

    // THEN the manifest names the role by its computed ARN, without session tags
    const [obj] = objects(tenant, 'SecretStore');
    expect(obj.spec.provider.aws).toEqual({
      service: 'SecretsManager', region: 'eu-central-1', role: 'arn:aws:iam::111122223333:role/Platform-shop-aws-store', sessionTagsPolicy: 'None',
    });
    expect(store.provider!.assumedRoleOf(store)!.roleName).toBeDefined();
    // AND the trust is one statement naming the controller's role, nothing else
    const t = Template.fromStack(stack);
    const role = storeRole(t, 'Platform-shop-aws-store');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: CONTROLLER_ARN } },
    ]);
    expect(role.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/ReaderRole/)]));
    // AND the secret read is on the store role, the controller only assumes it
    expect(policyOf(t, 'Platform-shop-aws-store')).toEqual([
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: SM_ARN('shop/db') },
    ]);
    expect(policyOf(t, 'eso-reader')).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Resource: 'arn:aws:iam::111122223333:role/Platform-shop-aws-store' },
    ]);
    expectValid(tenant);
  });

  test('GIVEN three tenant stores WHEN each reads its own secret THEN no store role can read another tenant\'s secret', () => {
    const { k8sApp, stack, identity } = world({ podIdentity: true });
    for (const ns of ['a', 'b', 'c']) {
      const chart = new cdk8s.Chart(k8sApp, `tenant-${ns}`, { namespace: `team-${ns}` });
      const store = new SecretStore(chart, 'Store', {
        name: 'aws',
        provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity), storeRole: StoreRole.create() }),
      });
      new ExternalSecret(chart, 'Db', { name: 'db', store, data: [{ secretKey: 'password', remoteKey: `team-${ns}/db` }] });
    }
    const t = Template.fromStack(stack);
    for (const ns of ['a', 'b', 'c']) {
      const reads = policyOf(t, `Platform-team-${ns}-aws-store`).flatMap((s) => [].concat(s.Resource));
      expect(reads).toEqual([SM_ARN(`team-${ns}/db`)]);
    }
    // The controller itself reads nothing: it may only assume the three store roles.
    const controller = policyOf(t, 'eso-reader');
    expect(controller.map((s) => s.Action)).toEqual(['sts:AssumeRole', 'sts:AssumeRole', 'sts:AssumeRole']);
    expect(controller.map((s) => s.Resource).sort()).toEqual(['a', 'b', 'c'].map((ns) => `arn:aws:iam::111122223333:role/Platform-team-${ns}-aws-store`));
  });

  test('GIVEN an IRSA identity with serviceAccount auth WHEN the store gets a store role THEN the trust names that identity\'s role', () => {
    const { stack, chart, identity } = world();
    new SecretStore(chart, 'Store', {
      name: 'aws',
      namespace: 'secrets-demo',
      provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(identity), storeRole: StoreRole.create({ roleName: 'demo-params' }) }),
    });
    const role = storeRole(Template.fromStack(stack), 'demo-params');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: CONTROLLER_ARN } }]);
    expect(objects(chart, 'SecretStore')[0].spec.provider.aws.role).toBe('arn:aws:iam::111122223333:role/demo-params');
  });

  test('store role options: description, session duration, boundary', () => {
    const { stack, tenant, identity } = podIdentityWorld();
    const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', 'arn:aws:iam::111122223333:policy/boundary');
    const options: StoreRoleOptions = { description: 'shop tenant', maxSessionDuration: cdk8s.Duration.hours(2), permissionsBoundary: boundary };
    new SecretStore(tenant, 'Store', {
      name: 'aws',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity), storeRole: StoreRole.create(options) }),
    });
    const role = storeRole(Template.fromStack(stack), 'Platform-shop-aws-store');
    expect(role.Properties.Description).toBe('shop tenant');
    expect(role.Properties.MaxSessionDuration).toBe(7200);
    expect(role.Properties.PermissionsBoundary).toBe('arn:aws:iam::111122223333:policy/boundary');
  });
});

describe('session-tag ABAC (abac)', () => {
  function abacWorld(abac: StoreAbacOptions) {
    const w = world({ podIdentity: true });
    const platform = new cdk8s.Chart(w.k8sApp, 'platform', { namespace: 'external-secrets' });
    const store = new ClusterSecretStore(platform, 'Shared', {
      name: 'tenants',
      conditions: [{ namespaces: ['shop', 'cart'] }],
      provider: StoreProvider.awsSecretsManager({
        region: 'eu-central-1', auth: AwsAuth.controllerIdentity(w.identity), storeRole: StoreRole.create(), abac,
      }),
    });
    for (const ns of ['shop', 'cart']) {
      const chart = new cdk8s.Chart(w.k8sApp, ns, { namespace: ns });
      new ExternalSecret(chart, 'Db', { name: 'db', store, data: [{ secretKey: 'password', remoteKey: `${ns}/db` }] });
    }
    return { ...w, platform, store };
  }

  test('GIVEN abac on a shared ClusterSecretStore WHEN tenants read THEN Simple session tags, TagSession in trust and grant, reads conditioned on the tenant tag', () => {
    // GIVEN / WHEN
    const { stack, platform } = abacWorld({});

    // THEN the store asks ESO for its session tags
    const [obj] = objects(platform, 'ClusterSecretStore');
    expect(obj.metadata).toEqual({ name: 'tenants' });
    expect(obj.spec.provider.aws.sessionTagsPolicy).toBe('Simple');
    expect(obj.spec.provider.aws.role).toBe('arn:aws:iam::111122223333:role/Platform-cluster-tenants-store');
    expect(obj.spec.provider.aws.customSessionTags).toBeUndefined();
    // AND the trust admits the controller to assume and tag, in one statement
    const t = Template.fromStack(stack);
    expect(storeRole(t, 'Platform-cluster-tenants-store').Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { AWS: CONTROLLER_ARN } },
    ]);
    expect(policyOf(t, 'eso-reader')).toEqual([
      { Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Resource: 'arn:aws:iam::111122223333:role/Platform-cluster-tenants-store' },
    ]);
    // AND every read is on the exact ARN and conditioned on the secret's tag matching the session's namespace
    const reads = policyOf(t, 'Platform-cluster-tenants-store');
    expect(reads).toHaveLength(2);
    for (const s of reads) {
      expect(s.Action).toBe('secretsmanager:GetSecretValue');
      expect(s.Condition).toEqual({ StringEquals: { 'secretsmanager:ResourceTag/esoNamespace': '${aws:PrincipalTag/esoNamespace}' } });
    }
    expect(reads.map((s) => s.Resource).sort()).toEqual([SM_ARN('cart/db'), SM_ARN('shop/db')]);
    expectValid(platform);
  });

  test('GIVEN custom session tags, transitive keys and a resource tag key WHEN rendered THEN Custom policy, sorted keys, the condition on that tag', () => {
    const { stack, platform } = abacWorld({ resourceTagKey: 'tenant', customSessionTags: { team: 'platform', env: 'prod' }, transitiveTagKeys: ['team', 'esoNamespace'] });
    const aws = objects(platform, 'ClusterSecretStore')[0].spec.provider.aws;
    expect(aws.sessionTagsPolicy).toBe('Custom');
    expect(aws.customSessionTags).toEqual({ env: 'prod', team: 'platform' });
    expect(Object.keys(aws.customSessionTags)).toEqual(['env', 'team']);
    expect(aws.transitiveTagKeys).toEqual(['esoNamespace', 'team']);
    for (const s of policyOf(Template.fromStack(stack), 'Platform-cluster-tenants-store')) {
      expect(s.Condition).toEqual({ StringEquals: { 'secretsmanager:ResourceTag/tenant': '${aws:PrincipalTag/esoNamespace}' } });
    }
    expectValid(platform);
  });

  test('GIVEN abac on Parameter Store WHEN a parameter is read THEN the condition uses ssm:resourceTag', () => {
    const { stack, tenant, identity } = podIdentityWorld();
    const store = new SecretStore(tenant, 'Store', {
      name: 'params',
      provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity(identity), storeRole: StoreRole.create(), abac: {} }),
    });
    new ExternalSecret(tenant, 'Cfg', { name: 'cfg', store, data: [{ secretKey: 'url', remoteKey: '/shop/url' }] });
    expect(policyOf(Template.fromStack(stack), 'Platform-shop-params-store')).toEqual([{
      Action: 'ssm:GetParameter',
      Effect: 'Allow',
      Resource: 'arn:aws:ssm:eu-central-1:111122223333:parameter/shop/url',
      Condition: { StringEquals: { 'ssm:resourceTag/esoNamespace': '${aws:PrincipalTag/esoNamespace}' } },
    }]);
  });

  (hasCfnLint ? test : test.skip)('the stack with store roles and ABAC passes cfn-lint', () => {
    const { stack } = abacWorld({ customSessionTags: { team: 'platform' } });
    const res = cfnLint(Template.fromStack(stack).toJSON());
    // exit code bit 2 = errors
    const errors = res.status === null || res.status === 1 || Math.floor(res.status / 2) % 2 === 1;
    // The output is in the failure message when errors is true.
    expect({ errors, output: res.output }).toEqual({ errors: false, output: res.output });
  });
});

describe('store role and ABAC errors', () => {
  const region = 'eu-central-1';

  test('abac without an assumed role', () => {
    const { tenant, identity } = podIdentityWorld();
    expect(() => new SecretStore(tenant, 'S', { provider: StoreProvider.awsSecretsManager({ region, auth: AwsAuth.controllerIdentity(identity), abac: {} }) }))
      .toThrow(/\[Platform\/shop\/S\] provider.abac: needs an assumed role: ESO adds session tags only when it assumes provider.aws.role\. Fix: set `storeRole` to `StoreRole\.create\(\)` \(or use `assumeRole`\) \[CS-ESO-042\]$/);
  });

  test('storeRole and assumeRole together', () => {
    const { stack, tenant, identity } = podIdentityWorld();
    const own = iam.Role.fromRoleArn(stack, 'Own', 'arn:aws:iam::111122223333:role/own');
    expect(() => new SecretStore(tenant, 'S', {
      provider: StoreProvider.awsSecretsManager({
        region, auth: AwsAuth.controllerIdentity(identity), storeRole: StoreRole.create(), assumeRole: own,
      }),
    })).toThrow(/provider.storeRole: and assumeRole are both set; a store assumes one role\. Fix: drop assumeRole/);
  });

  test('storeRole without the authenticating identity, or with static keys', () => {
    const { tenant } = podIdentityWorld();
    expect(() => new SecretStore(tenant, 'S', { provider: StoreProvider.awsSecretsManager({ region, auth: AwsAuth.controllerIdentity(), storeRole: StoreRole.create() }) }))
      .toThrow(/provider.storeRole: needs the identity the store authenticates as.*Fix: pass the identity: `AwsAuth\.controllerIdentity` with the ESO install's `controllerIdentity`/);
    expect(() => new SecretStore(tenant, 'T', {
      provider: StoreProvider.awsSecretsManager({ region, auth: AwsAuth.staticAccessKeys({ secretName: 'keys' }), storeRole: StoreRole.create() }),
    })).toThrow(/provider.storeRole: is trusted by a workload identity, but this store authenticates with static access keys/);
  });

  test('a bad role name or session duration', () => {
    const { tenant, identity } = podIdentityWorld();
    const make = (id: string, o: StoreRoleOptions) => new SecretStore(tenant, id, {
      provider: StoreProvider.awsSecretsManager({ region, auth: AwsAuth.controllerIdentity(identity), storeRole: StoreRole.create(o) }),
    });
    expect(() => make('A', { roleName: 'no spaces' })).toThrow(/provider.storeRole.roleName: is not a valid IAM role name.*\(got "no spaces"\)/);
    expect(() => make('B', { maxSessionDuration: cdk8s.Duration.minutes(30) })).toThrow(/provider.storeRole.maxSessionDuration: must be between 1 and 12 hours.*\(got "1800s"\)/);
  });

  test('reserved or malformed session tags, unknown transitive keys, a bad resource tag key', () => {
    const { tenant, identity } = podIdentityWorld();
    const make = (id: string, abac: StoreAbacOptions) => new SecretStore(tenant, id, {
      provider: StoreProvider.awsSecretsManager({ region, auth: AwsAuth.controllerIdentity(identity), storeRole: StoreRole.create(), abac }),
    });
    expect(() => make('A', { customSessionTags: { esoNamespace: 'x' } })).toThrow(/provider.abac.customSessionTags.esoNamespace: is a tag ESO sets itself/);
    expect(() => make('B', { customSessionTags: { 'aws:team': 'x' } })).toThrow(/provider.abac.customSessionTags.aws:team: is not an AWS tag/);
    expect(() => make('C', { transitiveTagKeys: ['team'] })).toThrow(/provider.abac.transitiveTagKeys: is not a session tag of this store \(esoNamespace, esoStoreName, esoStoreKind\) \(got "team"\)/);
    expect(() => make('D', { resourceTagKey: 'bad#key' })).toThrow(/provider.abac.resourceTagKey: is not an AWS tag key/);
  });
});
