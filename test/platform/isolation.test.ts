import { Template } from 'aws-cdk-lib/assertions';
import { Duration } from 'cdk8s';
import { tempApp } from './util';
import { AwsCsiObject, ClusterTarget, SecretsPlatform, Tenant, VaultDatabasePassword, VaultDatabasePlugin } from '../../src';
import { validateObjects } from '../harness';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const NAMES = ['payments', 'orders', 'search'];

/** Three tenants on one cluster, each with a secret from every backend and a workload that reads them. */
function threeTenants(podIdentity: boolean) {
  const app = tempApp('isolation');
  const target = new ClusterTarget(app, 'prod', podIdentity
    ? { env: ENV, clusterName: 'prod' }
    : { env: ENV, irsa: { issuerUrl: ISSUER } });
  const platform = new SecretsPlatform(target, 'platform', { externalSecrets: {}, vault: { injector: true }, secretsStoreCsi: {}, reloader: {} });
  const tenants = NAMES.map((name) => {
    const t = platform.addTenant(name);
    const db = t.addSecretsManagerSecret('db', { remoteKey: `${name}/db`, keys: { password: 'password' } });
    const api = t.addParameterStoreSecret('api', { parameters: { key: `/${name}/api-key` } });
    const cfg = t.addVaultSecret('config', { path: `${name}/config`, refreshAfter: Duration.minutes(5) });
    const spc = t.addCsiSecret('certs', { objects: [AwsCsiObject.secretsManager({ secretName: `${name}/certs` })] });
    t.addWorkload('app', { image: 'ghcr.io/example/app:1.0.0', mounts: [{ secret: db, path: '/etc/db' }, { secret: cfg, path: '/etc/config' }], apiReads: [api] });
    t.addWorkload('certs', { image: 'ghcr.io/example/certs:1.0.0', csiMounts: [{ secretProviderClass: spc }] });
    t.addWorkload('agent', { image: 'ghcr.io/example/agent:1.0.0', vaultFiles: [{ name: 'token', path: `${name}/token` }] });
    return t;
  });
  const objects = (t: Tenant) => t.toJson();
  return { app, target, platform, tenants, objects };
}

/** The secret names of other tenants, as they appear in ARNs, parameter names and Vault paths. */
const others = (name: string) => NAMES.filter((n) => n !== name);

