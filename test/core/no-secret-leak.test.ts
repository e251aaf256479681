// Property: whatever program a user writes, no plaintext secret given to the library shows up where it must
// not. fast-check generates programs that mix the producers (SealedSecret, ExternalSecret, VSO, CSI), their
// consumers, Secrets Manager entries, an EncryptionConfiguration and re-sealing, each fed a unique canary
// through every plaintext entry point (and through the wrong one: a secret passed where a variable name is
// expected). After synth (or the error that stops it), no canary, nor its base64 or hex, may appear in:
//   - any file written (manifests, artifacts, the cloud assembly), except where the user asked for it:
//     `unsafePlaintextFields` land in the CloudFormation template (and the cloud assembly's tree.json, which
//     records the same resource properties), and local encryption keys in the
//     EncryptionConfiguration file, which is what those inputs are for;
//   - any error message, or anything written to the console or stdout/stderr;
//   - `util.inspect` / `JSON.stringify` of any construct of either tree (a Secrets Manager entry holds its
//     CloudFormation resource, whose properties carry the `unsafePlaintextFields` by design: those, and only
//     those, are allowed wherever an inspection reaches the entry);
// and every error is a validation error of this library, never a crash.
//
// `npm test` runs a bounded number of programs (CDK8S_SECRETS_PBT_RUNS, default 12); `npx projen
// test:no-leak-large` runs 1000.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import * as cdk from 'aws-cdk-lib';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  Artifacts, AwsAuth, AwsCsiObject, AwsSecretProviderClass, CanonicalFormResolver, EncryptionConfiguration, EncryptionKey, EncryptionProvider,
  ExternalSecret, IProducedSecret, Resealing, SealedSecret, SealedValue, SealingCertificate, SecretConsumer, SecretStore, SecretsManagerEntry,
  StoreProvider, VaultAuth, VaultAuthMethod, VaultConfiguration, VaultStaticSecret,
} from '../../src';

const RUNS = Number(process.env.CDK8S_SECRETS_PBT_RUNS ?? '12');
const SEED = process.env.CDK8S_SECRETS_PBT_SEED !== undefined ? Number(process.env.CDK8S_SECRETS_PBT_SEED) : undefined;
const CERT = SealingCertificate.fromPemFile(path.join(__dirname, '..', '..', 'examples', 'sealed-demo', 'sealing-cert.pem'));

/** How a sealed value's plaintext reaches the library. */
const SEALED_SOURCES = ['literal', 'env', 'file', 'env-misuse', 'empty-env'] as const;
/** How an encryption key reaches the library. */
const KEY_SOURCES = ['none', 'literal', 'env', 'file', 'env-misuse'] as const;
/** How a reseal key reaches the library. */
const RESEAL_SOURCES = ['none', 'env', 'file', 'env-misuse'] as const;

interface ProducerSpec {
  readonly kind: 'sealed' | 'external' | 'vault' | 'csi';
  readonly name: string;
  readonly namespace: string;
  readonly sources: Array<typeof SEALED_SOURCES[number]>;
  readonly consume: 'none' | 'mount' | 'env';
}

interface ProgramSpec {
  readonly producers: ProducerSpec[];
  readonly entryFields: number;
  readonly encryptionKey: typeof KEY_SOURCES[number];
  readonly resealing: typeof RESEAL_SOURCES[number];
  readonly twoCharts: boolean;
  readonly canarySeed: string;
}

const producerArb: fc.Arbitrary<ProducerSpec> = fc.record({
  kind: fc.constantFrom('sealed', 'external', 'vault', 'csi'),
  name: fc.constantFrom('db', 'api', 'cache'),
  namespace: fc.constantFrom('apps', 'team-b'),
  sources: fc.array(fc.constantFrom(...SEALED_SOURCES), { minLength: 0, maxLength: 3 }),
  consume: fc.constantFrom('none', 'mount', 'env'),
});

