import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Duration } from 'cdk8s';
import { tempApp } from './util';
import { AwsCsiObject, ClusterTarget, SealedValue, SecretsPlatform, SecretsPlatformProps, SynthMode } from '../../src';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

function platformOf(props: SecretsPlatformProps = {}, podIdentity = false): SecretsPlatform {
  const app = tempApp('platform-validation');
  const target = new ClusterTarget(app, 'prod', podIdentity ? { env: ENV, clusterName: 'prod' } : { env: ENV, irsa: { issuerUrl: ISSUER } });
  return new SecretsPlatform(target, 'platform', props);
}

describe('SecretsPlatform validation', () => {
  test('GIVEN controllerRoleName under IRSA THEN synth-time error naming the prop and the fix', () => {
    expect(() => platformOf({ externalSecrets: { controllerRoleName: 'eso' } }))
      .toThrow(/\[prod\/platform\] externalSecrets.controllerRoleName: names a controller role, but the controller gets an AWS identity only under Pod Identity.*\(got "eso"\)\. Fix: remove controllerRoleName/);
  });

  test('GIVEN controllerRoleName under Pod Identity THEN the controller role takes it', () => {
    const p = platformOf({ externalSecrets: { controllerRoleName: 'eso' } }, true);
    expect(p.externalSecrets!.controllerIdentity!.roleName).toBe('eso');
  });

  test('GIVEN an external Vault with neither operator nor injector THEN error', () => {
    expect(() => platformOf({ vault: { externalAddress: 'https://vault.example.com:8200', operator: false } }))
      .toThrow(/vault: installs nothing: the server is external, and the injector and the operator are off/);
  });

  test('GIVEN an external Vault THEN no server is installed and VSO connects to it', () => {
    const p = platformOf({ vault: { externalAddress: 'https://vault.example.com:8200' } });
    expect(p.vault).toBeUndefined();
    expect(p.vaultAddress).toBe('https://vault.example.com:8200');
    const vso = p.toJson().find((o: any) => o.kind === 'Application' && o.metadata.name === 'vault-secrets-operator');
    expect(vso.spec.source.helm.valuesObject.defaultVaultConnection.address).toBe('https://vault.example.com:8200');
  });

  test('GIVEN Reloader with the CSI driver THEN its CSI integration is on, and autoReloadAll is passed through', () => {
    const p = platformOf({ reloader: { autoReloadAll: true }, secretsStoreCsi: {} });
    const reloader = p.toJson().find((o: any) => o.kind === 'Application' && o.metadata.name === 'reloader');
    expect(reloader.spec.source.helm.valuesObject.reloader.enableCSIIntegration).toBe(true);
    expect(reloader.spec.source.helm.valuesObject.reloader.autoReloadAll).toBe(true);
  });

  test('GIVEN an unknown tenant name THEN tenant() says which tenants exist', () => {
    const p = platformOf();
    p.addTenant('shop');
    expect(p.tenant('shop').tenantNamespace).toBe('shop');
    expect(() => p.tenant('nope')).toThrow(/name: is not a tenant of this platform \(tenants: shop\) \(got "nope"\)/);
  });

  test('GIVEN two tenants with one name or one namespace THEN error', () => {
    const p = platformOf();
    p.addTenant('shop');
    expect(() => p.addTenant('shop2', { namespace: 'shop' })).toThrow(/namespace: is already taken by tenant "shop"/);
    const q = platformOf();
    q.addTenant('shop', { namespace: 'a' });
    expect(() => new (q.tenant('shop').constructor as any)(q, 'shop', { namespace: 'b' })).toThrow(/There is already a Construct with name 'platform-shop'|name: is already taken/);
  });

  test('GIVEN a tenant name that is not a DNS label THEN error', () => {
    expect(() => platformOf().addTenant('Shop_1')).toThrow(/name: must be a DNS-1123 label|name: .*Shop_1/);
  });

  test('GIVEN a backend the platform does not install THEN each tenant method names the platform option to add', () => {
    const t = platformOf().addTenant('shop');
    expect(() => t.addSecretsManagerSecret('db', { remoteKey: 'shop/db' })).toThrow(/addSecretsManagerSecret: needs the External Secrets Operator.*Fix: give the SecretsPlatform the externalSecrets option/);
    expect(() => t.addParameterStoreSecret('db', { parameters: { k: '/shop/k' } })).toThrow(/addParameterStoreSecret: needs the External Secrets Operator/);
    expect(() => t.addVaultSecret('db', { path: 'shop/db' })).toThrow(/addVaultSecret: needs the Vault Secrets Operator/);
    expect(() => t.addVaultDatabaseSecret('db', { databaseRole: { mountPath: 'database', roleName: 'r' } as any })).toThrow(/addVaultDatabaseSecret: needs the Vault Secrets Operator/);
    expect(() => t.addSealedSecret('db', { values: { k: SealedValue.unsafePlainText('v') } })).toThrow(/addSealedSecret: needs Sealed Secrets.*the sealedSecrets option/);
    expect(() => t.addCsiSecret('db', { objects: [AwsCsiObject.secretsManager({ secretName: 'shop/db' })] })).toThrow(/addCsiSecret: needs the Secrets Store CSI driver.*secretsStoreCsi option/);
    expect(() => t.addWorkload('w', { image: 'x:1', vaultFiles: [{ name: 'f', path: 'p' }] })).toThrow(/vaultFiles: needs Vault.*the vault option/);
  });

  test('GIVEN Vault without the injector THEN vaultFiles are refused', () => {
    const t = platformOf({ vault: {} }).addTenant('shop');
    expect(() => t.addWorkload('w', { image: 'x:1', vaultFiles: [{ name: 'f', path: 'shop/f' }] }))
      .toThrow(/vaultFiles: need the Vault Agent Injector, which the platform does not install.*set `injector` to true/);
  });

  test('GIVEN csiMounts and vaultFiles on one workload THEN error', () => {
    const t = platformOf({ vault: { injector: true }, secretsStoreCsi: {} }).addTenant('shop');
    const spc = t.addCsiSecret('c', { objects: [AwsCsiObject.secretsManager({ secretName: 'shop/c' })] });
    expect(() => t.addWorkload('w', { image: 'x:1', csiMounts: [{ secretProviderClass: spc }], vaultFiles: [{ name: 'f', path: 'shop/f' }] }))
      .toThrow(/vaultFiles: and csiMounts both need the pod to run as a ServiceAccount of their own/);
  });

  test('GIVEN empty parameters THEN error', () => {
    const t = platformOf({ externalSecrets: {} }).addTenant('shop');
    expect(() => t.addParameterStoreSecret('p', { parameters: {} })).toThrow(/parameters: is empty, so nothing is synced/);
  });

  test('GIVEN a store ServiceAccount under Pod Identity THEN error (the controller authenticates)', () => {
    const t = platformOf({ externalSecrets: {} }, true).addTenant('shop', { secretsManager: { serviceAccountName: 'sa' } });
    expect(() => t.addSecretsManagerSecret('db', { remoteKey: 'shop/db' }))
      .toThrow(/secretsManager.serviceAccountName: names a store ServiceAccount, but under Pod Identity the store authenticates as the ESO controller/);
  });
});

