// The example program: one TypeScript program that builds a cdk8s App and a CDK App and writes
// Kubernetes manifests (*.k8s.yaml), CloudFormation (*.template.json) and other artifacts into dist/.
// Run with `npm run example`. No network, no AWS credentials, no cluster, no helm binary.
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { ExampleContext } from './context';
import { upstreamDir } from '../scripts/upstream';
import { Artifacts } from '../src';

const parts: Array<[string, (ctx: ExampleContext) => void]> = [];
function part(name: string): void {
  const file = path.join(__dirname, `${name}.ts`);
  if (fs.existsSync(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    parts.push([name, require(file).build]);
  }
}
// Each part reproduces the seeds' scenarios for one subsystem.
['eso', 'sealed', 'vault', 'workloads'].forEach(part);

const outdir = path.resolve(__dirname, '..', 'dist');
const staging = fs.mkdtempSync(path.join(path.dirname(outdir), '.dist-staging-'));
try {
  const k8sApp = new cdk8s.App({
    outdir: staging,
    outputFileExtension: '.k8s.yaml',
    yamlOutputType: cdk8s.YamlOutputType.FILE_PER_CHART,
  });
  const cdkOut = path.join(staging, 'cdk.out');
  const awsApp = new cdk.App({ outdir: cdkOut, analyticsReporting: false });
  const ctx: ExampleContext = {
    k8sApp,
    awsApp,
    env: { account: '111122223333', region: 'eu-west-1' },
    upstream: upstreamDir(),
  };
  for (const [, build] of parts) build(ctx);

  // Synthesize everything into a staging folder first: a failed synth leaves dist/ as it was.
  const assembly = awsApp.synth();
  k8sApp.synth();
  Artifacts.synth(k8sApp, staging);
  for (const stack of assembly.stacks) {
    fs.copyFileSync(path.join(cdkOut, stack.templateFile), path.join(staging, `${stack.stackName}.template.json`));
  }
  fs.rmSync(cdkOut, { recursive: true, force: true });

  fs.rmSync(outdir, { recursive: true, force: true });
  fs.renameSync(staging, outdir);
  fs.chmodSync(outdir, 0o755);
  const files = listFiles(outdir);
  process.stdout.write(`wrote ${files.length} files to dist/ (${parts.map(([n]) => n).join(', ') || 'no parts yet'}):\n`);
  for (const f of files) process.stdout.write(`  ${path.relative(outdir, f)}\n`);
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)])
    .sort();
}
