// The seed 002 sample of docs/eso.md ("ESO as a service"), run as written (the import points at the source tree).
// The README's first code block is the same program (asserted below).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { validateYamlFiles } from '../harness';

const MD = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'eso.md'), 'utf8');
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

function seed002Sample(): string {
  const section = MD.slice(MD.indexOf('## Seed 002'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('docs/eso.md has no seed 002 sample');
  return m[1];
}

describe('docs/eso.md', () => {
  let cwd: string;
  let dir: string;
  beforeEach(() => {
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eso-docs-'));
    process.chdir(dir);
    // Run as plain ts-node would: neither CLI's variable is set.
    delete process.env.CDK_OUTDIR;
    delete process.env.CDK8S_OUTDIR;
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('GIVEN the seed 002 sample WHEN it runs THEN the manifests are valid and the template has the IRSA trust and the read-only policy', () => {
    // GIVEN
    const src = path.join(__dirname, '..', '..', 'src');
    const code = seed002Sample().replace(/'cdk8s-secrets'/g, JSON.stringify(src));
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    // WHEN
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'exports', js)(require, {});
    // THEN: Kubernetes side
    expect(fs.readdirSync('dist')).toEqual(['eso-platform']);
    const yamls = fs.readdirSync('dist/eso-platform').filter((f) => f.endsWith('.k8s.yaml')).map((f) => path.join('dist/eso-platform', f));
    expect(yamls).toHaveLength(2);
    expect(validateYamlFiles(yamls)).toEqual([]);
    const text = yamls.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(text).not.toContain('${Token[');
    expect(text).toContain('eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/demo-example-ServiceAccountRole');
    // THEN: AWS side
    const template = JSON.parse(fs.readFileSync(path.join('cdk.out', 'eso-platform.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as any[];
    const role = resources.find((r) => r.Type === 'AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe('demo-example-ServiceAccountRole');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}` },
      Condition: { StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: 'system:serviceaccount:example:example-eso' } },
    }]);
    const policy = resources.find((r) => r.Type === 'AWS::IAM::Policy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Action: 'secretsmanager:GetSecretValue',
      Effect: 'Allow',
      Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:example-??????',
    }]);
    expect(resources.find((r) => r.Type === 'AWS::SecretsManager::Secret').Properties.Name).toBe('example');
  });

  test('GIVEN the README WHEN its first code block is read THEN it is this sample', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const first = /```ts[^\n]*\n([\s\S]*?)```/.exec(readme)![1];
    expect(first).toBe(seed002Sample());
  });
});
