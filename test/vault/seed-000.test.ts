// Seed 000 (Vault + Vault Secrets Operator), reproduced in code: the derived policy, role and script must
// match the seed's vault-config.sh (with the fewest capabilities: the seed's extra "list" is not needed).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { artifact, artifacts, objectsOf, parseHcl } from './util';
import {
  SecretProducerKind,
  VaultAuth,
  VaultAuthMethod,
  VaultConfiguration,
  VaultSecretsOperatorInstall,
  VaultStaticSecret,
  VaultInstall,
} from '../../src';
import { expectValid } from '../harness';

function seed000() {
  const app = Testing.app();
  const installs = new Chart(app, 'installs');
  const vault = new VaultInstall(installs, 'Vault', { devMode: true, ui: true, injector: false });
  new VaultSecretsOperatorInstall(installs, 'Operator', { namespace: 'kube-system', defaultConnection: { address: vault.address } });
  const config = new VaultConfiguration(installs, 'VaultConfig');
  const kv = config.addKvMount('Kv', { path: 'kv-secrets' });
  const k8s = config.addKubernetesAuth('K8s', { path: 'kubernetes-auth' });
  const policy = config.addPolicy('Policy', { policyName: 'kv-secrets-policy' });
  const role = k8s.addRole('Role', { roleName: 'vault-k8s-role', audience: 'vault', ttl: Duration.hours(24), policies: [policy] });

  const demo = new Chart(app, 'demo', { namespace: 'secrets-demo' });
  new kplus.ServiceAccount(demo, 'Sa', { metadata: { name: 'vault-sa' } });
  const auth = new VaultAuth(demo, 'Auth', { name: 'vault-auth', method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'vault-sa' }) });
  const secret = new VaultStaticSecret(demo, 'Pg', {
    name: 'vault-postgres-secret',
    vaultAuth: auth,
    mount: kv,
    path: 'postgres/config',
    refreshAfter: Duration.seconds(30),
    destination: { name: 'vault-postgres-secret', create: true },
  });
  return { app, installs, demo, config, policy, role, secret, vault };
}

