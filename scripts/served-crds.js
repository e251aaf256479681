// Writes a copy of each CRD file given on the command line keeping only its served versions,
// so that generated types exist only for API versions the cluster accepts.
// usage: node scripts/served-crds.js OUT_DIR FILE...
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const [outDir, ...files] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
for (const file of files) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter(Boolean);
  const kept = [];
  for (const doc of docs) {
    if (doc.kind !== 'CustomResourceDefinition') continue;
    doc.spec.versions = doc.spec.versions.filter((v) => v.served !== false && v.deprecated !== true);
    if (doc.spec.versions.length > 0) kept.push(doc);
  }
  const out = path.join(outDir, path.basename(file));
  fs.writeFileSync(out, kept.map((d) => YAML.stringify(d)).join('---\n'));
}
