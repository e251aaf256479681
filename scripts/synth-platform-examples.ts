// Synthesizes every platform example (examples/platform/seed-00N.ts) into <outdir>/seed-00N, manifests and cloud
// assembly, for the checks that run real tools on them (scripts/ci-platform.sh, scripts/ci-control-plane.sh).
// Usage: ts-node --project scripts/tsconfig.json scripts/synth-platform-examples.ts <outdir>
import * as fs from 'fs';
import * as path from 'path';
import { SecretsApp } from '../src';

const outdir = process.argv[2];
if (!outdir) {
  process.stderr.write('usage: synth-platform-examples.ts <outdir>\n');
  process.exit(2);
}
const dir = path.join(__dirname, '..', 'examples', 'platform');
for (const file of fs.readdirSync(dir).filter((f) => /^seed-\d{3}\.ts$/.test(f)).sort()) {
  const name = file.replace(/\.ts$/, '');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example: { build(app: SecretsApp): unknown } = require(path.join(dir, file));
  const app = new SecretsApp({ outdir: path.join(outdir, name), cloudAssemblyOutdir: path.join(outdir, `${name}.cdk.out`) });
  example.build(app);
  app.synth();
  process.stdout.write(`${name}: ${path.join(outdir, name)}\n`);
}