describe('seed 000: Vault Secrets Operator with kv-v2 and Kubernetes auth', () => {
  test('the VaultAuth is the seed\'s, with the role\'s audience derived', () => {
    // GIVEN / WHEN
    const { demo } = seed000();
    // THEN
    const [auth] = objectsOf(demo, 'VaultAuth');
    expect(auth).toEqual({
      apiVersion: 'secrets.hashicorp.com/v1beta1',
      kind: 'VaultAuth',
      metadata: { name: 'vault-auth', namespace: 'secrets-demo' },
      spec: {
        method: 'kubernetes',
        mount: 'kubernetes-auth',
        kubernetes: { role: 'vault-k8s-role', serviceAccount: 'vault-sa', audiences: ['vault'], tokenExpirationSeconds: 600 },
      },
    });
  });

  test('the VaultStaticSecret is the seed\'s, with explicit defaults', () => {
    const { demo } = seed000();
    const [vss] = objectsOf(demo, 'VaultStaticSecret');
    expect(vss).toEqual({
      apiVersion: 'secrets.hashicorp.com/v1beta1',
      kind: 'VaultStaticSecret',
      metadata: { name: 'vault-postgres-secret', namespace: 'secrets-demo' },
      spec: {
        type: 'kv-v2',
        mount: 'kv-secrets',
        path: 'postgres/config',
        refreshAfter: '30s',
        hmacSecretData: true,
        vaultAuthRef: 'vault-auth',
        destination: { name: 'vault-postgres-secret', create: true, overwrite: false },
      },
    });
  });

  test('the manifests pass the VSO CRDs and Kubernetes schemas', () => {
    const { app } = seed000();
    expectValid(app);
  });

  test('the operator install carries the default VaultConnection (seed values file)', () => {
    const { installs } = seed000();
    const apps = objectsOf(installs, 'Application');
    const vso = apps.find((a) => a.spec.source.chart === 'vault-secrets-operator');
    expect(vso.spec.destination.namespace).toBe('kube-system');
    expect(vso.spec.source.helm.valuesObject.defaultVaultConnection).toEqual({
      enabled: true,
      address: 'http://vault.vault.svc.cluster.local:8200',
      skipTLSVerify: false,
    });
    const server = apps.find((a) => a.spec.source.chart === 'vault');
    expect(server.spec.source.helm.valuesObject).toEqual({
      server: { enabled: true, dev: { enabled: true } },
      ui: { enabled: true },
      injector: { enabled: false },
    });
  });

  test('the policy grants exactly read on kv-secrets/data/postgres/config (parsed as HCL)', async () => {
    const { app } = seed000();
    const hcl = artifact(app.charts[0], 'vault/policies/kv-secrets-policy.hcl');
    expect(await parseHcl(hcl)).toEqual({
      path: { 'kv-secrets/data/postgres/config': [{ capabilities: ['read'] }] },
    });
  });

  test('the role binds the VaultAuth\'s ServiceAccount in the secret\'s namespace', () => {
    const { app } = seed000();
    const role = JSON.parse(artifact(app.charts[0], 'vault/roles/kubernetes-auth/vault-k8s-role.json'));
    expect(role).toEqual({
      bound_service_account_names: ['vault-sa'],
      bound_service_account_namespaces: ['secrets-demo'],
      audience: 'vault',
      token_policies: ['kv-secrets-policy'],
      token_ttl: '24h',
    });
  });

  test('the script enables the mount and auth method, configures it, writes the policy and the role', () => {
    const { app } = seed000();
    const files = artifacts(app.charts[0]);
    expect([...files.keys()].sort()).toEqual([
      'vault/policies/kv-secrets-policy.hcl',
      'vault/roles/kubernetes-auth/vault-k8s-role.json',
      'vault/vault-config.sh',
    ]);
    const script = files.get('vault/vault-config.sh')!;
    expect(script.executable).toBe(true);
    const lines = script.content.split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    expect(lines).toContain('set -eu');
    expect(lines).toContain('  vault secrets enable -path=kv-secrets kv-v2');
    expect(lines).toContain('  vault auth enable -path=kubernetes-auth kubernetes');
    expect(lines).toContain('vault write auth/kubernetes-auth/config kubernetes_host="https://$KUBERNETES_PORT_443_TCP_ADDR:443"');
    expect(lines).toContain('vault policy write kv-secrets-policy - <<\'CDK8S_SECRETS_EOF\'');
    expect(lines).toContain('vault write auth/kubernetes-auth/role/vault-k8s-role - <<\'CDK8S_SECRETS_EOF\'');
    // steps in the seed's order: mount, auth, policy, role
    const idx = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(idx('secrets enable')).toBeLessThan(idx('auth enable'));
    expect(idx('auth enable')).toBeLessThan(idx('policy write'));
    expect(idx('policy write')).toBeLessThan(idx('/role/vault-k8s-role'));
    // no secret values: the seed's `vault kv put` is left to the operator of the script
    expect(lines.filter((l) => /^\s*vault kv /.test(l))).toEqual([]);
    expect(script.content).not.toMatch(/password|S3cr3t/);
  });

  test('the script is valid POSIX sh (sh -n)', () => {
    const { app } = seed000();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-sh-'));
    const file = path.join(dir, 'vault-config.sh');
    fs.writeFileSync(file, artifact(app.charts[0], 'vault/vault-config.sh'));
    expect(() => execFileSync('sh', ['-n', file])).not.toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the policy embedded in the script is the same HCL as the file', async () => {
    const { app } = seed000();
    const script = artifact(app.charts[0], 'vault/vault-config.sh');
    const embedded = script.split('vault policy write kv-secrets-policy - <<\'CDK8S_SECRETS_EOF\'\n')[1].split('\nCDK8S_SECRETS_EOF')[0];
    expect(await parseHcl(embedded)).toEqual(await parseHcl(artifact(app.charts[0], 'vault/policies/kv-secrets-policy.hcl')));
    const roleJson = script.split('vault write auth/kubernetes-auth/role/vault-k8s-role - <<\'CDK8S_SECRETS_EOF\'\n')[1].split('\nCDK8S_SECRETS_EOF')[0];
    expect(JSON.parse(roleJson)).toEqual(JSON.parse(artifact(app.charts[0], 'vault/roles/kubernetes-auth/vault-k8s-role.json')));
  });

  test('the VaultStaticSecret is an IProducedSecret from VSO and records rollout restart targets', () => {
    const { demo, secret } = seed000();
    expect(secret.secretName).toBe('vault-postgres-secret');
    expect(secret.secretNamespace).toBe('secrets-demo');
    expect(secret.producerKind).toBe(SecretProducerKind.VAULT_SECRETS_OPERATOR);
    expect(secret.secretKeys).toEqual([]);
    expect(secret.addRolloutRestartTarget({ kind: 'Deployment', name: 'postgres-client' })).toBe(true);
    expect(secret.addRolloutRestartTarget({ kind: 'Deployment', name: 'postgres-client' })).toBe(true);
    const [vss] = objectsOf(demo, 'VaultStaticSecret');
    expect(vss.spec.rolloutRestartTargets).toEqual([{ kind: 'Deployment', name: 'postgres-client' }]);
    expectValid(demo);
  });

  test('output is deterministic', () => {
    const a = seed000();
    const b = seed000();
    expect(Testing.synth(a.demo)).toEqual(Testing.synth(b.demo));
    expect(artifact(a.app.charts[0], 'vault/vault-config.sh')).toBe(artifact(b.app.charts[0], 'vault/vault-config.sh'));
  });
});
