import { Chart, Duration, Testing } from 'cdk8s';
import { artifact, artifacts, parseHcl, validateTree } from './util';
import {
  VaultAuth,
  VaultAuthMethod,
  VaultCapability,
  VaultConfiguration,
  VaultKubernetesAuth,
  VaultKubernetesRole,
  VaultKvMount,
  VaultKvVersion,
  VaultPolicy,
  VaultStaticSecret,
} from '../../src';

function setup(props: { directory?: string } = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'apps' });
  const config = new VaultConfiguration(chart, 'Vault', props);
  return { app, chart, config };
}

describe('VaultPolicy', () => {
  test('hand-written statements are kept, merged with derived ones, in Vault\'s capability order', async () => {
    // GIVEN
    const { chart, config } = setup();
    const kv = config.addKvMount('Kv', { path: 'kv' });
    const policy = config.addPolicy('P', {
      policyName: 'apps',
      statements: [
        { path: 'kv/metadata/apps/*', capabilities: [VaultCapability.LIST, VaultCapability.READ] },
        { path: 'kv/data/apps/shared', capabilities: [VaultCapability.READ] },
      ],
    });
    policy.addStatement({ path: 'sys/leases/+/lookup', capabilities: [VaultCapability.UPDATE] });
    const role = config.addKubernetesAuth('K8s').addRole('R', { roleName: 'apps', policies: [policy] });
    const auth = new VaultAuth(chart, 'A', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'apps' }) });
    // WHEN
    new VaultStaticSecret(chart, 'S', { vaultAuth: auth, mount: kv, path: 'apps/shared' });
    new VaultStaticSecret(chart, 'T', { vaultAuth: auth, mount: kv, path: 'apps/own' });
    // THEN
    const hcl = config.policyHcl(policy);
    expect(await parseHcl(hcl)).toEqual({
      path: {
        'kv/data/apps/own': [{ capabilities: ['read'] }],
        'kv/data/apps/shared': [{ capabilities: ['read'] }],
        'kv/metadata/apps/*': [{ capabilities: ['read', 'list'] }],
        'sys/leases/+/lookup': [{ capabilities: ['update'] }],
      },
    });
    expect(hcl).toContain('# read by VaultStaticSecret apps/c-t-c8aba5ff (role apps)'.replace('c-t-c8aba5ff', Testing.synth(chart).find((o: any) => o.kind === 'VaultStaticSecret' && o.spec.path === 'apps/own').metadata.name));
    expect(policy.statements).toHaveLength(3);
  });

  test('a policy nothing reads and nobody wrote is empty (no capability on any path)', async () => {
    const { config } = setup();
    const p = config.addPolicy('P', { policyName: 'unused' });
    expect(await parseHcl(config.policyHcl(p))).toEqual({});
  });

  test('the most specific matching path decides coverage; deny wins', () => {
    const { chart, config } = setup();
    const kv = config.addKvMount('Kv', { path: 'kv' });
    const fixed = config.addPolicy('P', {
      policyName: 'fixed',
      derive: false,
      statements: [
        { path: 'kv/data/*', capabilities: [VaultCapability.READ] },
        { path: 'kv/data/secret/+', capabilities: [VaultCapability.DENY] },
      ],
    });
    const role = config.addKubernetesAuth('K8s').addRole('R', { roleName: 'r', policies: [fixed] });
    const auth = new VaultAuth(chart, 'A', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'sa' }) });
    const ok = new VaultStaticSecret(chart, 'Ok', { vaultAuth: auth, mount: kv, path: 'public/x' });
    expect(ok.node.validate()).toEqual([]);
    const denied = new VaultStaticSecret(chart, 'Denied', { vaultAuth: auth, mount: kv, path: 'secret/x' });
    expect(() => denied.node.validate()).toThrow(/do not grant \(got "kv\/data\/secret\/x"\)/);
  });

  test('errors', () => {
    const { chart, config } = setup();
    expect(() => config.addPolicy('A', { policyName: 'Bad Name' })).toThrow(/policyName: must be a Vault policy name/);
    expect(() => config.addPolicy('B', { policyName: 'root' })).toThrow(/not "root"/);
    expect(() => config.addPolicy('C', { policyName: 'c', statements: [{ path: 'a/*/b', capabilities: [VaultCapability.READ] }] })).toThrow(/statements\[0\]\.path: must be a Vault path.*'\*' only at the end/);
    expect(() => config.addPolicy('D', { policyName: 'd', statements: [{ path: 'a/"b', capabilities: [VaultCapability.READ] }] })).toThrow(/statements\[0\]\.path/);
    expect(() => config.addPolicy('E', { policyName: 'e', statements: [{ path: 'a', capabilities: [] }] })).toThrow(/statements\[0\]\.capabilities: must name at least one capability/);
    expect(() => new VaultPolicy(chart, 'Loose', { policyName: 'loose' })).toThrow(/a VaultPolicy must be created inside a VaultConfiguration.*VaultConfiguration\.addPolicy\(\)/);
  });
});

