import { Token } from 'aws-cdk-lib';
import { Chart, Duration, Testing } from 'cdk8s';
import { artifact, objectsOf, parseHcl, validateTree } from './util';
import {
  SecretProducerKind,
  VaultAuth,
  VaultAuthMethod,
  VaultCapability,
  VaultConfiguration,
  VaultConnection,
  VaultDestinationSecretType,
  VaultDynamicSecret,
  VaultKvMount,
  VaultKvVersion,
  VaultPkiFormat,
  VaultPKISecret,
  VaultPolicy,
  VaultRequestMethod,
  VaultSecretsOperatorInstall,
  VaultStaticSecret,
} from '../../src';
import { expectValid } from '../harness';

function setup() {
  const app = Testing.app();
  const chart = new Chart(app, 'apps', { namespace: 'apps' });
  const config = new VaultConfiguration(chart, 'Vault');
  const kv = config.addKvMount('Kv', { path: 'kv' });
  const kv1 = config.addKvMount('Kv1', { path: 'legacy', version: VaultKvVersion.V1 });
  const k8s = config.addKubernetesAuth('K8s');
  const role = k8s.addRole('Role', { roleName: 'apps' });
  const auth = new VaultAuth(chart, 'Auth', { name: 'apps', method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'apps-vault' }) });
  return { app, chart, config, kv, kv1, k8s, role, auth };
}

describe('VaultConnection', () => {
  test('renders address and explicit TLS settings; VaultAuth references it', () => {
    const { chart, role } = setup();
    const conn = new VaultConnection(chart, 'Conn', {
      name: 'vault',
      address: 'https://vault.example.com:8200',
      caCertSecret: 'vault-ca',
      tlsServerName: 'vault.example.com',
      headers: { 'X-Team': 'a' },
      timeout: Duration.seconds(30),
    });
    new VaultAuth(chart, 'Auth2', { name: 'with-conn', connection: conn, method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'x' }) });
    const [c] = objectsOf(chart, 'VaultConnection');
    expect(c.spec).toEqual({
      address: 'https://vault.example.com:8200',
      skipTLSVerify: false,
      caCertSecretRef: 'vault-ca',
      tlsServerName: 'vault.example.com',
      headers: { 'X-Team': 'a' },
      timeout: '30s',
    });
    const auths = objectsOf(chart, 'VaultAuth');
    expect(auths.find((a) => a.metadata.name === 'with-conn').spec.vaultConnectionRef).toBe('vault');
    const other = VaultConnection.fromConnectionName(chart, 'Shared', 'shared', 'vault-system');
    new VaultAuth(chart, 'Auth3', { name: 'cross', connection: other, method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'x' }) });
    expect(objectsOf(chart, 'VaultAuth').find((a) => a.metadata.name === 'cross').spec.vaultConnectionRef).toBe('vault-system/shared');
    expectValid(chart);
  });

  test('errors', () => {
    const { chart } = setup();
    expect(() => new VaultConnection(chart, 'A', { address: 'vault:8200' })).toThrow(/address: must be an http or https URL of the Vault server \(got "vault:8200"\)/);
    expect(() => new VaultConnection(chart, 'B', { address: 'http://v:8200', timeout: Duration.millis(1500) })).toThrow(/\[.*B\] timeout: must be a whole number of seconds \(got "1500ms"\)/);
    const ok = new VaultConnection(chart, 'B2', { name: 'b2', address: 'http://v:8200', timeout: Duration.seconds(90) });
    expect(ok.apiObject.toJson().spec.timeout).toBe('90s');
    const noNs = new Chart(Testing.app(), 'nons');
    expect(() => new VaultConnection(noNs, 'C', { address: 'http://v:8200' })).toThrow(/namespace: is required/);
  });
});