const programArb: fc.Arbitrary<ProgramSpec> = fc.record({
  producers: fc.array(producerArb, { minLength: 1, maxLength: 5 }),
  entryFields: fc.integer({ min: 0, max: 2 }),
  encryptionKey: fc.constantFrom(...KEY_SOURCES),
  resealing: fc.constantFrom(...RESEAL_SOURCES),
  twoCharts: fc.boolean(),
  canarySeed: fc.stringMatching(/^[A-Za-z0-9]{12}$/),
});

/** A canary and where it may legitimately appear. */
interface Canary {
  readonly value: string;
  readonly allowedInTemplate?: boolean;
  readonly allowedInEncryptionConfig?: boolean;
}

function forms(c: string): string[] {
  const b = Buffer.from(c, 'utf8');
  // The base64 of a canary whose length is not a multiple of 3 ends in a partial group: compare the full groups.
  const b64 = b.toString('base64');
  return [c, b64.slice(0, Math.floor(c.length / 3) * 4), b.toString('hex')];
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

function isLibraryValidationError(e: any): boolean {
  if (e?.name === 'ValidationError') return /^\[[^\]]*\] .+: .*Fix: /s.test(e.message);
  if (typeof e?.message !== 'string') return false;
  // cdk8s gathers node.addValidation() results into one error, and wraps an error thrown while a manifest is
  // rendered (a value sealed at synth) with the object's path.
  return e.message.startsWith('Validation failed with the following errors')
    || /^Failed serializing construct at path '[^']*' with name '[^']*': ValidationError: \[[^\]]*\] .+: .*Fix: /s.test(e.message);
}