describe('VaultKubernetesRole', () => {
  test('a role with no policies gets one derived policy named after it; explicit bindings and max TTL render', async () => {
    const { chart, config } = setup();
    const kv = config.addKvMount('Kv', { path: 'kv' });
    const role = config.addKubernetesAuth('K8s', { path: 'k8s/prod', kubernetesHost: 'https://kubernetes.default.svc:443' }).addRole('R', {
      roleName: 'reader',
      ttl: Duration.minutes(20),
      maxTtl: Duration.hours(1),
      serviceAccounts: [{ name: 'batch', namespace: 'apps' }],
    });
    role.bindServiceAccount({ name: 'cron', namespace: 'apps' });
    const auth = new VaultAuth(chart, 'A', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'web' }) });
    new VaultStaticSecret(chart, 'S', { vaultAuth: auth, mount: kv, path: 'web' });
    expect(role.policies.map((p) => p.policyName)).toEqual(['reader']);
    expect(JSON.parse(artifact(chart, 'vault/roles/k8s/prod/reader.json'))).toEqual({
      bound_service_account_names: ['batch', 'cron', 'web'],
      bound_service_account_namespaces: ['apps'],
      token_policies: ['reader'],
      token_ttl: '20m',
      token_max_ttl: '1h',
    });
    expect(await parseHcl(artifact(chart, 'vault/policies/reader.hcl'))).toEqual({ path: { 'kv/data/web': [{ capabilities: ['read'] }] } });
    expect(artifact(chart, 'vault/vault-config.sh')).toContain('vault write auth/k8s/prod/config kubernetes_host="https://kubernetes.default.svc:443"');
  });

  test('reads go to the first policy that derives; imported roles and policies are not written', async () => {
    const { chart, config } = setup();
    const kv = config.addKvMount('Kv', { path: 'kv' });
    const fixed = config.addPolicy('F', { policyName: 'base', derive: false, statements: [{ path: 'kv/data/base', capabilities: [VaultCapability.READ] }] });
    const derived = config.addPolicy('D', { policyName: 'grown' });
    const role = config.addKubernetesAuth('K8s').addRole('R', { roleName: 'r', policies: [fixed, derived] });
    const auth = new VaultAuth(chart, 'A', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'sa' }) });
    new VaultStaticSecret(chart, 'S', { vaultAuth: auth, mount: kv, path: 'extra' });
    expect(await parseHcl(config.policyHcl(derived))).toEqual({ path: { 'kv/data/extra': [{ capabilities: ['read'] }] } });
    expect(await parseHcl(config.policyHcl(fixed))).toEqual({ path: { 'kv/data/base': [{ capabilities: ['read'] }] } });
    const ext = VaultKubernetesRole.fromRoleName(chart, 'Ext', { roleName: 'ext', audience: 'vault' });
    const extAuth = new VaultAuth(chart, 'B', { method: VaultAuthMethod.kubernetes({ role: ext, serviceAccount: 'sa' }) });
    new VaultStaticSecret(chart, 'T', { vaultAuth: extAuth, mount: VaultKvMount.fromMountPath(chart, 'Other', 'other', VaultKvVersion.V1), path: 'x' });
    expect(Testing.synth(chart).find((o: any) => o.kind === 'VaultAuth' && o.spec.kubernetes.role === 'ext').spec.mount).toBe('kubernetes');
    expect([...artifacts(chart).keys()].sort()).toEqual([
      'vault/policies/base.hcl',
      'vault/policies/grown.hcl',
      'vault/roles/kubernetes/r.json',
      'vault/vault-config.sh',
    ]);
  });

  test('errors', () => {
    const { chart, config } = setup();
    const auth = config.addKubernetesAuth('K8s');
    expect(() => auth.addRole('A', { roleName: 'a b' })).toThrow(/roleName: must be a Vault name/);
    expect(() => auth.addRole('B', { roleName: 'b', policies: [] })).toThrow(/policies: is empty/);
    const p = config.addPolicy('P', { policyName: 'p' });
    expect(() => auth.addRole('C', { roleName: 'c', policies: [p, p] })).toThrow(/lists the same policy twice/);
    expect(() => auth.addRole('D', { roleName: 'd', ttl: Duration.millis(500) })).toThrow(/ttl: must be a whole number of seconds/);
    expect(() => auth.addRole('D2', { roleName: 'd2', ttl: Duration.hours(2), maxTtl: Duration.hours(1) })).toThrow(/\[c\/Vault\/K8s\/D2\] ttl: is longer than maxTtl \(3600s\); Vault refuses to write the role .* \(got "7200s"\)\. Fix: shorten ttl or lengthen maxTtl/);
    expect(() => auth.addRole('E', { roleName: 'e', audience: 'bad audience' })).toThrow(/audience: must be a token audience/);
    expect(() => auth.addRole('F', { roleName: 'f', serviceAccounts: [{ name: 'x', namespace: 'Bad' }] })).toThrow(/serviceAccounts.namespace: must be a DNS-1123 label/);
    const lonely = auth.addRole('G', { roleName: 'lonely' });
    expect(() => config.roleDefinition(lonely)).toThrow(/role "lonely" is bound to no ServiceAccount/);
    expect(() => new VaultKubernetesRole(chart, 'Loose', { roleName: 'x', auth })).toThrow(/must be created inside a VaultConfiguration/);
    expect(() => config.addKubernetesAuth('Bad', { kubernetesHost: 'https://$(whoami)' })).toThrow(/kubernetesHost: must be an http or https URL/);
    expect(() => config.addKubernetesAuth('Bad2', { path: '/kubernetes' })).toThrow(/path: must be a Vault mount path/);
    expect(VaultKubernetesAuth.isVaultKubernetesAuth(auth)).toBe(true);
  });
});

