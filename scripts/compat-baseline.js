// Makes the current assembly (.jsii, from `npx projen compile`) the API compatibility baseline that
// `npx projen compat` (jsii-diff) compares against: compat/baseline.jsii.gz. Run it only to accept a breaking change
// on purpose (docs/compatibility.md).
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const root = path.resolve(__dirname, '..');
const assemblyFile = path.join(root, '.jsii');
if (!fs.existsSync(assemblyFile)) {
  console.error('compat-baseline: .jsii not found: run `npx projen compile` first');
  process.exit(1);
}
const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
if (assembly.schema === 'jsii/file-redirect') {
  console.error('compat-baseline: .jsii is a redirect; expected the compiled assembly');
  process.exit(1);
}
const dir = path.join(root, 'compat');
fs.mkdirSync(dir, { recursive: true });
// The fingerprint and the build's own version say nothing about the API; leaving them constant keeps the file stable.
const stable = { ...assembly, fingerprint: '<baseline>' };
fs.writeFileSync(path.join(dir, 'baseline.jsii.gz'), zlib.gzipSync(Buffer.from(JSON.stringify(stable)), { level: 9 }));
const types = Object.keys(assembly.types ?? {}).length;
console.log(`compat-baseline: compat/baseline.jsii.gz now holds the API of ${assembly.name} (${types} types)`);