describe('VaultAuth methods', () => {
  test('jwt, appRole and aws are typed', () => {
    const { chart } = setup();
    new VaultAuth(chart, 'Jwt', { name: 'jwt', method: VaultAuthMethod.jwt({ role: 'ci', serviceAccount: 'ci', audiences: ['vault'], tokenExpiration: Duration.minutes(15) }) });
    new VaultAuth(chart, 'JwtSecret', { name: 'jwt-secret', method: VaultAuthMethod.jwt({ role: 'ci', mount: 'oidc', secretRef: 'ci-jwt' }) });
    new VaultAuth(chart, 'AppRole', { name: 'approle', method: VaultAuthMethod.appRole({ roleId: 'db02de05-fa39-4855-059b-67221c5c2f63', secretRef: 'approle-secret-id' }) });
    new VaultAuth(chart, 'Aws', {
      name: 'aws',
      allowedNamespaces: ['team-a'],
      vaultNamespace: 'admin',
      headers: { 'X-Env': 'prod' },
      method: VaultAuthMethod.aws({ role: 'eks', region: 'eu-west-1', irsaServiceAccount: 'vault-irsa', headerValue: 'vault.example.com' }),
    });
    const byName = Object.fromEntries(objectsOf(chart, 'VaultAuth').map((a) => [a.metadata.name, a.spec]));
    expect(byName.jwt).toEqual({ method: 'jwt', mount: 'jwt', jwt: { role: 'ci', serviceAccount: 'ci', audiences: ['vault'], tokenExpirationSeconds: 900 } });
    expect(byName['jwt-secret']).toEqual({ method: 'jwt', mount: 'oidc', jwt: { role: 'ci', secretRef: 'ci-jwt', tokenExpirationSeconds: 600 } });
    expect(byName.approle).toEqual({ method: 'appRole', mount: 'approle', appRole: { roleId: 'db02de05-fa39-4855-059b-67221c5c2f63', secretRef: 'approle-secret-id' } });
    expect(byName.aws).toEqual({
      method: 'aws',
      mount: 'aws',
      namespace: 'admin',
      allowedNamespaces: ['team-a'],
      headers: { 'X-Env': 'prod' },
      aws: { role: 'eks', region: 'eu-west-1', irsaServiceAccount: 'vault-irsa', headerValue: 'vault.example.com' },
    });
    expectValid(chart);
  });

  test('errors', () => {
    const { chart, role } = setup();
    const withAud = (setup().k8s).addRole('Aud', { roleName: 'aud', audience: 'vault' });
    expect(() => new VaultAuth(chart, 'A', { method: VaultAuthMethod.kubernetes({ role: withAud, serviceAccount: 'x', audiences: ['other'] }) }))
      .toThrow(/method.audiences: does not include "vault", the audience role "aud" requires/);
    expect(() => new VaultAuth(chart, 'B', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'x', tokenExpiration: Duration.minutes(5) }) }))
      .toThrow(/method.tokenExpiration: must be a whole number of seconds, at least 600 \(the VaultAuth CRD minimum\) \(got "300s"\)/);
    expect(() => new VaultAuth(chart, 'C', { method: VaultAuthMethod.jwt({ role: 'ci' }) })).toThrow(/jwt auth needs exactly one of serviceAccount and secretRef/);
    expect(() => new VaultAuth(chart, 'D', { method: VaultAuthMethod.jwt({ role: 'ci', serviceAccount: 'a', secretRef: 'b' }) })).toThrow(/exactly one of serviceAccount and secretRef/);
    expect(() => new VaultAuth(chart, 'E', { method: VaultAuthMethod.aws({ role: 'r', irsaServiceAccount: 'a', secretRef: 'b' }) })).toThrow(/irsaServiceAccount or secretRef, not both/);
    expect(() => new VaultAuth(chart, 'F', { method: VaultAuthMethod.appRole({ roleId: 'not a role id', secretRef: 's' }) })).toThrow(/method.roleId: must be an AppRole role ID/);
    expect(() => new VaultAuth(chart, 'G', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'Bad_SA' }) })).toThrow(/method.serviceAccount: must be a DNS-1123 subdomain/);
    const noDefault = new Chart(Testing.app(), 'nd', { namespace: 'apps' });
    new VaultSecretsOperatorInstall(noDefault, 'Vso');
    const cfg = new VaultConfiguration(noDefault, 'V');
    new VaultAuth(noDefault, 'NoConn', { method: VaultAuthMethod.kubernetes({ role: cfg.addKubernetesAuth('K').addRole('R', { roleName: 'r' }), serviceAccount: 'x' }) });
    expect(() => validateTree(noDefault)).toThrow(/connection: is unset, so the operator's default VaultConnection is used, but the program installs the operator without one \(nd\/Vso\)/);
    expect(() => new VaultAuth(chart, 'H', { allowedNamespaces: ['Bad'], method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'x' }) })).toThrow(/allowedNamespaces\[0\]: must be a DNS-1123 label/);
  });
});

