// ESO with Vault (seed 001's ClusterSecretStore "vault" and ExternalSecret "vault-secrets"; seed 003's
// ExternalSecret from secret/data/my-app/config): the Vault role and policy for ESO's ServiceAccount are
// derived from what the ExternalSecrets read.
import { Chart, Duration, Testing } from 'cdk8s';
import { artifact, parseHcl, validateTree } from './util';
import {
  ClusterSecretStore,
  DataFrom,
  EsoVaultAuth,
  EsoVaultKvVersion,
  ExternalSecret,
  ExternalSecretsOperatorInstall,
  MetadataPolicy,
  PushSecret,
  PushSecretDeletionPolicy,
  RemoteRefOperation,
  SecretStore,
  StoreProvider,
  VaultCapability,
  VaultConfiguration,
} from '../../src';
import { esoAccess, esoKvPath } from '../../src/vault/eso';
import { expectValid } from '../harness';

function world() {
  const app = Testing.app();
  const platform = new Chart(app, 'platform');
  const config = new VaultConfiguration(platform, 'Vault');
  config.addKvMount('Secret', { path: 'secret' });
  const auth = config.addKubernetesAuth('K8s');
  const prod = new Chart(app, 'prod', { namespace: 'production' });
  return { app, platform, config, auth, prod };
}

function seed001Store(chart: Chart, auth: EsoVaultAuth, namespaces: string[] = ['production']) {
  return new ClusterSecretStore(chart, 'VaultStore', {
    name: 'vault',
    provider: StoreProvider.vault({ server: 'https://vault.example.com', path: 'secret', version: EsoVaultKvVersion.V2, auth }),
    conditions: [{ namespaces }],
  });
}

