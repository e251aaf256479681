import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { SecretsApp, SecretsAppProps, SynthMode } from '../../src';

/** What one synth wrote: every manifest object, the other files by path, and every template by stack name. */
export interface SynthOutput {
  readonly dir: string;
  readonly objects: any[];
  readonly files: Map<string, string>;
  readonly templates: Map<string, any>;
  /** The posture findings of the synth (warnings; errors fail it), as `<ruleId>: <message>`. */
  readonly findings: string[];
}

/** A SecretsApp that writes both worlds into a fresh temporary folder. */
export function tempApp(prefix: string, props: SecretsAppProps = {}): SecretsApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return new SecretsApp({
    outdir: path.join(dir, 'dist'),
    cloudAssemblyOutdir: path.join(dir, 'cdk.out'),
    mode: SynthMode.ALL,
    printWarnings: false,
    awsAppProps: { analyticsReporting: false },
    ...props,
  });
}

/** Synthesizes the app and reads back what it wrote. */
export function synthAndRead(app: SecretsApp): SynthOutput {
  const result = app.synth();
  const files = new Map<string, string>();
  const objects: any[] = [];
  for (const f of result.files) {
    const text = fs.readFileSync(path.join(app.outdir, f), 'utf8');
    if (f.endsWith('.k8s.yaml')) {
      objects.push(...YAML.parseAllDocuments(text).map((d) => d.toJSON()).filter((o) => o));
    } else {
      files.set(f, text);
    }
  }
  const templates = new Map<string, any>();
  for (const f of fs.readdirSync(app.cloudAssemblyOutdir)) {
    if (f.endsWith('.template.json')) templates.set(f.replace(/\.template\.json$/, ''), JSON.parse(fs.readFileSync(path.join(app.cloudAssemblyOutdir, f), 'utf8')));
  }
  const findings = result.findings.map((f) => `${f.ruleId}: ${f.message}`);
  return { dir: path.dirname(app.outdir), objects, files, templates, findings };
}

/** The key an object is compared by. */
export function objectKey(o: any): string {
  return `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;
}

/** Every resource of a template of one type, as [logicalId, resource]. */
export function resourcesOf(template: any, type: string): Array<[string, any]> {
  return Object.entries(template.Resources ?? {}).filter(([, r]: [string, any]) => r.Type === type) as Array<[string, any]>;
}

/** The IAM role named `roleName` in a template, with the statements of every policy attached to it. */
export function roleWithPolicies(template: any, roleName: string): { trust: any; statements: any[] } | undefined {
  const role = resourcesOf(template, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === roleName);
  if (!role) return undefined;
  const [logicalId, r] = role;
  const statements = resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles ?? []).some((x: any) => x.Ref === logicalId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  return { trust: r.Properties.AssumeRolePolicyDocument, statements };
}

/** Every IAM role of a template by name, with its attached statements. */
export function allRoles(template: any): Map<string, { trust: any; statements: any[] }> {
  const out = new Map<string, { trust: any; statements: any[] }>();
  for (const [, r] of resourcesOf(template, 'AWS::IAM::Role')) {
    out.set(r.Properties.RoleName, roleWithPolicies(template, r.Properties.RoleName)!);
  }
  return out;
}

/** The non-blank, non-comment lines of a program that are not part of an import statement. */
export function userCodeLines(source: string): string[] {
  const lines = source.split('\n');
  const out: string[] = [];
  let inImport = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (inImport) {
      if (/from\s+['"][^'"]+['"];?$/.test(line)) inImport = false;
      continue;
    }
    if (line.startsWith('import ')) {
      if (!/from\s+['"][^'"]+['"];?$/.test(line) && !/^import\s+['"]/.test(line)) inImport = true;
      continue;
    }
    if (line === '' || line.startsWith('//')) continue;
    out.push(raw);
  }
  return out;
}

/** cfn-lint over the written templates, as scripts/validate-dist.ts runs it (errors fail; warnings are allowed). */
export function cfnLint(dir: string): string[] {
  const templates = fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).map((f) => path.join(dir, f));
  if (templates.length === 0) return [`${dir}: no template to lint`];
  const problems: string[] = [];
  for (const file of templates) {
    const res = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
    if (res.error) return [`cfn-lint is not installed (run scripts/install-tools.sh): ${res.error.message}`];
    const status = res.status ?? 1;
    // cfn-lint exit code: bit 2 = errors, 4 = warnings, 8 = informational.
    if (status === 1 || Math.floor(status / 2) % 2 === 1) problems.push(`${path.basename(file)}: ${res.stdout}${res.stderr}`);
  }
  return problems;
}