describe('VaultStaticSecret', () => {
  test('kv-v1 reads <mount>/<path>; destination options and transformation render', async () => {
    const { chart, kv1, auth } = setup();
    const s = new VaultStaticSecret(chart, 'Legacy', {
      name: 'legacy',
      vaultAuth: auth,
      mount: kv1,
      path: 'app/config',
      refreshAfter: Duration.hours(1.5),
      hmacSecretData: false,
      expectedKeys: ['username', 'password'],
      rolloutRestartTargets: [{ kind: 'StatefulSet', name: 'db' }],
      destination: {
        name: 'legacy-config',
        create: false,
        overwrite: true,
        type: VaultDestinationSecretType.BASIC_AUTH,
        labels: { team: 'a' },
        annotations: { 'example.com/owner': 'a' },
        transformation: {
          templates: { url: 'postgresql://{{ .Secrets.username }}:{{ .Secrets.password }}@db:5432/app' },
          excludes: ['^password$'],
          excludeRaw: true,
          transformationRefs: [{ name: 'shared', namespace: 'vault-system', templates: { dsn: 'DSN', plain: '' }, ignoreExcludes: true }],
        },
      },
    });
    const [vss] = objectsOf(chart, 'VaultStaticSecret');
    expect(vss.spec).toEqual({
      type: 'kv-v1',
      mount: 'legacy',
      path: 'app/config',
      refreshAfter: '90m',
      hmacSecretData: false,
      vaultAuthRef: 'apps',
      rolloutRestartTargets: [{ kind: 'StatefulSet', name: 'db' }],
      destination: {
        name: 'legacy-config',
        create: false,
        overwrite: true,
        type: 'kubernetes.io/basic-auth',
        labels: { team: 'a' },
        annotations: { 'example.com/owner': 'a' },
        transformation: {
          templates: { url: { name: 'url', text: 'postgresql://{{ .Secrets.username }}:{{ .Secrets.password }}@db:5432/app' } },
          excludes: ['^password$'],
          excludeRaw: true,
          transformationRefs: [{ name: 'shared', namespace: 'vault-system', templateRefs: [{ name: 'dsn', keyOverride: 'DSN' }, { name: 'plain' }], ignoreExcludes: true }],
        },
      },
    });
    expect(s.secretName).toBe('legacy-config');
    expect(s.secretKeys).toEqual(['password', 'url', 'username']);
    expectValid(chart);
    expect(await parseHcl(artifact(chart, 'vault/policies/apps.hcl'))).toEqual({ path: { 'legacy/app/config': [{ capabilities: ['read'] }] } });
  });

  test('a pinned kv-v2 version; default destination named after the object', () => {
    const { chart, kv, auth } = setup();
    const s = new VaultStaticSecret(chart, 'Pinned', { vaultAuth: auth, mount: kv, path: 'a/b', version: 3 });
    const [vss] = objectsOf(chart, 'VaultStaticSecret');
    expect(vss.spec.version).toBe(3);
    expect(vss.spec.destination).toEqual({ name: vss.metadata.name, create: true, overwrite: false });
    expect(s.secretName).toBe(vss.metadata.name);
    expectValid(chart);
  });

  test('a VaultAuth in another namespace is referenced as <ns>/<name> when it allows the namespace', () => {
    const { app, role } = setup();
    const shared = new Chart(app, 'shared', { namespace: 'vault-system' });
    const auth = new VaultAuth(shared, 'Auth', { name: 'shared', allowedNamespaces: ['team-a'], method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'reader' }) });
    const team = new Chart(app, 'team', { namespace: 'team-a' });
    new VaultStaticSecret(team, 'S', { name: 's', vaultAuth: auth, mount: VaultKvMount.fromMountPath(team, 'Kv', 'kv', VaultKvVersion.V2), path: 'team-a/s' });
    expect(objectsOf(team, 'VaultStaticSecret')[0].spec.vaultAuthRef).toBe('vault-system/shared');
    // the ServiceAccount is bound in the secret's namespace, where VSO requests its token
    const roleJson = JSON.parse(artifact(team, 'vault/roles/kubernetes/apps.json'));
    expect(roleJson.bound_service_account_names).toEqual(['reader']);
    expect(roleJson.bound_service_account_namespaces).toEqual(['team-a']);
  });

  describe('errors', () => {
    test('refreshAfter is written with one unit, as the VSO pattern requires; zero and sub-second values throw', () => {
      const { chart, kv, auth } = setup();
      const s = new VaultStaticSecret(chart, 'S90', { vaultAuth: auth, mount: kv, path: 'a', refreshAfter: Duration.minutes(90) });
      expect(s.apiObject.toJson().spec.refreshAfter).toBe('90m');
      expect(() => new VaultStaticSecret(chart, 'S0', { vaultAuth: auth, mount: kv, path: 'a', refreshAfter: Duration.seconds(0) }))
        .toThrow(/refreshAfter: must be longer than zero \(got "0s"\)/);
      expect(() => new VaultStaticSecret(chart, 'Sms', { vaultAuth: auth, mount: kv, path: 'a', refreshAfter: Duration.millis(500) }))
        .toThrow(/refreshAfter: must be a whole number of seconds \(got "500ms"\)/);
    });

    test('a kv version that does not match the mount', () => {
      const { chart, kv, kv1, auth } = setup();
      expect(() => new VaultStaticSecret(chart, 'A', { vaultAuth: auth, mount: kv, path: 'a', type: VaultKvVersion.V1 }))
        .toThrow(/type: does not match mount "kv", which is kv-v2 \(got "kv-v1"\)\. Fix: set type to VaultKvVersion.V2/);
      expect(() => new VaultStaticSecret(chart, 'B', { vaultAuth: auth, mount: kv1, path: 'a', version: 2 })).toThrow(/version: pins a version, but kv-v1 secrets are not versioned/);
      expect(() => new VaultStaticSecret(chart, 'C', { vaultAuth: auth, mount: kv, path: 'data/a' })).toThrow(/path: starts with "data\/", the kv-v2 API prefix.*Fix: write "a"/);
      expect(() => new VaultStaticSecret(chart, 'D', { vaultAuth: auth, mount: kv, path: 'kv/a' })).toThrow(/starts with the mount path "kv"/);
      expect(() => new VaultStaticSecret(chart, 'E', { vaultAuth: auth, mount: kv, path: '/a' })).toThrow(/must be a secret path inside the mount/);
    });

    test('a path the auth role\'s fixed policies do not cover', () => {
      const { chart, config, kv, k8s } = setup();
      const fixed = config.addPolicy('Fixed', { policyName: 'team-read', derive: false, statements: [{ path: 'kv/data/team/+/config', capabilities: [VaultCapability.READ] }] });
      const role = k8s.addRole('Fixed', { roleName: 'fixed', policies: [fixed] });
      const auth = new VaultAuth(chart, 'FixedAuth', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'x' }) });
      new VaultStaticSecret(chart, 'Ok', { vaultAuth: auth, mount: kv, path: 'team/a/config' });
      expect(() => validateTree(chart)).not.toThrow();
      new VaultStaticSecret(chart, 'Bad', { vaultAuth: auth, mount: kv, path: 'other/config' });
      expect(() => validateTree(chart)).toThrow(/\[apps\/Bad\] path: is read with capabilities \[read\] that the policies of role "fixed" \("team-read", fixed with derive: false\) do not grant \(got "kv\/data\/other\/config"\)\. Fix: grant path "kv\/data\/other\/config" the capabilities "read" in one of those policies/);
      expect(() => artifact(chart, 'vault/roles/kubernetes/fixed.json')).toThrow(/kv\/data\/other\/config/);
      expect(() => artifact(chart, 'vault/vault-config.sh')).toThrow(/kv\/data\/other\/config/);
    });

    test('a policy the program does not own is not checked', () => {
      const { chart, config, kv, k8s } = setup();
      const external = VaultPolicy.fromPolicyName(config, 'Ext', 'managed-elsewhere');
      const role = k8s.addRole('Ext', { roleName: 'ext', policies: [external] });
      const auth = new VaultAuth(chart, 'ExtAuth', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'x' }) });
      new VaultStaticSecret(chart, 'S', { vaultAuth: auth, mount: kv, path: 'anything' });
      expect(() => validateTree(chart)).not.toThrow();
      expect(JSON.parse(artifact(chart, 'vault/roles/kubernetes/ext.json')).token_policies).toEqual(['managed-elsewhere']);
    });

    test('a VaultAuth in another namespace that does not allow the secret\'s', () => {
      const { app, role, kv } = setup();
      const shared = new Chart(app, 'shared', { namespace: 'vault-system' });
      const auth = new VaultAuth(shared, 'Auth', { name: 'shared', method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'reader' }) });
      const team = new Chart(app, 'team', { namespace: 'team-a' });
      expect(() => new VaultStaticSecret(team, 'S', { vaultAuth: auth, mount: kv, path: 'a' }))
        .toThrow(/vaultAuth: lives in namespace "vault-system" and does not allow namespace "team-a".*Fix: add "team-a" to the VaultAuth's allowedNamespaces/);
    });

    test('rollout restart targets VSO cannot restart', () => {
      const { chart, kv, auth } = setup();
      const s = new VaultStaticSecret(chart, 'S', { vaultAuth: auth, mount: kv, path: 'a' });
      expect(() => s.addRolloutRestartTarget({ kind: 'CronJob', name: 'x' })).toThrow(/rolloutRestartTargets.kind: is not a kind VSO can restart/);
      expect(() => new VaultStaticSecret(chart, 'T', { vaultAuth: auth, mount: kv, path: 'a', expectedKeys: ['a/b'] })).toThrow(/expectedKeys\[0\]: must be a valid Secret data key/);
    });
  });
});

