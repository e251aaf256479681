// The Vault part of `npm run example`: every manifest passes the harness, every generated policy parses
// as HCL, and the derived policies and roles of the seed scenarios are exactly these.
import { App } from 'cdk8s';
import { artifacts, parseHcl } from './util';
import { exampleContext } from '../../examples/context';
import { build as buildEso } from '../../examples/eso';
import { build } from '../../examples/vault';
import { expectValid } from '../harness';

/** The Vault part, after the ESO part (as examples/main.ts runs them): the ESO part defines the Vault store. */
function example(options: { withEso?: boolean } = {}): App {
  const ctx = exampleContext();
  if (options.withEso ?? true) buildEso(ctx);
  build(ctx);
  return ctx.k8sApp;
}

function vaultChart(app: App) {
  return app.charts.find((c) => c.node.id === 'vault-installs')!;
}

describe('examples/vault.ts', () => {
  test('every manifest passes the harness and every construct validation', () => {
    const app = example();
    expectValid(app);
    for (const c of app.node.findAll()) expect(c.node.validate()).toEqual([]);
  });

  test('without the ESO part, the ESO role keeps its binding and its policy grants nothing', async () => {
    const app = example({ withEso: false });
    expectValid(app);
    const files = artifacts(vaultChart(app));
    expect(await parseHcl(files.get('vault/policies/external-secrets.hcl')!.content)).toEqual({});
    expect(JSON.parse(files.get('vault/roles/kubernetes/external-secrets.json')!.content).bound_service_account_names).toEqual(['external-secrets']);
  });

  test('it writes these Vault files', () => {
    expect([...artifacts(vaultChart(example())).keys()].sort()).toEqual([
      'vault/policies/app.hcl',
      'vault/policies/external-secrets.hcl',
      'vault/policies/kv-secrets-policy.hcl',
      'vault/policies/my-app-role.hcl',
      'vault/roles/kubernetes-auth/vault-k8s-role.json',
      'vault/roles/kubernetes/app.json',
      'vault/roles/kubernetes/external-secrets.json',
      'vault/roles/kubernetes/my-app-role.json',
      'vault/vault-config.sh',
    ]);
  });

  test('every policy parses with HashiCorp\'s HCL parser, to exactly the seeds\' paths', async () => {
    const files = artifacts(vaultChart(example()));
    const parsed: { [name: string]: any } = {};
    for (const [name, file] of files) {
      if (name.endsWith('.hcl')) parsed[name] = await parseHcl(file.content, name);
    }
    expect(parsed).toEqual({
      // seed 000
      'vault/policies/kv-secrets-policy.hcl': { path: { 'kv-secrets/data/postgres/config': [{ capabilities: ['read'] }] } },
      // seed 001
      'vault/policies/app.hcl': { path: { 'secret/data/production/database': [{ capabilities: ['read'] }] } },
      // seed 001 (ESO through the ClusterSecretStore "vault")
      'vault/policies/external-secrets.hcl': {
        path: {
          'secret/data/production/api': [{ capabilities: ['read'] }],
          'secret/data/production/database': [{ capabilities: ['read'] }],
        },
      },
      // seeds 003/004
      'vault/policies/my-app-role.hcl': {
        path: {
          'database/creds/my-role': [{ capabilities: ['read'] }],
          'secret/data/my-app/config': [{ capabilities: ['read'] }],
        },
      },
    });
  });

  test('the roles are exactly the seeds\'', () => {
    const files = artifacts(vaultChart(example()));
    const role = (f: string) => JSON.parse(files.get(f)!.content);
    expect(role('vault/roles/kubernetes-auth/vault-k8s-role.json')).toEqual({
      bound_service_account_names: ['vault-sa'],
      bound_service_account_namespaces: ['secrets-demo'],
      audience: 'vault',
      token_policies: ['kv-secrets-policy'],
      token_ttl: '24h',
    });
    expect(role('vault/roles/kubernetes/app.json')).toEqual({
      bound_service_account_names: ['app'],
      bound_service_account_namespaces: ['production'],
      token_policies: ['app'],
      token_ttl: '1h',
    });
    expect(role('vault/roles/kubernetes/external-secrets.json')).toEqual({
      bound_service_account_names: ['external-secrets'],
      bound_service_account_namespaces: ['external-secrets'],
      token_policies: ['external-secrets'],
      token_ttl: '1h',
    });
    expect(role('vault/roles/kubernetes/my-app-role.json')).toEqual({
      bound_service_account_names: ['my-app'],
      bound_service_account_namespaces: ['production'],
      token_policies: ['my-app-role'],
      token_ttl: '1h',
    });
  });

  test('the injector annotations sit on the pod templates only', () => {
    const deployments = example().charts.filter((c) => c.node.id.startsWith('vault-'))
      .flatMap((c) => c.toJson()).filter((o: any) => o.kind === 'Deployment');
    expect(deployments.map((d: any) => d.metadata.name).sort()).toEqual(['app', 'my-app']);
    for (const d of deployments) {
      expect(Object.keys(d.metadata.annotations ?? {}).filter((k) => k.startsWith('vault.hashicorp.com/'))).toEqual([]);
      expect(d.spec.template.metadata.annotations['vault.hashicorp.com/agent-inject']).toBe('true');
    }
    const myApp = deployments.find((d: any) => d.metadata.name === 'my-app');
    expect(myApp.spec.template.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('update');
  });
});