describe('Tenant derivations', () => {
  test('GIVEN a Secrets Manager secret without keys THEN every JSON key is extracted, refreshed hourly by default', () => {
    const t = platformOf({ externalSecrets: {} }).addTenant('shop');
    const es = t.addSecretsManagerSecret('db', { remoteKey: 'shop/db' });
    const obj = es.apiObject.toJson();
    expect(obj.spec.dataFrom).toEqual([{ extract: { key: 'shop/db', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } }]);
    expect(obj.spec.data).toBeUndefined();
    expect(obj.spec.refreshInterval).toBe('1h');
    expect(obj.spec.target.name).toBe('db');
    expect(t.secretsManagerStore!.storeName).toBe('aws-secrets-manager');
    expect(t.secretsManagerIdentity!.roleName).toBe('prod-shop-aws-secrets-manager');
  });

  test('GIVEN a Vault secret THEN the tenant\'s VaultAuth, ServiceAccount, role and policy are derived with their defaults', () => {
    const p = platformOf({ vault: {} });
    const t = p.addTenant('shop');
    const s = t.addVaultSecret('cfg', { path: 'shop/cfg', targetName: 'app-config', keys: ['url'] });
    expect(s.secretName).toBe('app-config');
    expect(s.secretKeys).toEqual(['url']);
    expect(s.apiObject.toJson().spec.refreshAfter).toBe('1h');
    expect(t.vaultAuth!.vaultAuthName).toBe('vault-auth');
    expect(t.vaultServiceAccount!.name).toBe('vault');
    expect(t.vaultRole!.roleName).toBe('shop');
    expect(t.vaultPolicy!.policyName).toBe('shop');
    expect(p.vaultKvMount!.mountPath).toBe('secret');
    expect(p.vaultKubernetesAuth!.path).toBe('kubernetes');
    expect(t.vaultRole!.ttl!.toSeconds()).toBe(Duration.hours(1).toSeconds());
  });

  test('GIVEN a tenant THEN its Namespace carries its labels and no metadata.namespace (cluster-scoped)', () => {
    const t = platformOf().addTenant('shop', { labels: { team: 'shop' } });
    const ns = t.toJson().find((o: any) => o.kind === 'Namespace');
    expect(ns.metadata).toEqual({ name: 'shop', labels: { team: 'shop' } });
  });

  test('GIVEN env consumption THEN the variables come from the tenant Secret', () => {
    const t = platformOf({ externalSecrets: {} }).addTenant('shop');
    const db = t.addSecretsManagerSecret('db', { remoteKey: 'shop/db', keys: { password: 'password' } });
    const w = t.addWorkload('api', { image: 'x:1', env: [{ secret: db, variables: { DB_PASSWORD: 'password' } }] });
    expect(w.tenantName).toBe('shop');
    const d = t.toJson().find((o: any) => o.kind === 'Deployment');
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]);
  });
});