describe('VaultDynamicSecret', () => {
  test('seed 003: database/creds/my-role is read; the policy grants exactly that', async () => {
    const { chart, auth } = setup();
    const s = new VaultDynamicSecret(chart, 'Db', {
      name: 'db-creds',
      vaultAuth: auth,
      mount: 'database',
      path: 'creds/my-role',
      expectedKeys: ['username', 'password'],
      rolloutRestartTargets: [{ kind: 'Deployment', name: 'my-app' }],
    });
    const [vds] = objectsOf(chart, 'VaultDynamicSecret');
    expect(vds.spec).toEqual({
      mount: 'database',
      path: 'creds/my-role',
      renewalPercent: 67,
      revoke: false,
      vaultAuthRef: 'apps',
      rolloutRestartTargets: [{ kind: 'Deployment', name: 'my-app' }],
      destination: { name: 'db-creds', create: true, overwrite: false },
    });
    expect(s.producerKind).toBe(SecretProducerKind.VAULT_SECRETS_OPERATOR);
    expect(s.secretKeys).toEqual(['password', 'username']);
    expectValid(chart);
    expect(await parseHcl(artifact(chart, 'vault/policies/apps.hcl'))).toEqual({ path: { 'database/creds/my-role': [{ capabilities: ['read'] }] } });
  });

  test('a write request and lease revocation need update; params imply PUT', async () => {
    const { chart, auth } = setup();
    new VaultDynamicSecret(chart, 'Sts', { vaultAuth: auth, mount: 'aws', path: 'sts/deploy', params: { ttl: '15m' }, revoke: true, renewalPercent: 50, refreshAfter: Duration.minutes(10), allowStaticCreds: false });
    new VaultDynamicSecret(chart, 'Post', { vaultAuth: auth, mount: 'gcp', path: 'roleset/x/token', requestMethod: VaultRequestMethod.POST });
    const specs = objectsOf(chart, 'VaultDynamicSecret').map((o) => o.spec);
    expect(specs[0]).toMatchObject({ params: { ttl: '15m' }, revoke: true, renewalPercent: 50, refreshAfter: '10m', allowStaticCreds: false });
    expect(specs[1].requestHTTPMethod).toBe('POST');
    expect(await parseHcl(artifact(chart, 'vault/policies/apps.hcl'))).toEqual({
      path: {
        'aws/sts/deploy': [{ capabilities: ['create', 'update'] }],
        'gcp/roleset/x/token': [{ capabilities: ['create', 'update'] }],
        'sys/leases/revoke': [{ capabilities: ['update'] }],
      },
    });
    expectValid(chart);
  });

  test('GIVEN params and requestMethod GET WHEN derived THEN the policy follows VSO, which ignores the method and sends PUT', async () => {
    // GIVEN
    const { chart, auth } = setup();
    // WHEN
    new VaultDynamicSecret(chart, 'Ssh', { vaultAuth: auth, mount: 'ssh', path: 'creds/ops', params: { ip: '10.0.0.5' }, requestMethod: VaultRequestMethod.GET });
    // THEN
    expect(await parseHcl(artifact(chart, 'vault/policies/apps.hcl'))).toEqual({
      path: { 'ssh/creds/ops': [{ capabilities: ['create', 'update'] }] },
    });
    expectValid(chart);
  });

  test('errors', () => {
    const { chart, auth } = setup();
    expect(() => new VaultDynamicSecret(chart, 'A', { vaultAuth: auth, mount: 'database', path: 'creds/x', renewalPercent: 95 })).toThrow(/renewalPercent: must be a whole number from 0 to 90 \(got 95\)/);
    expect(() => new VaultDynamicSecret(chart, 'B', { vaultAuth: auth, mount: '/database', path: 'creds/x' })).toThrow(/mount: must be a Vault mount path/);
    expect(() => new VaultDynamicSecret(chart, 'C', { vaultAuth: auth, mount: 'database', path: 'creds/*' })).toThrow(/path: must be a literal Vault path/);
    expect(() => new VaultDynamicSecret(chart, 'D', { vaultAuth: auth, mount: 'database', path: 'creds/x', refreshAfter: Duration.millis(100) })).toThrow(/refreshAfter: must be a whole number of seconds/);
  });
});

