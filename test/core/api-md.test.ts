// API.md is generated (`npx projen docgen`) and committed; CI fails when it is out of date. These tests keep it a
// document a person reads: the package's own API only, under 1 MB, one heading per type, every link resolving,
// and members inherited from other packages listed once per class rather than repeated in full.

import * as fs from 'fs';
import * as path from 'path';

const apiMd = fs.readFileSync(path.join(__dirname, '..', '..', 'API.md'), 'utf8');

function typeHeadings(): string[] {
  return [...apiMd.matchAll(/^### (\S+) <a name="[^"]+" id="([^"]+)"><\/a>$/gm)].map((m) => m[2]);
}

describe('API.md', () => {
  test('is under 1 MB', () => {
    expect(Buffer.byteLength(apiMd)).toBeLessThan(1_000_000);
  });

  test('documents only this package\'s types, each under one heading', () => {
    const ids = typeHeadings();
    expect(ids.length).toBeGreaterThan(100);
    expect(ids.filter((id) => !id.startsWith('cdk8s-secrets.'))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const names = ids.map((id) => id.split('.').pop());
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  test('no generated CRD type is public', () => {
    // The generated classes live in src/imports and are internal; their spec structs are named after the kind.
    for (const generated of ['ExternalSecretSpec', 'SecretStoreSpec', 'SealedSecretSpec', 'SecretProviderClassSpec',
      'VaultStaticSecretSpec', 'ApplicationSpec', 'HelmReleaseSpec']) {
      expect(apiMd).not.toContain(`id="cdk8s-secrets.${generated}"`);
    }
  });

  test('every link points at an anchor of the document', () => {
    const anchors = new Set([...apiMd.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    const dangling = [...apiMd.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]).filter((h) => !anchors.has(h));
    expect(dangling).toEqual([]);
  });

  test('members inherited from constructs.Construct and cdk8s.Chart are listed once per class, not repeated', () => {
    expect(apiMd).not.toMatch(/^##### `isConstruct` /m);
    expect(apiMd).not.toMatch(/^##### `with` /m);
    const constructs = apiMd.split(/^## /m).find((s) => s.startsWith('Constructs'))!;
    expect(constructs).not.toMatch(/id="cdk8s-secrets\.[A-Za-z]+\.property\.node"/);
    const classes = constructs.split(/^### /m).slice(1);
    expect(classes.length).toBeGreaterThan(40);
    for (const cls of classes) {
      expect(cls).toMatch(/^- \*Inherited, documented by their own packages:\* .*`constructs\.Construct` \(`Construct\.isConstruct\(\)`, `node`, `toString\(\)`/m);
    }
    const tenant = classes.find((c) => c.startsWith('Tenant '))!;
    expect(tenant).toContain('`cdk8s.Chart` (`Chart.isChart()`, `Chart.of()`, `addDependency()`, `apiObjects`');
    // The package's own members stay in full.
    expect(tenant).toMatch(/^##### `addWorkload` /m);
  });
});
