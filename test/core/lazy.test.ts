import { spawnSync } from 'child_process';
import * as path from 'path';

// What loading the package costs is decided by what its index pulls in. These tests look at the modules a fresh
// process holds (require.cache) after `require()` of the index, never at a time.

const ROOT = path.join(__dirname, '..', '..');

/** The folder of a package as this package resolves it (cdk8s has a yaml of its own, which is not this one). */
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] })) + path.sep;

/** The modules that must wait for their first use: the folders (or file) their files are in. */
const HEAVY: { [name: string]: string } = {
  'cdk8s-plus-28': packageDir('cdk8s-plus-28'),
  'aws-cdk-lib': packageDir('aws-cdk-lib'),
  'generated CRD modules': path.join(ROOT, 'src', 'imports') + path.sep,
  'the bundled yaml': packageDir('yaml'),
  'the rule pack': path.join(ROOT, 'src', 'checks', 'rules', 'pack.ts'),
  'the sealing pool': path.join(ROOT, 'src', 'sealed', 'pool.ts'),
};

interface Loaded {
  /** Files loaded by `require()` of the index. */
  readonly index: string[];
  /** Files loaded afterwards, by reading one entry of `lazy`, for each entry read. */
  readonly reads: { [entry: string]: { files: string[]; sameAsRequire: boolean; sameOnSecondRead: boolean } };
}

/**
 * In a fresh node process (TypeScript sources through ts-node, as in the CLI tests): requires the index, then
 * reads the given entries of `lazy` one by one, and reports the files each step added to require.cache.
 */
function loadInFreshProcess(entries: Array<{ entry: string; module: string }>): Loaded {
  const script = `
    require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(path.join(ROOT, 'tsconfig.json'))} });
    const seen = new Set(Object.keys(require.cache));
    const added = () => { const files = Object.keys(require.cache).filter((f) => !seen.has(f)); files.forEach((f) => seen.add(f)); return files; };
    require(${JSON.stringify(path.join(ROOT, 'src', 'index.ts'))});
    const index = added();
    const { lazy } = require(${JSON.stringify(path.join(ROOT, 'src', 'core', 'lazy.ts'))});
    const reads = {};
    for (const { entry, module } of ${JSON.stringify(entries)}) {
      const value = lazy[entry];
      reads[entry] = { files: added(), sameAsRequire: value === require(module), sameOnSecondRead: lazy[entry] === value };
    }
    process.stdout.write(JSON.stringify({ index, reads }));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the child process failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const under = (files: string[], prefix: string) => files.filter((f) => f.startsWith(prefix));

describe('package load', () => {
  let loaded: Loaded;
  beforeAll(() => {
    loaded = loadInFreshProcess([
      { entry: 'kplus', module: 'cdk8s-plus-28' },
      { entry: 'iam', module: 'aws-cdk-lib/aws-iam' },
    ]);
  });

  test('GIVEN a fresh process WHEN the package index is required THEN none of cdk8s-plus-28, aws-cdk-lib, the CRD modules, yaml, the rule pack or the sealing pool is loaded', () => {
    const found = Object.fromEntries(Object.entries(HEAVY).map(([name, prefix]) => [name, under(loaded.index, prefix)]));
    expect(found).toEqual(Object.fromEntries(Object.keys(HEAVY).map((name) => [name, []])));
    // what the index needs is there: cdk8s (its classes are extended) and the package's own modules
    expect(loaded.index).toContain(path.join(packageDir('cdk8s'), 'lib', 'index.js'));
    expect(loaded.index).toContain(path.join(ROOT, 'src', 'index.ts'));
  });

  test('GIVEN the index loaded WHEN an entry of lazy is first read THEN its module loads then, is the module require() returns, and is kept', () => {
    // cdk8s-plus-28 comes in with its first read, and nothing of aws-cdk-lib with it
    expect(under(loaded.reads.kplus.files, HEAVY['cdk8s-plus-28']).length).toBeGreaterThan(0);
    expect(under(loaded.reads.kplus.files, HEAVY['aws-cdk-lib'])).toEqual([]);
    // reading iam loads aws-iam's index (aws-cdk-lib's own submodules load their classes on use)
    expect(under(loaded.reads.iam.files, HEAVY['aws-cdk-lib'])).toContain(path.join(HEAVY['aws-cdk-lib'], 'aws-iam', 'index.js'));
    for (const entry of ['kplus', 'iam']) {
      expect([entry, loaded.reads[entry].sameAsRequire, loaded.reads[entry].sameOnSecondRead]).toEqual([entry, true, true]);
    }
  });
});