describe('ESO stores backed by Vault', () => {
  test('seed 001: the role binds ESO\'s ServiceAccount; the policy reads exactly the two paths', async () => {
    // GIVEN
    const { platform, auth, prod, app } = world();
    auth.addRole('EsoRole', { roleName: 'external-secrets' });
    const store = seed001Store(platform, EsoVaultAuth.kubernetes({ role: 'external-secrets', mountPath: 'kubernetes', serviceAccountName: 'external-secrets', serviceAccountNamespace: 'external-secrets' }));
    // WHEN
    new ExternalSecret(prod, 'VaultSecrets', {
      name: 'vault-secrets',
      store,
      targetName: 'app-secrets',
      refreshInterval: Duration.minutes(30),
      data: [
        { secretKey: 'database-password', remoteKey: 'secret/data/production/database', property: 'password' },
        { secretKey: 'api-key', remoteKey: 'secret/data/production/api', property: 'key' },
      ],
    });
    // THEN
    expect(await parseHcl(artifact(platform, 'vault/policies/external-secrets.hcl'))).toEqual({
      path: {
        'secret/data/production/api': [{ capabilities: ['read'] }],
        'secret/data/production/database': [{ capabilities: ['read'] }],
      },
    });
    expect(JSON.parse(artifact(platform, 'vault/roles/kubernetes/external-secrets.json'))).toEqual({
      bound_service_account_names: ['external-secrets'],
      bound_service_account_namespaces: ['external-secrets'],
      token_policies: ['external-secrets'],
    });
    expect(artifact(platform, 'vault/policies/external-secrets.hcl')).toContain('# read by ExternalSecret production/vault-secrets through ClusterSecretStore vault (role external-secrets)');
    expectValid(app);
  });

  test('seed 003: keys relative to the mount; extract and metadata fetch', async () => {
    const { platform, auth, prod } = world();
    auth.addRole('EsoRole', { roleName: 'eso' });
    const store = new SecretStore(prod, 'Backend', {
      name: 'vault-backend',
      provider: StoreProvider.vault({ server: 'http://vault.vault.svc.cluster.local:8200', path: 'secret', auth: EsoVaultAuth.kubernetes({ role: 'eso', serviceAccountName: 'eso-reader' }) }),
    });
    new ExternalSecret(prod, 'MyApp', {
      name: 'my-app-secrets',
      store,
      data: [{ secretKey: 'config', remoteKey: 'my-app/config', metadataPolicy: MetadataPolicy.FETCH }],
      dataFrom: [DataFrom.extract({ remoteKey: 'my-app/extra' })],
    });
    expect(await parseHcl(artifact(platform, 'vault/policies/eso.hcl'))).toEqual({
      path: {
        'secret/data/my-app/config': [{ capabilities: ['read'] }],
        'secret/data/my-app/extra': [{ capabilities: ['read'] }],
        'secret/metadata/my-app/config': [{ capabilities: ['read'] }],
      },
    });
    const role = JSON.parse(artifact(platform, 'vault/roles/kubernetes/eso.json'));
    // a namespaced SecretStore's serviceAccountRef lives in the store's namespace
    expect(role.bound_service_account_names).toEqual(['eso-reader']);
    expect(role.bound_service_account_namespaces).toEqual(['production']);
  });

  test('a find lists only below its path and reads what it finds; tags need metadata reads', async () => {
    const { platform, auth, prod } = world();
    auth.addRole('EsoRole', { roleName: 'eso' });
    const store = new SecretStore(prod, 'Backend', {
      provider: StoreProvider.vault({ server: 'http://vault:8200', path: 'secret', auth: EsoVaultAuth.kubernetes({ role: 'eso', serviceAccountName: 'eso' }) }),
    });
    new ExternalSecret(prod, 'Team', { store, dataFrom: [DataFrom.find({ path: 'team-a', tags: { env: 'prod' } })] });
    expect(await parseHcl(artifact(platform, 'vault/policies/eso.hcl'))).toEqual({
      path: {
        'secret/data/team-a/*': [{ capabilities: ['read'] }],
        'secret/metadata/team-a': [{ capabilities: ['list'] }],
        'secret/metadata/team-a/*': [{ capabilities: ['read', 'list'] }],
      },
    });
  });

  test('without a serviceAccountRef, ESO logs in as its controller', () => {
    const { platform, auth, prod } = world();
    auth.addRole('EsoRole', { roleName: 'eso' });
    new ExternalSecretsOperatorInstall(platform, 'Eso', { namespace: 'eso-system' });
    const store = seed001Store(platform, EsoVaultAuth.kubernetes({ role: 'eso' }));
    new ExternalSecret(prod, 'Es', { store, data: [{ secretKey: 'a', remoteKey: 'a' }] });
    const role = JSON.parse(artifact(platform, 'vault/roles/kubernetes/eso.json'));
    expect(role.bound_service_account_names).toEqual(['external-secrets']);
    expect(role.bound_service_account_namespaces).toEqual(['eso-system']);
  });

  test('a ClusterSecretStore\'s serviceAccountRef without namespace is bound in each ExternalSecret\'s namespace', () => {
    const { app, platform, auth, prod } = world();
    auth.addRole('EsoRole', { roleName: 'eso' });
    const store = seed001Store(platform, EsoVaultAuth.kubernetes({ role: 'eso', serviceAccountName: 'eso-reader' }), ['production', 'staging']);
    new ExternalSecret(prod, 'A', { store, data: [{ secretKey: 'a', remoteKey: 'a' }] });
    const staging = new Chart(app, 'staging', { namespace: 'staging' });
    new ExternalSecret(staging, 'B', { store, data: [{ secretKey: 'b', remoteKey: 'b' }] });
    const role = JSON.parse(artifact(platform, 'vault/roles/kubernetes/eso.json'));
    expect(role.bound_service_account_namespaces).toEqual(['production', 'staging']);
  });

  test('a store whose role the program does not define gets nothing derived', () => {
    const { platform, auth, prod } = world();
    auth.addRole('Other', { roleName: 'other', serviceAccounts: [{ name: 'x', namespace: 'y' }] });
    const store = seed001Store(platform, EsoVaultAuth.kubernetes({ role: 'elsewhere', serviceAccountName: 'eso' }));
    new ExternalSecret(prod, 'Es', { store, data: [{ secretKey: 'a', remoteKey: 'a' }] });
    expect(artifact(platform, 'vault/policies/other.hcl')).not.toContain('path');
    expect(() => validateTree(platform)).not.toThrow();
  });

  test('a fixed policy that does not cover an ExternalSecret\'s read fails synth', () => {
    const { platform, config, auth, prod } = world();
    const fixed = config.addPolicy('Fixed', { policyName: 'eso-fixed', derive: false, statements: [{ path: 'secret/data/production/*', capabilities: [VaultCapability.READ] }] });
    auth.addRole('EsoRole', { roleName: 'eso', policies: [fixed] });
    const store = seed001Store(platform, EsoVaultAuth.kubernetes({ role: 'eso', serviceAccountName: 'eso', serviceAccountNamespace: 'eso' }));
    new ExternalSecret(prod, 'Ok', { store, data: [{ secretKey: 'a', remoteKey: 'production/a' }] });
    expect(() => artifact(platform, 'vault/vault-config.sh')).not.toThrow();
    new ExternalSecret(prod, 'Bad', { store, data: [{ secretKey: 'b', remoteKey: 'staging/b' }] });
    expect(() => artifact(platform, 'vault/vault-config.sh')).toThrow(/\[prod\/Bad\] path: is read with capabilities \[read\] that the policies of role "eso" \("eso-fixed", fixed with derive: false\) do not grant \(got "secret\/data\/staging\/b"\)/);
    // and at synth (the configuration derives in its validation), not only when the files are written
    expect(() => validateTree(platform)).toThrow(/\[prod\/Bad\] path: is read with capabilities \[read\]/);
  });

  test('GIVEN a store whose KV version differs from the program\'s mount WHEN synthesized THEN it fails naming the store, the version and the mount', () => {
    // GIVEN: the program enables "secret" as kv-v2
    const { platform, auth, prod } = world();
    auth.addRole('EsoRole', { roleName: 'eso' });
    // WHEN: the store reads it as kv v1 (ESO would read secret/<key> instead of secret/data/<key>)
    const store = new ClusterSecretStore(platform, 'V1Store', {
      name: 'vault-v1',
      provider: StoreProvider.vault({ server: 'https://vault.example.com', path: 'secret', version: EsoVaultKvVersion.V1, auth: EsoVaultAuth.kubernetes({ role: 'eso', serviceAccountName: 'eso', serviceAccountNamespace: 'eso' }) }),
    });
    new ExternalSecret(prod, 'Es', { store, data: [{ secretKey: 'a', remoteKey: 'production/a' }] });
    // THEN
    const message = /\[platform\/V1Store\] provider\.vault\.version: does not match mount "secret", which the program enables as kv-v2 \(platform\/Vault\/Secret\) \(got "v1"\)\. Fix: set version: EsoVaultKvVersion\.V2/;
    expect(() => validateTree(platform)).toThrow(message);
    expect(() => artifact(platform, 'vault/vault-config.sh')).toThrow(message);
  });

  test('GIVEN a role that requires an audience WHEN the store does not request it THEN synth fails; with it, the role is derived', async () => {
    // GIVEN
    const { platform, auth, prod } = world();
    auth.addRole('EsoRole', { roleName: 'eso', audience: 'vault' });
    // WHEN: no audiences on the serviceAccountRef
    const bad = new ClusterSecretStore(platform, 'NoAud', {
      name: 'vault-no-aud',
      provider: StoreProvider.vault({ server: 'https://vault.example.com', path: 'secret', auth: EsoVaultAuth.kubernetes({ role: 'eso', serviceAccountName: 'eso', serviceAccountNamespace: 'eso' }) }),
    });
    new ExternalSecret(prod, 'Es', { store: bad, data: [{ secretKey: 'a', remoteKey: 'production/a' }] });
    // THEN
    expect(() => validateTree(platform)).toThrow(/\[platform\/NoAud\] provider\.vault\.auth\.kubernetes\.audiences: does not include "vault", the audience role "eso" requires, so Vault would reject every login of ESO \(got \[\]\)\. Fix: set `serviceAccountName`, and `audiences` to a list holding "vault"/);
  });

  test('GIVEN a role that requires an audience WHEN the store requests it THEN the role binds the ServiceAccount with its audience', async () => {
    const { platform, auth, prod } = world();
    auth.addRole('EsoRole', { roleName: 'eso', audience: 'vault' });
    const store = new ClusterSecretStore(platform, 'Aud', {
      name: 'vault-aud',
      provider: StoreProvider.vault({ server: 'https://vault.example.com', path: 'secret', auth: EsoVaultAuth.kubernetes({ role: 'eso', serviceAccountName: 'eso', serviceAccountNamespace: 'eso', audiences: ['vault'] }) }),
    });
    new ExternalSecret(prod, 'Es', { store, data: [{ secretKey: 'a', remoteKey: 'production/a' }] });
    expect(() => validateTree(platform)).not.toThrow();
    expect(JSON.parse(artifact(platform, 'vault/roles/kubernetes/eso.json'))).toEqual({
      bound_service_account_names: ['eso'],
      bound_service_account_namespaces: ['eso'],
      audience: 'vault',
      token_policies: ['eso'],
    });
    expect(await parseHcl(artifact(platform, 'vault/policies/eso.hcl'))).toEqual({ path: { 'secret/data/production/a': [{ capabilities: ['read'] }] } });
    expectValid(platform);
  });

  test('GIVEN a role that requires an audience WHEN ESO logs in with its own token THEN synth fails', () => {
    const { platform, auth, prod } = world();
    auth.addRole('EsoRole', { roleName: 'eso', audience: 'vault' });
    const store = new ClusterSecretStore(platform, 'Own', {
      name: 'vault-own',
      provider: StoreProvider.vault({ server: 'https://vault.example.com', path: 'secret', auth: EsoVaultAuth.kubernetes({ role: 'eso' }) }),
    });
    new ExternalSecret(prod, 'Es', { store, data: [{ secretKey: 'a', remoteKey: 'production/a' }] });
    expect(() => validateTree(platform)).toThrow(/without serviceAccountName ESO logs in with its own token/);
  });

  test('GIVEN a PushSecret through a Vault SecretStore WHEN derived THEN the policy grants the data and metadata paths, with delete when it deletes', async () => {
    // GIVEN
    const { platform, auth, prod } = world();
    auth.addRole('PushRole', { roleName: 'pusher' });
    const store = new SecretStore(prod, 'Store', {
      name: 'vault-push',
      provider: StoreProvider.vault({ server: 'https://vault.example.com', path: 'secret', auth: EsoVaultAuth.kubernetes({ role: 'pusher', serviceAccountName: 'pusher' }) }),
    });
    // WHEN
    new PushSecret(prod, 'Push', {
      name: 'push-db',
      store,
      sourceSecretName: 'db-generated',
      data: [{ secretKey: 'password', remoteKey: 'production/generated', property: 'password' }],
      deletionPolicy: PushSecretDeletionPolicy.DELETE,
    });
    // THEN
    expect(await parseHcl(artifact(platform, 'vault/policies/pusher.hcl'))).toEqual({
      path: {
        'secret/data/production/generated': [{ capabilities: ['create', 'read', 'update', 'delete'] }],
        'secret/metadata/production/generated': [{ capabilities: ['create', 'read', 'update', 'delete'] }],
      },
    });
    expect(JSON.parse(artifact(platform, 'vault/roles/kubernetes/pusher.json')).bound_service_account_namespaces).toEqual(['production']);
    expectValid(prod);
  });

  test('GIVEN a store on a mount the program does not enable WHEN synthesized THEN its version is not checked', () => {
    const { platform, prod } = world();
    const store = new ClusterSecretStore(platform, 'Elsewhere', {
      name: 'vault-legacy',
      provider: StoreProvider.vault({ server: 'https://vault.example.com', path: 'legacy', version: EsoVaultKvVersion.V1, auth: EsoVaultAuth.kubernetes({ role: 'eso' }) }),
    });
    new ExternalSecret(prod, 'Es', { store, data: [{ secretKey: 'a', remoteKey: 'a' }] });
    expect(() => validateTree(platform)).not.toThrow();
  });
});

