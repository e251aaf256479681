// The example program: one TypeScript program, both worlds. `npm run example` (plain ts-node) writes Kubernetes
// manifests (*.k8s.yaml), files (vault/, encryption/, ...) and CloudFormation templates (*.template.json) into
// dist/; `cdk8s synth` (cdk8s.yaml) writes only the manifests and files, `cdk synth` (cdk.json) only the cloud
// assembly. No network, no AWS credentials, no cluster, no helm binary.
import { exampleContext } from './context';
import { build as buildEso } from './eso';
import { build as buildSealed } from './sealed';
import { build as buildVault } from './vault';
import { build as buildWorkloads } from './workloads';

const ctx = exampleContext({ templatesInOutdir: true });
buildEso(ctx);
buildSealed(ctx);
buildVault(ctx);
buildWorkloads(ctx);

const result = ctx.app.synth();
if (result.outdir) {
  process.stdout.write(`wrote ${result.files.length} files to ${result.outdir}/:\n`);
  for (const f of result.files) process.stdout.write(`  ${f}\n`);
}
if (result.cloudAssemblyOutdir) process.stdout.write(`wrote the cloud assembly to ${result.cloudAssemblyOutdir}/\n`);
