import { cdk8s, javascript, JsonFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-secrets',
  description: 'Typed constructs that synthesise a complete Kubernetes secrets stack (External Secrets Operator, Vault, Sealed Secrets, Secrets Store CSI, Reloader) together with its AWS identities, from one program.',
  author: 'cdk8s-secrets maintainers',
  authorAddress: 'maintainers@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-secrets/cdk8s-secrets.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'kubernetes', 'secrets', 'external-secrets', 'vault', 'sealed-secrets', 'aws-cdk', 'irsa'],

  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  jsiiVersion: '~6.0.0',
  peerDeps: [
    'cdk8s-plus-28@^2.5.6',
    'aws-cdk-lib@^2.220.0',
  ],
  // Runtime helpers bundled into the package; their types never appear in the public API.
  bundledDeps: ['yaml@^2.6.0', 'commander@^13.1.0'],
  // The command line (`npx cdk8s-secrets doctor|import`); its code lives in src/cli and is not part of the jsii API.
  bin: { 'cdk8s-secrets': 'lib/cli/main.js' },
  devDeps: [
    'cdk8s-cli@^2.200.0',
    // The CDK CLI: the packed-tarball check runs the real `cdk synth` on a scratch app.
    'aws-cdk@^2.1000.0',
    'ajv@^8.17.0',
    'ajv-formats@^3.0.1',
    'ts-node@^10.9.2',
    '@cdktf/hcl2json@^0.21.0',
    'typescript@~5.9.0',
    '@types/node@^20',
    // peer of ts-jest that npm does not hoist on its own
    'jest-util@^29',
    // property-based tests (generated programs that must never leak a secret)
    'fast-check@^4.3.0',
    // The SARIF 2.1.0 JSON schema (lib/schemas/sarif-2.1.0-rtm.5.json) and a draft-04 ajv to validate `doctor --format sarif`.
    '@microsoft/jest-sarif@1.0.0-beta.0',
    'ajv-draft-04@^1.0.0',
  ],

  // Publishing targets for the other jsii languages. CI builds and runs the Python wheel (scripts/ci-python.sh);
  // Java and Go are built by release pipelines only.
  publishToPypi: { distName: 'cdk8s-secrets', module: 'cdk8s_secrets' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_secrets',
    mavenGroupId: 'io.github.cdk8s-secrets',
    mavenArtifactId: 'cdk8s-secrets',
  },
  publishToGo: { moduleName: 'github.com/cdk8s-secrets/cdk8s-secrets-go' },

  // No GitHub workflows: CI is `.ci/run`, run on a clean clone.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,

  // dist/ holds the example's output; packages built by jsii-pacmak go to dist-packages/.
  artifactsDirectory: 'dist-packages',
  docgen: true,
  compat: false,
  eslint: true,
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'scripts', 'examples', 'bench', 'build-tools', 'projenrc'] },
  jestOptions: {
    // jest 30 resolves modules with unrs-resolver (same mirror problem as above); jest 29 does not.
    jestVersion: '^29',
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/lib/', '/dist/'],
      // jest's default is one worker fewer than the cores: a single worker on a 2-core CI machine.
      maxWorkers: '100%',
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/'],
      // Coverage by instrumenting this package's own files (istanbul, through babel) rather than V8's block coverage:
      // V8's precise coverage covers the whole isolate and turns off its compilation cache, so every test file
      // compiled aws-cdk-lib, cdk8s and cdk8s-plus-28 (3.6 MB) again; the suite took 2.7 times the CPU
      // (docs/performance.md, "The test suite").
      coverageProvider: 'babel',
      // No test depends on speed: a generous per-test limit that holds on a loaded 2-core machine
      // (jest's default of 5 s does not, for tests that load src/ or synthesize whole examples).
      testTimeout: 300_000,
      // Finds the pinned upstream files, fetching them once when missing, or stops with one line saying how.
      globalSetup: '<rootDir>/test/setup/upstream.ts',
    },
  },
  tsconfigDev: {
    compilerOptions: {},
    include: ['../examples/**/*.ts', '../scripts/**/*.ts', '../bench/**/*.ts'],
  },
  // .jsii.tabl.json: the examples jsii-rosetta translated (`npx projen rosetta:extract`), read by jsii-pacmak.
  gitignore: ['/dist/', '/cdk.out/', '/.upstream-cache/', '/.tools/', '/.bench/', '/.jsii.tabl.json'],
});

for (const p of ['/examples/', '/scripts/', '/.ci/', '/dist/', '/.tools/', '/bench/', '/cdk.json', '/cdk8s.yaml', '/rosetta/', '/compat/', '/.jsii.tabl.json']) {
  project.addPackageIgnore(p);
}

// eslint-import-resolver-typescript 3.8+ pulls unrs-resolver, whose per-platform optional packages are not
// all published to every npm mirror; `npm ci` then refuses the lock file. 3.7 resolves with enhanced-resolve.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.7.0');

