import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import YAML from 'yaml';
import { Charts, InstallDelivery, VaultConfiguration, VaultInstall, VaultSecretsOperatorInstall } from '../../src';
import { expectValid, upstreamPath } from '../harness';

function chartValues(dir: string): any {
  return YAML.parse(fs.readFileSync(upstreamPath('chart-values', dir, 'values.yaml'), 'utf8'));
}

/** Every key path of `values` exists in the chart's own values.yaml (no typo reaches the chart). */
function expectKnownKeys(values: any, defaults: any, at = ''): void {
  for (const [k, v] of Object.entries(values)) {
    const here = at ? `${at}.${k}` : k;
    if (defaults === null || typeof defaults !== 'object' || !(k in defaults)) {
      throw new Error(`unknown chart value ${here}`);
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && defaults[k] !== null && typeof defaults[k] === 'object' && Object.keys(defaults[k]).length > 0) {
      expectKnownKeys(v, defaults[k], here);
    }
  }
}

function apps(chart: Chart): any[] {
  return Testing.synth(chart).filter((o: any) => o.kind === 'Application');
}

describe('VaultInstall', () => {
  test('defaults: server on, dev mode off, UI off, injector on; pinned chart', () => {
    const chart = new Chart(Testing.app(), 'c');
    const vault = new VaultInstall(chart, 'Vault');
    const [app] = apps(chart);
    expect(app.spec.source).toMatchObject({ chart: 'vault', repoURL: Charts.VAULT.repository, targetRevision: '0.34.1' });
    expect(app.spec.destination.namespace).toBe('vault');
    expect(app.spec.source.helm.valuesObject).toEqual({
      server: { enabled: true, dev: { enabled: false } },
      ui: { enabled: false },
      injector: { enabled: true },
    });
    expect(vault.address).toBe('http://vault.vault.svc.cluster.local:8200');
    expectKnownKeys(vault.helmInstall.helmValues, chartValues('vault-0.34.1'));
    expectValid(chart);
  });

  test('seed 001: injector only, for an external Vault; the injector\'s default auth path follows the program', () => {
    const chart = new Chart(Testing.app(), 'c');
    const config = new VaultConfiguration(chart, 'Config');
    const auth = config.addKubernetesAuth('K8s', { path: 'kubernetes-auth' });
    const vault = new VaultInstall(chart, 'Vault', {
      server: false,
      externalVaultAddress: 'https://vault.example.com:8200',
      injectorAuth: auth,
      releaseName: 'agent',
      namespace: 'vault-injector',
    });
    expect(vault.helmInstall.helmValues).toEqual({
      server: { enabled: false, dev: { enabled: false } },
      ui: { enabled: false },
      injector: { enabled: true, authPath: 'auth/kubernetes-auth' },
      global: { externalVaultAddr: 'https://vault.example.com:8200' },
    });
    expect(vault.address).toBe('https://vault.example.com:8200');
    expectKnownKeys(vault.helmInstall.helmValues, chartValues('vault-0.34.1'));
  });

  test('the service name follows the chart\'s fullname rule', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(new VaultInstall(chart, 'A', { releaseName: 'secrets', namespace: 'sec' }).address).toBe('http://secrets-vault.sec.svc.cluster.local:8200');
    expect(new VaultInstall(chart, 'B', { releaseName: 'my-vault', namespace: 'sec' }).address).toBe('http://my-vault.sec.svc.cluster.local:8200');
  });

  test('Flux delivery', () => {
    const chart = new Chart(Testing.app(), 'c');
    new VaultInstall(chart, 'Vault', { delivery: InstallDelivery.fluxHelmRelease(), devMode: true });
    const release = Testing.synth(chart).find((o: any) => o.kind === 'HelmRelease');
    expect(release.spec.chart.spec).toMatchObject({ chart: 'vault', version: '0.34.1' });
    expect(release.spec.values.server.dev.enabled).toBe(true);
    expectValid(chart);
  });

  test('extra values merge over the derived ones; typed keys are refused', () => {
    const chart = new Chart(Testing.app(), 'c');
    const vault = new VaultInstall(chart, 'Vault', { values: { server: { ha: { enabled: true, replicas: 3 } }, injector: { replicas: 2 } } });
    expect(vault.helmInstall.helmValues).toEqual({
      server: { enabled: true, dev: { enabled: false }, ha: { enabled: true, replicas: 3 } },
      ui: { enabled: false },
      injector: { enabled: true, replicas: 2 },
    });
    expectKnownKeys(vault.helmInstall.helmValues, chartValues('vault-0.34.1'));
    expect(() => new VaultInstall(chart, 'B', { values: { server: { dev: { enabled: true } } } })).toThrow(/values.server.dev.enabled: is set by a typed prop of this construct \(got true\)/);
    expect(() => new VaultSecretsOperatorInstall(chart, 'C', { values: { defaultVaultConnection: { enabled: true } } })).toThrow(/values.defaultVaultConnection: is set by a typed prop/);
    const vso = new VaultSecretsOperatorInstall(chart, 'D', { values: { controller: { manager: { logging: { level: 'debug' } } } } });
    expect(vso.helmInstall.helmValues).toEqual({ controller: { replicas: 1, manager: { logging: { level: 'debug' } } } });
    expectKnownKeys(vso.helmInstall.helmValues, chartValues('vault-secrets-operator-1.4.1'));
  });

  test('errors', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new VaultInstall(chart, 'A', { server: false, injector: false })).toThrow(/server: and injector are both false/);
    expect(() => new VaultInstall(chart, 'B', { server: false, devMode: true, externalVaultAddress: 'https://v' })).toThrow(/devMode: needs the server/);
    expect(() => new VaultInstall(chart, 'C', { server: false })).toThrow(/externalVaultAddress: is required when server is false/);
    expect(() => new VaultInstall(chart, 'D', { externalVaultAddress: 'https://v' })).toThrow(/externalVaultAddress: disables the in-cluster server/);
    expect(() => new VaultInstall(chart, 'E', { server: false, externalVaultAddress: 'vault' })).toThrow(/externalVaultAddress: must be an http or https URL/);
    expect(() => new VaultInstall(chart, 'F', { namespace: 'Vault' })).toThrow(/namespace: must be a DNS-1123 label/);
  });
});