describe('esoKvPath (ESO\'s path building)', () => {
  test.each([
    ['production/database', 'data', 'secret/data/production/database'],
    ['secret/production/database', 'data', 'secret/data/production/database'],
    ['secret/data/production/database', 'data', 'secret/data/production/database'],
    ['/production/database/', 'metadata', 'secret/metadata/production/database'],
  ])('kv-v2 key %s (%s) -> %s', (key, kind, expected) => {
    expect(esoKvPath('secret', EsoVaultKvVersion.V2, key, kind as any)).toBe(expected);
  });

  test('kv-v1 keys have no data/ segment', () => {
    expect(esoKvPath('legacy', EsoVaultKvVersion.V1, 'legacy/app', 'data')).toBe('legacy/app');
    expect(esoKvPath('legacy', EsoVaultKvVersion.V1, 'app', 'data')).toBe('legacy/app');
  });

  test('writes (PushSecret) are covered by the access model', () => {
    // kv-v2: ESO reads and writes the data, reads and writes the "managed-by" custom metadata, and on
    // deletion deletes both (ESO's vault provider PushSecret / DeleteSecret).
    expect(esoAccess('secret', EsoVaultKvVersion.V2, { operation: RemoteRefOperation.WRITE, key: 'pushed/x', deleteOnRemoval: true, consumer: 'c', consumerKind: 'PushSecret', consumerName: 'c', storeName: 's', storeKind: 'SecretStore' })).toEqual([
      { path: 'secret/data/pushed/x', capabilities: ['create', 'read', 'update', 'delete'] },
      { path: 'secret/metadata/pushed/x', capabilities: ['create', 'read', 'update', 'delete'] },
    ]);
    expect(esoAccess('secret', EsoVaultKvVersion.V2, { operation: RemoteRefOperation.WRITE, key: 'pushed/y', consumer: 'c', consumerKind: 'PushSecret', consumerName: 'c', storeName: 's', storeKind: 'SecretStore' })).toEqual([
      { path: 'secret/data/pushed/y', capabilities: ['create', 'read', 'update'] },
      { path: 'secret/metadata/pushed/y', capabilities: ['create', 'read', 'update'] },
    ]);
    // kv-v1: the marker lives in the secret itself; no metadata path
    expect(esoAccess('legacy', EsoVaultKvVersion.V1, { operation: RemoteRefOperation.WRITE, key: 'pushed/z', deleteOnRemoval: true, consumer: 'c', consumerKind: 'PushSecret', consumerName: 'c', storeName: 's', storeKind: 'SecretStore' })).toEqual([
      { path: 'legacy/pushed/z', capabilities: ['create', 'read', 'update', 'delete'] },
    ]);
  });
});