/** Builds and synthesizes one program; returns what the checks look at. */
function run(spec: ProgramSpec, caseNo: number) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'no-leak-'));
  const canaries: Canary[] = [];
  const envVars: string[] = [];
  let n = 0;
  const canary = (c: Omit<Canary, 'value'> = {}, bytes?: number): string => {
    const base = `Cnry${caseNo}x${n++}${spec.canarySeed}`;
    const value = bytes !== undefined ? (base + 'Z'.repeat(bytes)).slice(0, bytes) : base;
    canaries.push({ value, ...c });
    return value;
  };
  const env = (value: string): string => {
    const name = `NO_LEAK_${caseNo}_${n++}`;
    process.env[name] = value;
    envVars.push(name);
    return name;
  };
  const sealedValue = (source: typeof SEALED_SOURCES[number]): SealedValue => {
    switch (source) {
      case 'literal': return SealedValue.unsafePlainText(canary());
      case 'env': return SealedValue.fromEnvironmentVariable(env(canary()));
      case 'file': {
        const file = path.join(work, `plain-${n++}`);
        fs.writeFileSync(file, canary());
        return SealedValue.fromFile(file);
      }
      case 'env-misuse': return SealedValue.fromEnvironmentVariable(canary() + '+/='); // the secret where a variable name belongs
      case 'empty-env': return SealedValue.fromEnvironmentVariable(env(''));
    }
  };

  const errors: string[] = [];
  const crashes: string[] = [];
  const k8sApp = new App({ outdir: path.join(work, 'k8s'), resolvers: [new CanonicalFormResolver()] });
  const awsApp = new cdk.App({ outdir: path.join(work, 'cdk.out') });
  const stack = new cdk.Stack(awsApp, 'Secrets', { env: { account: '111122223333', region: 'eu-central-1' } });
  const charts = [new Chart(k8sApp, 'one'), ...(spec.twoCharts ? [new Chart(k8sApp, 'two')] : [])];
  const attempt = (f: () => void) => {
    try {
      f();
    } catch (e: any) {
      errors.push(String(e?.message ?? e));
      if (!isLibraryValidationError(e)) crashes.push(`${e?.name}: ${e?.message}\n${e?.stack}`);
    }
  };

  attempt(() => {
    let resealing: Resealing | undefined;
    if (spec.resealing === 'env') resealing = Resealing.fromKeyEnvironmentVariable(env(canary({}, 48)));
    if (spec.resealing === 'file') {
      const file = path.join(work, 'reseal-key');
      fs.writeFileSync(file, canary({}, 48));
      resealing = Resealing.fromKeyFile(file);
    }
    if (spec.resealing === 'env-misuse') resealing = Resealing.fromKeyEnvironmentVariable(canary({}, 48) + '/=');

    const fields: { [k: string]: string } = {};
    for (let i = 0; i < spec.entryFields; i++) fields[`field${i}`] = canary({ allowedInTemplate: true });
    const entry = new SecretsManagerEntry(stack, 'Entry', { secretName: 'app/db', unsafePlaintextFields: fields, generateKey: 'password' });

    if (spec.encryptionKey !== 'none') {
      const keyText = Buffer.from(canary({ allowedInEncryptionConfig: true }, 32)).toString('base64');
      canaries.push({ value: keyText, allowedInEncryptionConfig: true });
      let key: EncryptionKey;
      if (spec.encryptionKey === 'literal') {key = EncryptionKey.unsafeFromBase64('key1', keyText);} else if (spec.encryptionKey === 'env') {key = EncryptionKey.fromEnvironmentVariable('key1', env(keyText));} else if (spec.encryptionKey === 'file') {
        const file = path.join(work, 'enc-key');
        fs.writeFileSync(file, keyText);
        key = EncryptionKey.fromFile('key1', file);
      } else {key = EncryptionKey.fromEnvironmentVariable('key1', keyText);}
      new EncryptionConfiguration(charts[0], 'Encryption', { rules: [{ providers: [EncryptionProvider.secretbox([key]), EncryptionProvider.identity()] }] });
    }

    spec.producers.forEach((p, i) => attempt(() => {
      const chart = charts[i % charts.length];
      const id = `P${i}`;
      let produced: IProducedSecret;
      if (p.kind === 'sealed') {
        const values: { [k: string]: SealedValue } = {};
        p.sources.forEach((s, j) => { values[`key${j}`] = sealedValue(s); });
        produced = new SealedSecret(chart, id, { name: p.name, namespace: p.namespace, certificate: CERT, resealing, values });
      } else if (p.kind === 'external') {
        const store = new SecretStore(chart, `${id}Store`, {
          name: `store-${i}`,
          namespace: p.namespace,
          provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity() }),
        });
        produced = new ExternalSecret(chart, id, {
          name: `es-${i}`,
          namespace: p.namespace,
          store,
          targetName: p.name,
          data: [{ secretKey: 'password', secretsManagerEntry: entry, property: 'password' }],
        });
      } else if (p.kind === 'vault') {
        const config = new VaultConfiguration(chart, `${id}Vault`);
        const kv = config.addKvMount('Kv', { path: `kv${i}` });
        const role = config.addKubernetesAuth('K8s', { path: `k8s${i}` }).addRole('Role', { roleName: `r${i}` });
        const auth = new VaultAuth(chart, `${id}Auth`, { name: `auth-${i}`, namespace: p.namespace, method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'app' }) });
        produced = new VaultStaticSecret(chart, id, { name: `vss-${i}`, namespace: p.namespace, vaultAuth: auth, mount: kv, path: 'app', expectedKeys: ['password'], destination: { name: p.name } });
      } else {
        const spc = new AwsSecretProviderClass(chart, id, {
          name: `spc-${i}`, namespace: p.namespace, objects: [AwsCsiObject.fromEntry(entry, { objectAlias: 'db', jmesPath: [{ path: 'password', objectAlias: 'password' }] })],
        });
        produced = spc.addSecretObject({ secretName: p.name, data: [{ objectName: 'password', key: 'password' }] });
      }
      if (p.consume !== 'none') {
        const deployment = new kplus.Deployment(chart, `${id}Web`, { metadata: { namespace: p.namespace }, containers: [{ image: 'nginx', name: 'web' }] });
        const consumer = SecretConsumer.of(deployment);
        if (p.consume === 'mount') consumer.mount(deployment.containers[0], produced, { path: '/etc/secret' });
        else consumer.env(deployment.containers[0], produced, { variables: { SECRET: produced.secretKeys[0] ?? 'password' } });
      }
    }));
  });
  attempt(() => {
    k8sApp.synth();
    Artifacts.synth(k8sApp, path.join(work, 'artifacts'));
  });
  attempt(() => { awsApp.synth(); });
  envVars.forEach((v) => delete process.env[v]);
  return { work, canaries, errors, crashes, k8sApp, awsApp };
}

