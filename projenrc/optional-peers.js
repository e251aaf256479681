// Adds optional peer dependencies to package.json while npm packs it (`prepack`), and puts the file back after
// (`postpack`). jsii accepts only jsii modules as peer dependencies, so the repository's package.json cannot declare
// a non-jsii optional peer (such as EKS Blueprints) while jsii compiles; the published package.json does.
//   node projenrc/optional-peers.js add <name>@<range> ...
//   node projenrc/optional-peers.js restore
const fs = require('fs');
const path = require('path');

const file = path.join(process.cwd(), 'package.json');
const backup = `${file}.prepack`;
const [command, ...specs] = process.argv.slice(2);

function restore() {
  if (fs.existsSync(backup)) {
    fs.copyFileSync(backup, file);
    fs.rmSync(backup);
  }
}

if (command === 'restore') {
  restore();
} else if (command === 'add') {
  restore(); // a pack that failed half-way left its copy behind
  const original = fs.readFileSync(file, 'utf8');
  const pkg = JSON.parse(original);
  for (const spec of specs) {
    const at = spec.lastIndexOf('@');
    if (at <= 0) throw new Error(`optional-peers: "${spec}" is not <name>@<range>`);
    const name = spec.slice(0, at);
    if (!pkg.peerDependenciesMeta?.[name]?.optional) {
      throw new Error(`optional-peers: ${name} is not marked optional in peerDependenciesMeta`);
    }
    pkg.peerDependencies = { ...pkg.peerDependencies, [name]: spec.slice(at + 1) };
  }
  fs.writeFileSync(backup, original);
  fs.writeFileSync(file, `${JSON.stringify(pkg, undefined, 2)}\n`);
} else {
  throw new Error(`optional-peers: unknown command "${command}" (use add or restore)`);
}
