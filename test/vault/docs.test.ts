// The seed 000 sample of docs/vault.md, run as written (the import points at the source tree).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseHcl } from './util';
import { validateYamlFiles } from '../harness';

function samples(): string[] {
  const md = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'vault.md'), 'utf8');
  return [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('docs/vault.md', () => {
  let cwd: string;
  let dir: string;
  beforeEach(() => {
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-docs-'));
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('GIVEN the seed 000 sample WHEN it runs THEN it writes valid manifests, the seed policy and role, and the script', async () => {
    const src = path.join(__dirname, '..', '..', 'src');
    const code = samples()[0].replace(/'cdk8s-secrets'/g, JSON.stringify(src));
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'exports', js)(require, {});

    const out = path.join('dist', 'vault-demo');
    const yamls = fs.readdirSync(out).filter((f) => f.endsWith('.k8s.yaml')).map((f) => path.join(out, f));
    expect(yamls.length).toBe(2);
    expect(validateYamlFiles(yamls)).toEqual([]);
    expect(await parseHcl(fs.readFileSync('dist/vault-demo/vault/policies/kv-secrets-policy.hcl', 'utf8'))).toEqual({
      path: { 'kv-secrets/data/postgres/config': [{ capabilities: ['read'] }] },
    });
    expect(JSON.parse(fs.readFileSync('dist/vault-demo/vault/roles/kubernetes-auth/vault-k8s-role.json', 'utf8'))).toEqual({
      bound_service_account_names: ['vault-sa'],
      bound_service_account_namespaces: ['secrets-demo'],
      audience: 'vault',
      token_policies: ['kv-secrets-policy'],
      token_ttl: '24h',
    });
    expect(() => fs.accessSync('dist/vault-demo/vault/vault-config.sh', fs.constants.X_OK)).not.toThrow();
  });

  test('the documented HCL and role JSON are what the sample derives', () => {
    const md = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'vault.md'), 'utf8');
    expect(md).toContain('path "kv-secrets/data/postgres/config" {\n  capabilities = ["read"]\n}');
    expect(md).toContain('"bound_service_account_names": ["vault-sa"]');
  });
});