describe('property: no plaintext secret leaks, and nothing crashes', () => {
  let logged: string[];
  const spies: jest.SpyInstance[] = [];
  beforeEach(() => {
    logged = [];
    const capture = (...args: any[]) => { logged.push(args.map((a) => (typeof a === 'string' ? a : util.inspect(a))).join(' ')); return true; };
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) spies.push(jest.spyOn(console, m).mockImplementation(capture));
    spies.push(jest.spyOn(process.stdout, 'write').mockImplementation(capture as any));
    spies.push(jest.spyOn(process.stderr, 'write').mockImplementation(capture as any));
  });
  afterEach(() => { spies.splice(0).forEach((s) => s.mockRestore()); });

  test(`GIVEN ${RUNS} generated programs THEN no canary is in any output, error, log or inspection, and every error is a validation error`, () => {
    let caseNo = 0;
    let withErrors = 0;
    fc.assert(fc.property(programArb, (spec) => {
      const r = run(spec, caseNo++);
      try {
        expect(r.crashes).toEqual([]);
        if (r.errors.length > 0) withErrors++;
        const files = filesUnder(r.work).filter((f) => !/[/\\](plain-\d+|reseal-key|enc-key)$/.test(f));
        const haystacks: Array<{ where: string; text: string; template?: boolean; encryptionConfig?: boolean }> = [
          ...files.map((f) => ({ where: f, text: fs.readFileSync(f, 'latin1'), template: f.includes(`${path.sep}cdk.out${path.sep}`), encryptionConfig: /encryption/i.test(path.basename(f)) })),
          ...r.errors.map((e, i) => ({ where: `error ${i}`, text: e })),
          { where: 'console', text: logged.join('\n') },
          ...r.k8sApp.node.findAll().map((c) => ({ where: `inspect ${c.node.path}`, text: util.inspect(c, { depth: 8 }) + safeJson(c), template: true, encryptionConfig: c.node.path.includes('Encryption') })),
          { where: 'inspect aws tree', text: util.inspect(r.awsApp, { depth: 12 }), template: true },
        ];
        for (const c of r.canaries) {
          for (const h of haystacks) {
            if (h.template && c.allowedInTemplate) continue;
            if (h.encryptionConfig && c.allowedInEncryptionConfig) continue;
            for (const f of forms(c.value)) {
              if (f.length >= 8 && h.text.includes(f)) throw new Error(`canary ${c.value} (as ${f}) leaked into ${h.where}`);
            }
          }
        }
      } finally {
        // scripts/ci-control-plane.sh sends a bounded sample of the generated programs' manifests to a real API server.
        const keep = process.env.CDK8S_SECRETS_PBT_KEEP;
        if (keep && r.errors.length === 0) {
          for (const f of filesUnder(path.join(r.work, 'k8s')).filter((x) => x.endsWith('.k8s.yaml'))) {
            fs.mkdirSync(keep, { recursive: true });
            fs.copyFileSync(f, path.join(keep, `case-${caseNo}-${path.basename(f)}`));
          }
        }
        fs.rmSync(r.work, { recursive: true, force: true });
      }
    }), { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) });
    // The generator reaches both outcomes: programs that synthesize and programs that are refused.
    expect(caseNo).toBeGreaterThanOrEqual(RUNS);
    expect(withErrors).toBeGreaterThan(0);
  });
});

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ?? '';
  } catch {
    return ''; // circular: util.inspect above covers it
  }
}