describe('VaultPKISecret', () => {
  test('issues into a TLS Secret; the policy grants create and update on issue (and revoke when asked)', async () => {
    const { chart, auth } = setup();
    const s = new VaultPKISecret(chart, 'Cert', {
      name: 'web-tls',
      vaultAuth: auth,
      mount: 'pki',
      role: 'web',
      commonName: 'web.example.com',
      altNames: ['www.example.com'],
      ipSans: ['10.0.0.1'],
      uriSans: ['spiffe://example/web'],
      ttl: Duration.days(30),
      expiryOffset: Duration.hours(1),
      format: VaultPkiFormat.PEM,
      excludeCnFromSans: false,
      revoke: true,
      clear: true,
    });
    const [pki] = objectsOf(chart, 'VaultPKISecret');
    expect(pki.spec).toEqual({
      mount: 'pki',
      role: 'web',
      commonName: 'web.example.com',
      altNames: ['www.example.com'],
      ipSans: ['10.0.0.1'],
      uriSans: ['spiffe://example/web'],
      ttl: '720h',
      expiryOffset: '1h',
      format: 'pem',
      excludeCNFromSans: false,
      revoke: true,
      clear: true,
      vaultAuthRef: 'apps',
      destination: { name: 'web-tls', create: true, overwrite: false, type: 'kubernetes.io/tls' },
    });
    expect(s.secretKeys).toEqual(['certificate', 'expiration', 'issuing_ca', 'private_key', 'private_key_type', 'serial_number', 'tls.crt', 'tls.key']);
    expectValid(chart);
    expect(await parseHcl(artifact(chart, 'vault/policies/apps.hcl'))).toEqual({
      path: {
        'pki/issue/web': [{ capabilities: ['create', 'update'] }],
        'pki/revoke': [{ capabilities: ['update'] }],
      },
    });
  });

  test('GIVEN an issuerRef WHEN derived THEN the policy grants VSO\'s issuer path <mount>/issuer/<ref>/issue/<role>', async () => {
    // GIVEN
    const { chart, auth } = setup();
    // WHEN
    new VaultPKISecret(chart, 'Cert', { name: 'api-tls', vaultAuth: auth, mount: 'pki_int', role: 'api', commonName: 'api.example.com', issuerRef: 'intermediate-2025' });
    // THEN
    const [pki] = objectsOf(chart, 'VaultPKISecret');
    expect(pki.spec.issuerRef).toBe('intermediate-2025');
    expect(await parseHcl(artifact(chart, 'vault/policies/apps.hcl'))).toEqual({
      path: { 'pki_int/issuer/intermediate-2025/issue/api': [{ capabilities: ['create', 'update'] }] },
    });
    expectValid(chart);
  });

  test('errors', () => {
    const { chart, auth } = setup();
    expect(() => new VaultPKISecret(chart, 'A', { vaultAuth: auth, mount: 'pki', role: 'web' })).toThrow(/commonName: is unset and no SANs are given/);
    expect(() => new VaultPKISecret(chart, 'B', { vaultAuth: auth, mount: 'pki', role: 'web', commonName: 'a', ttl: Duration.millis(10) })).toThrow(/ttl: must be a whole number of seconds/);
    expect(() => new VaultPKISecret(chart, 'C', { vaultAuth: auth, mount: 'pki', role: 'web', commonName: 'a', expiryOffset: Duration.seconds(0) })).toThrow(/expiryOffset: must be longer than zero/);
    expect(() => new VaultPKISecret(chart, 'D', { vaultAuth: auth, mount: 'pki', role: 'web', commonName: 'a', issuerRef: 'x/../y' })).toThrow(/issuerRef: must be a Vault name/);
  });
});