describe.each([['IRSA', false], ['Pod Identity', true]])('three tenants on one cluster (%s)', (_mode, podIdentity) => {
  const { target, platform, tenants, objects } = threeTenants(podIdentity as boolean);
  const template = Template.fromStack(target.stack);
  const roles = template.findResources('AWS::IAM::Role');
  const policies = template.findResources('AWS::IAM::Policy');
  const roleByName = (name: string) => Object.entries(roles).find(([, r]: [string, any]) => r.Properties.RoleName === name);
  const statementsOf = (roleName: string): any[] => {
    const [logicalId] = roleByName(roleName)!;
    return Object.values(policies).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === logicalId))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  };
  const resources = (statements: any[]): string[] => statements.flatMap((s) => [s.Resource].flat());

  test('every tenant manifest passes the schema harness', () => {
    expect(validateObjects([...platform.toJson(), ...tenants.flatMap(objects)])).toEqual([]);
  });

  test('no tenant identity can read another tenant\'s secrets: each IAM role is granted its own tenant\'s ARNs only', () => {
    for (const t of tenants) {
      const name = t.tenantName;
      const sm = statementsOf(`prod-${name}-aws-secrets-manager`);
      const ps = statementsOf(`prod-${name}-aws-parameter-store`);
      const csi = statementsOf(`prod-${name}-secrets-store-csi`);
      expect(sm).toEqual([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}/db-??????` }]);
      expect(ps).toEqual([{ Action: 'ssm:GetParameter', Effect: 'Allow', Resource: `arn:aws:ssm:eu-west-1:111122223333:parameter/${name}/api-key` }]);
      expect(csi).toEqual([{
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Effect: 'Allow',
        Resource: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}/certs-??????`,
      }]);
      for (const r of resources([...sm, ...ps, ...csi])) {
        expect(r).not.toBe('*');
        for (const o of others(name)) expect(r).not.toContain(`/${o}/`);
        for (const o of others(name)) expect(r).not.toContain(`:${o}/`);
      }
    }
  });

  test('each tenant role is assumable only for that tenant', () => {
    for (const t of tenants) {
      const name = t.tenantName;
      for (const [roleName, sa] of [[`prod-${name}-aws-secrets-manager`, 'aws-secrets-manager'], [`prod-${name}-secrets-store-csi`, 'secrets-store-csi']]) {
        const trust = roleByName(roleName)![1].Properties.AssumeRolePolicyDocument.Statement;
        if (!podIdentity) {
          expect(trust).toEqual([{
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
            Condition: {
              StringEquals: {
                'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com',
                'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': `system:serviceaccount:${name}:${sa}`,
              },
            },
          }]);
        } else if (sa === 'secrets-store-csi') {
          // The CSI pod's own Pod Identity association, in the tenant's namespace.
          expect(trust).toEqual([{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } }]);
          template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: name, ServiceAccount: 'secrets-store-csi', ClusterName: 'prod' });
        } else {
          // The store's own role: only the ESO controller's role may assume it, and only this tenant's store names it.
          expect(trust).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/prod-external-secrets-external-secrets' } }]);
        }
      }
    }
    if (podIdentity) {
      // The controller itself may only assume the tenants' store roles: it reads no secret with its own identity.
      const controller = statementsOf('prod-external-secrets-external-secrets');
      expect(controller.every((s) => s.Action === 'sts:AssumeRole')).toBe(true);
      expect(resources(controller).sort()).toEqual(NAMES.flatMap((n) => ['aws-parameter-store', 'aws-secrets-manager']
        .map((s) => `arn:aws:iam::111122223333:role/prod-${n}-${s}`)).sort());
    }
  });

  test('no tenant store can serve another tenant: one namespaced SecretStore per backend, authenticating as the tenant', () => {
    const all = tenants.flatMap(objects);
    expect(all.filter((o) => o.kind === 'ClusterSecretStore')).toEqual([]);
    for (const t of tenants) {
      const mine = objects(t);
      const stores = mine.filter((o) => o.kind === 'SecretStore');
      expect(stores.map((s) => s.metadata.namespace)).toEqual([t.tenantNamespace, t.tenantNamespace]);
      for (const s of stores) {
        if (!podIdentity) {
          expect(s.spec.provider.aws.auth).toEqual({ jwt: { serviceAccountRef: { name: s.metadata.name } } });
        } else {
          expect(s.spec.provider.aws.auth).toBeUndefined();
          expect(s.spec.provider.aws.role).toBe(`arn:aws:iam::111122223333:role/prod-${t.tenantName}-${s.metadata.name}`);
        }
      }
      for (const es of mine.filter((o) => o.kind === 'ExternalSecret')) {
        expect(es.metadata.namespace).toBe(t.tenantNamespace);
        expect(es.spec.secretStoreRef.kind).toBe('SecretStore');
        expect(stores.map((s) => s.metadata.name)).toContain(es.spec.secretStoreRef.name);
      }
    }
  });

  test('no tenant Role can reach another tenant\'s Secrets: get on named Secrets of its own namespace, bound to its own ServiceAccounts', () => {
    for (const t of tenants) {
      const mine = objects(t);
      const rolesK8s = mine.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
      expect(rolesK8s.length).toBeGreaterThan(0);
      for (const r of rolesK8s) {
        expect(r.kind).toBe('Role');
        expect(r.metadata.namespace).toBe(t.tenantNamespace);
        expect(r.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['api'], verbs: ['get'] }]);
      }
      for (const b of mine.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
        expect(b.kind).toBe('RoleBinding');
        expect(b.metadata.namespace).toBe(t.tenantNamespace);
        for (const s of b.subjects) expect(s.namespace).toBe(t.tenantNamespace);
      }
    }
  });

  test('no tenant Vault policy or role can reach another tenant\'s paths', () => {
    const config = platform.vaultConfiguration!;
    for (const t of tenants) {
      const name = t.tenantName;
      const hcl = config.policyHcl(t.vaultPolicy!);
      const paths = [...hcl.matchAll(/^path "([^"]+)"/gm)].map((m) => m[1]).sort();
      expect(paths).toEqual([`secret/data/${name}/config`, `secret/data/${name}/token`]);
      expect(config.roleDefinition(t.vaultRole!)).toEqual({
        bound_service_account_names: ['vault'],
        bound_service_account_namespaces: [name],
        audience: 'vault',
        token_policies: [name],
        token_ttl: '1h',
      });
      // The Agent Injector's role: same ServiceAccount, namespace and policy, no audience (the agent presents the pod's own token).
      expect(config.roleDefinition(t.vaultAgentRole!)).toEqual({
        bound_service_account_names: ['vault'],
        bound_service_account_namespaces: [name],
        token_policies: [name],
        token_ttl: '1h',
      });
      for (const o of others(name)) expect(hcl).not.toContain(`/${o}/`);
    }
  });

  test('a tenant cannot claim a secret another tenant reads', () => {
    const [payments, orders] = tenants;
    expect(() => orders.addSecretsManagerSecret('stolen', { remoteKey: 'payments/db' }))
      .toThrow(/remoteKey: is already read by tenant "payments".*a remote secret belongs to one tenant/);
    expect(() => orders.addParameterStoreSecret('stolen', { parameters: { k: 'payments/api-key' } }))
      .toThrow(/parameters: is already read by tenant "payments"/);
    expect(() => orders.addVaultSecret('stolen', { path: 'payments/config' })).toThrow(/path: is already read by tenant "payments"/);
    const db = platform.vaultConfiguration!.addDatabaseMount('Db').addConnection('Pg', {
      name: 'pg',
      plugin: VaultDatabasePlugin.POSTGRESQL,
      connectionUrl: 'postgresql://{{username}}:{{password}}@pg:5432/app',
      username: 'vault',
      password: VaultDatabasePassword.fromEnvironmentVariable('PG_ROOT'),
    }).addRole('Payments', { name: 'payments', creationStatements: ['CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\';'] });
    payments.addVaultDatabaseSecret('db-creds', { databaseRole: db });
    expect(() => orders.addVaultDatabaseSecret('stolen', { databaseRole: db })).toThrow(/databaseRole: is already read by tenant "payments"/);
    expect(() => orders.addCsiSecret('stolen', { objects: [AwsCsiObject.secretsManager({ secretName: 'payments/certs' })] }))
      .toThrow(/objects: is already read by tenant "payments"/);
    expect(() => orders.addWorkload('stolen', { image: 'x:1', vaultFiles: [{ name: 't', path: 'payments/token' }] }))
      .toThrow(/vaultFiles: is already read by tenant "payments"/);
    // Reading it again from the owning tenant is fine.
    expect(() => payments.addSecretsManagerSecret('db-again', { remoteKey: 'payments/db' })).not.toThrow();
  });

  test('a tenant workload cannot consume another tenant\'s Secret', () => {
    const [payments, orders] = tenants;
    const theirs = payments.secrets[0];
    expect(() => orders.addWorkload('peek', { image: 'x:1', mounts: [{ secret: theirs, path: '/etc/peek' }] })).toThrow(/payments/);
  });
});