describe('VaultSecretsOperatorInstall', () => {
  test('seed 000: the default VaultConnection from chart values', () => {
    const chart = new Chart(Testing.app(), 'c');
    const vault = new VaultInstall(chart, 'Vault', { devMode: true, ui: true, injector: false });
    const vso = new VaultSecretsOperatorInstall(chart, 'Vso', {
      namespace: 'kube-system',
      defaultConnection: { address: vault.address, caCertSecret: 'vault-ca', tlsServerName: 'vault', headers: { 'X-A': 'b' } },
      replicas: 2,
    });
    expect(vso.helmInstall.helmValues).toEqual({
      controller: { replicas: 2 },
      defaultVaultConnection: {
        enabled: true,
        address: 'http://vault.vault.svc.cluster.local:8200',
        skipTLSVerify: false,
        caCertSecret: 'vault-ca',
        tlsServerName: 'vault',
        headers: { 'X-A': 'b' },
      },
    });
    const app = apps(chart).find((a) => a.spec.source.chart === 'vault-secrets-operator');
    expect(app.spec.source.targetRevision).toBe('1.4.1');
    expect(app.spec.destination.namespace).toBe('kube-system');
    expectKnownKeys(vso.helmInstall.helmValues, chartValues('vault-secrets-operator-1.4.1'));
    expectValid(chart);
  });

  test('without a default connection only the replicas are set', () => {
    const chart = new Chart(Testing.app(), 'c');
    const vso = new VaultSecretsOperatorInstall(chart, 'Vso');
    expect(vso.namespace).toBe('vault-secrets-operator-system');
    expect(vso.helmInstall.helmValues).toEqual({ controller: { replicas: 1 } });
  });

  test('errors', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new VaultSecretsOperatorInstall(chart, 'A', { defaultConnection: { address: 'vault:8200' } })).toThrow(/defaultConnection.address: must be an http or https URL/);
    expect(() => new VaultSecretsOperatorInstall(chart, 'B', { replicas: 0 })).toThrow(/replicas: must be a whole number, at least 1/);
  });
});