describe('imports and accessors', () => {
  test('an existing VaultAuth with a known role still derives the role\'s bindings and policy', async () => {
    const { chart, kv, role } = setup();
    const existing = VaultAuth.fromVaultAuthAttributes(chart, 'Existing', { name: 'legacy-auth', namespace: 'apps', kubernetesRole: role, serviceAccountName: 'legacy' });
    const s = new VaultStaticSecret(chart, 'S', { vaultAuth: existing, mount: kv, path: 'legacy/x', rolloutRestartTargets: [{ kind: 'argo.Rollout', name: 'web' }] });
    expect(objectsOf(chart, 'VaultStaticSecret')[0].spec.vaultAuthRef).toBe('legacy-auth');
    expect(s.rolloutRestartTargets).toEqual([{ kind: 'argo.Rollout', name: 'web' }]);
    expect(JSON.parse(artifact(chart, 'vault/roles/kubernetes/apps.json')).bound_service_account_names).toEqual(['legacy']);
    expect(await parseHcl(artifact(chart, 'vault/policies/apps.hcl'))).toEqual({ path: { 'kv/data/legacy/x': [{ capabilities: ['read'] }] } });
    expect(() => VaultAuth.fromVaultAuthAttributes(chart, 'Bad', { name: 'Bad', namespace: 'apps' })).toThrow(/name: must be a DNS-1123 subdomain/);
  });

  test('unresolved tokens cannot become Vault names or paths', () => {
    const { config, kv, auth, chart } = setup();
    const token = Token.asString({ Ref: 'X' });
    expect(() => config.addPolicy('T', { policyName: token })).toThrow(/policyName: is an unresolved token/);
    expect(() => config.addPolicy('U', { policyName: 'u', statements: [{ path: token, capabilities: [VaultCapability.READ] }] })).toThrow(/statements\[0\]\.path: is an unresolved token/);
    expect(() => new VaultDynamicSecret(chart, 'D', { vaultAuth: auth, mount: 'database', path: token })).toThrow(/path: is an unresolved token/);
    void kv;
  });
});