describe('Kubernetes-only synth', () => {
  test('GIVEN SynthMode.KUBERNETES under Pod Identity THEN the store names its role by the computed ARN, and no AWS resource is built', () => {
    const app = tempApp('platform-k8s-only', { mode: SynthMode.KUBERNETES });
    const target = new ClusterTarget(app, 'prod', { env: ENV, clusterName: 'prod' });
    const t = new SecretsPlatform(target, 'platform', { externalSecrets: {} }).addTenant('shop');
    t.addSecretsManagerSecret('db', { remoteKey: 'shop/db' });
    expect(t.secretsManagerRole!.roleArn).toBe('arn:aws:iam::111122223333:role/prod-shop-aws-secrets-manager');
    const store = t.toJson().find((o: any) => o.kind === 'SecretStore');
    expect(store.spec.provider.aws.role).toBe('arn:aws:iam::111122223333:role/prod-shop-aws-secrets-manager');
    expect(target.stack.node.findAll().filter((c) => c instanceof iam.CfnRole)).toEqual([]);
  });
});

describe('session-tag ABAC (opt-in)', () => {
  test.each([['Pod Identity', true], ['IRSA', false]])('GIVEN sessionTags under %s THEN the store tags its session and the store role\'s reads require the tenant tag', (_mode, podIdentity) => {
    const p = platformOf({ externalSecrets: {} }, podIdentity as boolean);
    const t = p.addTenant('shop', { secretsManager: { sessionTags: {} } });
    t.addSecretsManagerSecret('db', { remoteKey: 'shop/db' });
    const store = t.toJson().find((o: any) => o.kind === 'SecretStore');
    expect(store.spec.provider.aws.sessionTagsPolicy).toBe('Simple');
    const roleName = podIdentity ? 'prod-shop-aws-secrets-manager' : 'prod-shop-aws-secrets-manager-store';
    expect(store.spec.provider.aws.role).toBe(`arn:aws:iam::111122223333:role/${roleName}`);
    const template = Template.fromStack(p.target.stack);
    const roles = template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } });
    const [[logicalId, role]] = Object.entries<any>(roles);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Effect: 'Allow',
      Principal: { AWS: podIdentity ? 'arn:aws:iam::111122223333:role/prod-external-secrets-external-secrets' : 'arn:aws:iam::111122223333:role/prod-shop-aws-secrets-manager' },
    }]);
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .filter((pol) => pol.Properties.Roles.some((r: any) => r.Ref === logicalId))
      .flatMap((pol) => pol.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{
      Action: 'secretsmanager:GetSecretValue',
      Effect: 'Allow',
      Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:shop/db-??????',
      Condition: { StringEquals: { 'secretsmanager:ResourceTag/esoNamespace': '${aws:PrincipalTag/esoNamespace}' } },
    }]);
  });
});