// Dev-only TypeScript folders (examples, scripts, benchmarks) get a tsconfig each, so ts-node and the
// linter's project service type-check them like the tests.
for (const dir of ['examples', 'scripts', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] },
  });
}

// Generated CRD types are not linted.
project.eslint?.addIgnorePattern('src/imports/');

// Regenerate src/imports from the pinned upstream CRDs (offline; not part of compile).
const importTask = project.addTask('import-crds', {
  description: 'Regenerate src/imports from the pinned Apache-2.0 upstream CRDs (offline)',
});
importTask.exec('bash scripts/import-crds.sh');

// Upstream data (CRDs, schemas, vectors) for tests: fill the cache when ../shared/upstream is absent.
project.addTask('fetch-upstream', {
  description: 'Download the pinned upstream files the tests validate against into .upstream-cache/',
}).exec('ts-node --project test/tsconfig.json scripts/fetch-upstream.ts');

// The example pipeline: one program, both worlds, written to dist/.
project.addTask('example', {
  description: 'Synthesize examples/main.ts into dist/ (Kubernetes manifests, CloudFormation, other artifacts)',
}).exec('ts-node --project test/tsconfig.json examples/main.ts');

// Benchmarks: a report (.bench/report.md), never a test. `npx projen bench --quick` for a smoke run; flags in bench/run.ts.
project.addTask('bench', {
  description: 'Benchmarks (a report, never a test): synth vs bare cdk8s/cdk8s-plus/aws-cdk-lib, Vault scaling, package load, sealing vs kubeseal',
}).exec('ts-node --transpile-only --project test/tsconfig.json bench/run.ts', { receiveArgs: true });

// The property-based no-leak test with many more generated programs than `npm test` runs.
project.addTask('test:no-leak-large', {
  description: 'Run the property-based no-secret-leak test with 1000 generated programs (npm test runs a bounded number)',
  env: { CDK8S_SECRETS_PBT_RUNS: '1000' },
}).exec('jest --coverage=false --testTimeout=3600000 test/core/no-secret-leak.test.ts');

// Every code example of the assembly (README and API docs) compiled against the assembly and translated into the
// other jsii languages (.jsii.tabl.json, which jsii-pacmak reads). Fixtures are in rosetta/. Strict: an example that
// does not compile fails. Batched: one TypeScript program for all examples (one load of the dependencies' types).
project.addTask('rosetta:extract', {
  description: 'Compile and translate every code example of the assembly with jsii-rosetta (strict; writes .jsii.tabl.json)',
}).exec('jsii-rosetta extract --strict --batch 1000 .jsii', { receiveArgs: true });

// API.md: jsii-docgen repeats under every construct the members it inherits from other packages (`node`,
// `toString()`, `with()`, `isConstruct()` of constructs.Construct; a Chart's members); they are listed once per class.
project.tasks.tryFind('docgen')?.exec('ts-node --project scripts/tsconfig.json scripts/api-md.ts API.md');

// API compatibility: the public API against the committed baseline assembly (compat/baseline.jsii.gz). A breaking change
// fails; `npx projen compat:baseline` moves the baseline on purpose (docs/compatibility.md).
project.tasks.tryFind('compat')?.reset('bash scripts/ci-compat.sh');
project.addTask('compat:baseline', {
  description: 'Make the current assembly the API compatibility baseline (compat/baseline.jsii.gz), on purpose: see docs/compatibility.md',
}).exec('node scripts/compat-baseline.js');

project.addTask('validate-dist', {
  description: 'Validate every manifest in dist/ with the schema harness and every template with cfn-lint',
}).exec('ts-node --project test/tsconfig.json scripts/validate-dist.ts');

// EKS Blueprints: an optional peer of the `cdk8s-secrets/lib/blueprints` entry point (the main entry point never
// loads it) and a dev dependency for its tests. jsii accepts only jsii modules as peer dependencies, so the range is
// added to package.json only while npm packs it (projenrc/optional-peers.js); the repository's package.json marks it
// optional and lists it as a dev dependency.
const BLUEPRINTS = '@aws-quickstart/eks-blueprints';
const BLUEPRINTS_PEER_RANGE = '^1.17.1';
project.addDevDeps(`${BLUEPRINTS}@1.17.1`);
project.package.addField('peerDependenciesMeta', { [BLUEPRINTS]: { optional: true } });
project.package.setScript('prepack', `node projenrc/optional-peers.js add ${BLUEPRINTS}@${BLUEPRINTS_PEER_RANGE}`);
project.package.setScript('postpack', 'node projenrc/optional-peers.js restore');
// Every Blueprints release pins one exact aws-cdk-lib (1.17.1: 2.192.0) as its peer; the tests run it on the
// aws-cdk-lib this library is built against (the floor of its own peer range).
project.package.addField('overrides', { [BLUEPRINTS]: { 'aws-cdk-lib': '$aws-cdk-lib', 'aws-cdk': '$aws-cdk' } });
project.gitignore.addPatterns('/package.json.prepack');
project.addPackageIgnore('/package.json.prepack');

project.synth();
