// Validates everything `npm run example` wrote to dist/:
//   - every *.k8s.yaml object against its upstream schema (the test harness);
//   - every *.template.json with cfn-lint (errors fail; warnings are printed);
//   - no unresolved CDK token and no plaintext Secret data in any manifest.
// Exits non-zero on any failure and ends with a "N passed, N failed" line.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import YAML from 'yaml';
import { SecretsChecks } from '../src';
import { defaultedFields, validateYamlFiles } from '../test/harness';

const dist = path.resolve(__dirname, '..', 'dist');
if (!fs.existsSync(dist)) {
  process.stderr.write('dist/ does not exist: run `npm run example` first\n');
  process.exit(1);
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])
    .sort();
}

const files = walk(dist);
const manifests = files.filter((f) => f.endsWith('.k8s.yaml'));
const templates = files.filter((f) => f.endsWith('.template.json'));
let passed = 0;
let failed = 0;
const rel = (f: string): string => path.relative(path.dirname(dist), f);

for (const file of manifests) {
  const problems = validateYamlFiles([file]);
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes('${Token[')) problems.push(`${file}: an unresolved CDK token reached the manifest`);
  const objects = YAML.parseAllDocuments(text).map((d) => d.toJSON()).filter((o) => o);
  // Fields the API server would default show up as drift in Argo CD / Flux: they must be written out.
  problems.push(...defaultedFields(objects).map((d) => `${file}: left to API-server defaulting (GitOps drift): ${d}`));
  for (const o of objects) {
    if (o?.kind === 'Secret' && (o.data || o.stringData)) {
      problems.push(`${file}: Secret ${o.metadata?.namespace}/${o.metadata?.name} carries data in the manifest (plaintext in Git)`);
    }
  }
  const count = YAML.parseAllDocuments(text).filter((d) => d.toJSON()).length;
  if (problems.length === 0) {
    passed++;
    process.stdout.write(`ok    ${rel(file)} (${count} objects)\n`);
  } else {
    failed++;
    process.stdout.write(`FAIL  ${rel(file)}\n  ${problems.join('\n  ')}\n`);
  }
}

if (templates.length > 0) {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    process.stdout.write('FAIL  cfn-lint is not installed (run scripts/install-tools.sh)\n');
    failed += templates.length;
  } else {
    for (const file of templates) {
      const res = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
      const text = fs.readFileSync(file, 'utf8');
      // cfn-lint exit code: bit 2 = errors, 4 = warnings, 8 = informational.
      const status = res.status ?? 1;
      const errors = status === 1 || Math.floor(status / 2) % 2 === 1;
      const tokens = text.includes('${Token[');
      if (!errors && !tokens) {
        passed++;
        process.stdout.write(`ok    ${rel(file)} (cfn-lint${res.status ? `, exit ${res.status}: warnings only` : ''})\n`);
        if (res.stdout.trim()) process.stdout.write(`      ${res.stdout.trim().split('\n').join('\n      ')}\n`);
      } else {
        failed++;
        process.stdout.write(`FAIL  ${rel(file)} (cfn-lint exit ${res.status})\n  ${(res.stdout + res.stderr).trim()}\n`);
      }
    }
  }
}

// The posture rule pack over both outputs together: errors fail, warnings are reported.
{
  const objects = manifests.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON()).filter((o) => o));
  const stacks: { [name: string]: any } = {};
  for (const f of templates) stacks[path.basename(f, '.template.json')] = JSON.parse(fs.readFileSync(f, 'utf8'));
  const findings = SecretsChecks.check(objects, stacks);
  const errors = SecretsChecks.errorsOf(findings);
  for (const line of SecretsChecks.format(findings)) process.stdout.write(`      ${line}\n`);
  if (errors.length === 0) {
    passed++;
    process.stdout.write(`ok    posture checks (${SecretsChecks.ruleIds.length} rules, ${findings.length - errors.length} warning(s) or suppressed)\n`);
  } else {
    failed++;
    process.stdout.write(`FAIL  posture checks: ${errors.length} error(s)\n`);
  }
}

if (manifests.length + templates.length === 0) {
  process.stdout.write('FAIL  dist/ holds no manifests and no templates\n');
  failed++;
}
process.stdout.write(`validate-dist: ${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