describe('VaultConfiguration', () => {
  test('kv-v1 mounts are enabled with -version=1; a custom directory is used for every file', () => {
    const { chart, config } = setup({ directory: 'vault/prod' });
    config.addKvMount('Kv1', { path: 'legacy', version: VaultKvVersion.V1 });
    const script = artifact(chart, 'vault/prod/vault-config.sh');
    expect(script).toContain('  vault secrets enable -path=legacy -version=1 kv\n');
    expect(script).toContain('kubectl cp vault/prod/vault-config.sh');
  });

  test('policyHcl and roleDefinition only answer for their own configuration', () => {
    const { app, config } = setup();
    const other = new VaultConfiguration(new Chart(app, 'other'), 'Other');
    const p = other.addPolicy('P', { policyName: 'p' });
    const r = other.addKubernetesAuth('K').addRole('R', { roleName: 'r', serviceAccounts: [{ name: 'a', namespace: 'b' }] });
    expect(() => config.policyHcl(p)).toThrow(/\[other\/Other\/P\] policy: is not a policy of c\/Vault \(got "p"\)\. Fix: ask the VaultConfiguration the policy was added to/);
    expect(() => config.roleDefinition(r)).toThrow(/\[other\/Other\/K\/R\] role: is not a role of c\/Vault \(got "r"\)\. Fix: ask the VaultConfiguration/);
    expect(other.roleDefinition(r).bound_service_account_names).toEqual(['a']);
  });

  test('names must be unique in a configuration', () => {
    const { chart, config } = setup();
    config.addPolicy('A', { policyName: 'same' });
    config.addPolicy('B', { policyName: 'same' });
    expect(() => artifact(chart, 'vault/vault-config.sh')).toThrow(/policyName: is also used by c\/Vault\/A/);
    expect(() => validateTree(chart)).toThrow(/\[c\/Vault\/B\] policyName: is also used by c\/Vault\/A \(got "same"\)/);
  });

  test('errors', () => {
    const { chart } = setup();
    expect(() => new VaultConfiguration(chart, 'Bad', { directory: '../out' })).toThrow(/directory: must be a relative folder/);
    const { config } = setup();
    expect(() => config.addKvMount('Bad', { path: 'kv/' })).toThrow(/path: must be a Vault mount path/);
  });
});
