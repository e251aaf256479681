// The Vault part of `npm run example`: every manifest passes the harness, every generated policy parses
// as HCL, and the derived policies and roles of the seed scenarios are exactly these.
import * as cdk from 'aws-cdk-lib';
import { App, Testing } from 'cdk8s';
import { artifacts, parseHcl } from './util';
import { build } from '../../examples/vault';
import { expectValid, upstreamDir } from '../harness';

function example(): App {
  const k8sApp = Testing.app();
  build({ k8sApp, awsApp: new cdk.App(), env: { account: '111122223333', region: 'eu-west-1' }, upstream: upstreamDir() });
  return k8sApp;
}

describe('examples/vault.ts', () => {
  test('every manifest passes the harness and every construct validation', () => {
    const app = example();
    expectValid(app);
    for (const c of app.node.findAll()) expect(c.node.validate()).toEqual([]);
  });

  test('it writes these Vault files', () => {
    expect([...artifacts(example().charts[0]).keys()].sort()).toEqual([
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
    const files = artifacts(example().charts[0]);
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
    const files = artifacts(example().charts[0]);
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
    const deployments = example().charts.flatMap((c) => c.toJson()).filter((o: any) => o.kind === 'Deployment');
    expect(deployments.map((d: any) => d.metadata.name).sort()).toEqual(['app', 'my-app']);
    for (const d of deployments) {
      expect(Object.keys(d.metadata.annotations ?? {}).filter((k) => k.startsWith('vault.hashicorp.com/'))).toEqual([]);
      expect(d.spec.template.metadata.annotations['vault.hashicorp.com/agent-inject']).toBe('true');
    }
    const myApp = deployments.find((d: any) => d.metadata.name === 'my-app');
    expect(myApp.spec.template.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('update');
  });
});
