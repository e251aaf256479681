import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { App, Chart } from 'cdk8s';
import { EXAMPLE_CERT_FILE, EXAMPLE_KEY_PEM, INSIDE_VALIDITY, OTHER_CERT_PEM, referenceSessionKey, referenceUnseal } from './fixtures';
import { Resealing, SealedSecret, SealedSecretProps, SealedValue, SealingCertificate, SealingScope } from '../../src';
import { deriveResealMacKey, deriveResealSessionKeyV1, deriveResealSessionKeyV2, openGcm, splitSealedValue } from '../../src/sealed/crypto';
import { validateYamlFiles } from '../harness';

const cert = () => SealingCertificate.fromPemFile(EXAMPLE_CERT_FILE, { checkValidityAt: INSIDE_VALIDITY });

let dir: string;
let keyFile: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reseal-'));
  keyFile = path.join(dir, 'reseal.key');
  fs.writeFileSync(keyFile, crypto.randomBytes(48).toString('base64') + '\n');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.SEALED_TEST_RESEAL_KEY;
});

/** Synthesizes one SealedSecret into `outdir` (like `cdk8s synth`) and returns it. */
function synthTo(outdir: string, props: Partial<SealedSecretProps> & { values: { [k: string]: SealedValue } }): { ss: SealedSecret; file: string } {
  const app = new App({ outdir });
  const chart = new Chart(app, 'sealed');
  const ss = new SealedSecret(chart, 'Db', { name: 'db', namespace: 'apps', certificate: cert(), ...props });
  app.synth();
  const file = path.join(outdir, 'sealed.k8s.yaml');
  expect(validateYamlFiles([file])).toEqual([]);
  return { ss, file };
}

const v = (s: string) => SealedValue.unsafePlainText(s);

// Known answers of the v2 derivation (reseal key 'known-answer-reseal-key-DEMO-ONLY-0123456789', the example
// certificate, apps/db, strict, data key 'pass', plaintext 'hunter2'), computed independently with Python's
// hashlib.scrypt and hmac from the description in src/sealed/crypto.ts.
const KNOWN_MAC_KEY = '1bfe67f4c48e758703449c78abe42b4792b62228f551b88be101abf0ad0b810e';
const KNOWN_SESSION_KEY_V2 = '9f8ac9d54243a6d3dcc020d84f16b3fad6d232e49bee3817ad853b5214ffc733';

describe('Churn-free re-sealing', () => {
  test('GIVEN unchanged inputs WHEN synthesized twice from the previous output THEN the manifest is byte-identical', () => {
    const first = synthTo(path.join(dir, 'out1'), { values: { user: v('admin'), pass: v('S3cr3t') }, resealing: Resealing.fromKeyFile(keyFile) });
    expect(first.ss.keptKeys).toEqual([]);
    const second = synthTo(path.join(dir, 'out2'), { values: { user: v('admin'), pass: v('S3cr3t') }, resealing: Resealing.fromKeyFile(keyFile, { previousOutput: path.join(dir, 'out1') }) });
    expect(second.ss.keptKeys).toEqual(['pass', 'user']);
    expect(fs.readFileSync(second.file, 'utf8')).toBe(fs.readFileSync(first.file, 'utf8'));
    // And what is kept still unseals.
    expect(referenceUnseal(EXAMPLE_KEY_PEM, second.ss.encryptedData.pass, 'apps/db').toString()).toBe('S3cr3t');
    expect(validateYamlFiles([first.file, second.file])).toEqual([]);
  });

  test('GIVEN previousOutput pointing at the manifest file itself THEN it works the same', () => {
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('x') }, resealing: Resealing.fromKeyFile(keyFile) });
    const second = synthTo(path.join(dir, 'out2'), { values: { k: v('x') }, resealing: Resealing.fromKeyFile(keyFile, { previousOutput: first.file }) });
    expect(second.ss.encryptedData).toEqual(first.ss.encryptedData);
  });

  test('GIVEN one changed value THEN only that value gets a new ciphertext, and it unseals to the new plaintext', () => {
    const first = synthTo(path.join(dir, 'out1'), { values: { user: v('admin'), pass: v('old') }, resealing: Resealing.fromKeyFile(keyFile) });
    const second = synthTo(path.join(dir, 'out2'), { values: { user: v('admin'), pass: v('new') }, resealing: Resealing.fromKeyFile(keyFile, { previousOutput: path.join(dir, 'out1') }) });
    expect(second.ss.keptKeys).toEqual(['user']);
    expect(second.ss.encryptedData.user).toBe(first.ss.encryptedData.user);
    expect(second.ss.encryptedData.pass).not.toBe(first.ss.encryptedData.pass);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, second.ss.encryptedData.pass, 'apps/db').toString()).toBe('new');
  });

  test.each([
    ['name', { name: 'db2' }, 'apps/db2'],
    ['namespace', { namespace: 'apps2' }, 'apps2/db'],
    ['scope', { sealingScope: SealingScope.NAMESPACE_WIDE }, 'apps'],
  ])('GIVEN a changed %s and candidates given directly THEN the value is sealed afresh for the new label', (_what, change: any, label) => {
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile) });
    const second = synthTo(path.join(dir, 'out2'), { ...change, values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile), previousEncryptedData: first.ss.encryptedData });
    expect(second.ss.keptKeys).toEqual([]);
    expect(second.ss.encryptedData.k).not.toBe(first.ss.encryptedData.k);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, second.ss.encryptedData.k, label).toString()).toBe('same');
  });

  test('GIVEN a new certificate (controller key renewed) THEN values are sealed afresh for it', () => {
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile) });
    const second = synthTo(path.join(dir, 'out2'), {
      certificate: SealingCertificate.fromPem(OTHER_CERT_PEM, { checkValidityAt: new Date('2027-01-01T00:00:00Z') }),
      values: { k: v('same') },
      resealing: Resealing.fromKeyFile(keyFile),
      previousEncryptedData: first.ss.encryptedData,
    });
    expect(second.ss.keptKeys).toEqual([]);
    expect(Buffer.from(second.ss.encryptedData.k, 'base64').readUInt16BE(0)).toBe(256); // RSA-2048 now
  });

  test('GIVEN a different reseal key THEN nothing is kept', () => {
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile) });
    process.env.SEALED_TEST_RESEAL_KEY = crypto.randomBytes(32).toString('hex');
    const second = synthTo(path.join(dir, 'out2'), { values: { k: v('same') }, resealing: Resealing.fromKeyEnvironmentVariable('SEALED_TEST_RESEAL_KEY'), previousEncryptedData: first.ss.encryptedData });
    expect(second.ss.keptKeys).toEqual([]);
    expect(second.ss.encryptedData.k).not.toBe(first.ss.encryptedData.k);
  });

  test('GIVEN the reseal key from a named environment variable THEN re-synth keeps values too', () => {
    process.env.SEALED_TEST_RESEAL_KEY = crypto.randomBytes(32).toString('hex');
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('same') }, resealing: Resealing.fromKeyEnvironmentVariable('SEALED_TEST_RESEAL_KEY') });
    const second = synthTo(path.join(dir, 'out2'), { values: { k: v('same') }, resealing: Resealing.fromKeyEnvironmentVariable('SEALED_TEST_RESEAL_KEY', { previousOutput: path.join(dir, 'out1') }) });
    expect(second.ss.encryptedData.k).toBe(first.ss.encryptedData.k);
  });

  test('GIVEN no resealing THEN candidates are ignored and every synth seals afresh', () => {
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('same') } });
    const second = synthTo(path.join(dir, 'out2'), { values: { k: v('same') }, previousEncryptedData: first.ss.encryptedData });
    expect(second.ss.encryptedData.k).not.toBe(first.ss.encryptedData.k);
    expect(second.ss.keptKeys).toEqual([]);
  });

  test('GIVEN several candidates (the same SealedSecret in two files, garbage in one) THEN the one that opens is kept', () => {
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile) });
    const prev = path.join(dir, 'prev');
    fs.mkdirSync(path.join(prev, 'nested'), { recursive: true });
    const garbage = fs.readFileSync(first.file, 'utf8').replace(/k: \S+/, 'k: AgAAAA==');
    fs.writeFileSync(path.join(prev, 'a.k8s.yaml'), garbage);
    fs.copyFileSync(first.file, path.join(prev, 'nested', 'b.yml'));
    fs.writeFileSync(path.join(prev, 'notes.txt'), 'not yaml: [');
    const second = synthTo(path.join(dir, 'out2'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile, { previousOutput: prev }) });
    expect(second.ss.encryptedData.k).toBe(first.ss.encryptedData.k);
  });

  test('GIVEN a previous value whose RSA part was replaced THEN the GCM check alone cannot tell (documented: the repository is trusted for integrity)', () => {
    // The check opens the AES-GCM part only; it cannot verify the RSA part without the private key. A tampered
    // RSA part is kept, and the controller then fails to unseal it (a denial of service that whoever can edit
    // the repository can cause anyway). This test pins that documented behaviour.
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile) });
    const raw = Buffer.from(first.ss.encryptedData.k, 'base64');
    raw[10] = 255 - raw[10];
    const tampered = raw.toString('base64');
    const second = synthTo(path.join(dir, 'out2'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile), previousEncryptedData: { k: tampered } });
    expect(second.ss.encryptedData.k).toBe(tampered);
    expect(() => referenceUnseal(EXAMPLE_KEY_PEM, tampered, 'apps/db')).toThrow();
  });

  test('GIVEN a previousOutput that does not exist yet (first synth, clean checkout) THEN values are sealed afresh without error', () => {
    const first = synthTo(path.join(dir, 'out1'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile, { previousOutput: path.join(dir, 'nope') }) });
    expect(first.ss.keptKeys).toEqual([]);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, first.ss.encryptedData.k, 'apps/db').toString()).toBe('same');
  });

  test.each([
    ['cluster-wide', SealingScope.CLUSTER_WIDE, [['db', 'apps'], ['other', 'team-b']]],
    ['namespace-wide', SealingScope.NAMESPACE_WIDE, [['db', 'apps'], ['other', 'apps']]],
    ['strict', SealingScope.STRICT, [['db', 'apps'], ['other', 'apps']]],
  ])('GIVEN the same plaintext in two %s SealedSecrets (same data key) THEN their AES-GCM parts differ: equality is not revealed', (_s, scope: any, ids: any) => {
    const r = Resealing.fromKeyFile(keyFile);
    const chart = new Chart(new App({ outdir: path.join(dir, 'o') }), 'c');
    const [x, y] = (ids as string[][]).map(([name, namespace], i) => new SealedSecret(chart, `S${i}`, {
      name, namespace, sealingScope: scope, certificate: cert(), resealing: r, values: { password: v('same-password') },
    }));
    const px = splitSealedValue(x.encryptedData.password, 512)!;
    const py = splitSealedValue(y.encryptedData.password, 512)!;
    expect(px.gcmCiphertext.equals(py.gcmCiphertext)).toBe(false);
    expect(px.gcmTag.equals(py.gcmTag)).toBe(false);
    // Likewise for two data keys of one SealedSecret.
    const z = new SealedSecret(chart, 'Z', { name: 'z', namespace: 'apps', sealingScope: scope, certificate: cert(), resealing: r, values: { a: v('same-password'), b: v('same-password') } });
    expect(splitSealedValue(z.encryptedData.a, 512)!.gcmTag.equals(splitSealedValue(z.encryptedData.b, 512)!.gcmTag)).toBe(false);
  });

  test('GIVEN re-sealing THEN the RSA-OAEP part is still randomized (no deterministic encryption)', () => {
    const a = synthTo(path.join(dir, 'out1'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile) });
    const b = synthTo(path.join(dir, 'out2'), { values: { k: v('same') }, resealing: Resealing.fromKeyFile(keyFile) });
    const pa = splitSealedValue(a.ss.encryptedData.k, 512)!;
    const pb = splitSealedValue(b.ss.encryptedData.k, 512)!;
    expect(pa.rsa.equals(pb.rsa)).toBe(false);
    // Both carry the same derived session key, which only the private key (or the reseal key) reveals.
    expect(referenceSessionKey(EXAMPLE_KEY_PEM, a.ss.encryptedData.k, 'apps/db')).toEqual(referenceSessionKey(EXAMPLE_KEY_PEM, b.ss.encryptedData.k, 'apps/db'));
  });
});

describe('Churn-free re-sealing: what an attacker can and cannot test (docs/sealed-secrets.md)', () => {
  const fingerprint = () => Buffer.from(cert().fingerprint.replace(/:/g, ''), 'hex');
  const ctx = () => ({ certificateFingerprint: fingerprint(), namespace: 'apps', name: 'db', scope: 'strict', label: 'apps/db', dataKey: 'pass' });

  test('GIVEN the repository and the certificate but not the reseal key THEN a correct guess cannot be confirmed', () => {
    const { ss } = synthTo(path.join(dir, 'out1'), { values: { pass: v('hunter2') }, resealing: Resealing.fromKeyFile(keyFile) });
    const parts = splitSealedValue(ss.encryptedData.pass, 512)!;
    // An attacker's best attempt without K: any key they can compute (here: a guessed K) does not open it.
    for (const guessedKey of [Buffer.alloc(48), crypto.randomBytes(48), Buffer.from('hunter2')]) {
      expect(openGcm(parts, deriveResealSessionKeyV2(deriveResealMacKey(guessedKey), ctx(), Buffer.from('hunter2')))).toBeUndefined();
      // Nor does the key used directly, or the v1 derivation.
      expect(openGcm(parts, deriveResealSessionKeyV2(guessedKey, ctx(), Buffer.from('hunter2')))).toBeUndefined();
      expect(openGcm(parts, deriveResealSessionKeyV1(guessedKey, ctx(), Buffer.from('hunter2')))).toBeUndefined();
    }
  });

  test('GIVEN the reseal key leaked THEN a correct guess can be confirmed (the documented trade-off: one 512 KiB scrypt per guess, after one 32 MiB scrypt of the key)', () => {
    const { ss } = synthTo(path.join(dir, 'out1'), { values: { pass: v('hunter2') }, resealing: Resealing.fromKeyFile(keyFile) });
    const parts = splitSealedValue(ss.encryptedData.pass, 512)!;
    const k = deriveResealMacKey(Buffer.from(fs.readFileSync(keyFile, 'utf8').trimEnd()));
    expect(openGcm(parts, deriveResealSessionKeyV2(k, ctx(), Buffer.from('wrong-guess')))).toBeUndefined();
    expect(openGcm(parts, deriveResealSessionKeyV2(k, ctx(), Buffer.from('hunter2')))!.toString()).toBe('hunter2');
  });

  test('GIVEN fixed inputs THEN the v2 session key is a known answer (the derivation must not change silently: every kept value depends on it)', () => {
    const k = deriveResealMacKey(Buffer.from('known-answer-reseal-key-DEMO-ONLY-0123456789'));
    expect(k.toString('hex')).toBe(KNOWN_MAC_KEY);
    expect(deriveResealSessionKeyV2(k, ctx(), Buffer.from('hunter2')).toString('hex')).toBe(KNOWN_SESSION_KEY_V2);
    // Each context field and the plaintext change it.
    const variants = [
      { ...ctx(), namespace: 'apps2' }, { ...ctx(), name: 'db2' }, { ...ctx(), scope: 'namespace-wide' },
      { ...ctx(), label: 'apps' }, { ...ctx(), dataKey: 'pass2' }, { ...ctx(), certificateFingerprint: Buffer.alloc(32) },
    ];
    for (const c of variants) expect(deriveResealSessionKeyV2(k, c, Buffer.from('hunter2')).toString('hex')).not.toBe(KNOWN_SESSION_KEY_V2);
    expect(deriveResealSessionKeyV2(k, ctx(), Buffer.from('hunter3')).toString('hex')).not.toBe(KNOWN_SESSION_KEY_V2);
  });
});

describe('Churn-free re-sealing: values sealed by the v1 derivation (upgrade without churn)', () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'reseal-v1.json'), 'utf8'));
  const scopes: { [s: string]: SealingScope } = { 'strict': SealingScope.STRICT, 'namespace-wide': SealingScope.NAMESPACE_WIDE, 'cluster-wide': SealingScope.CLUSTER_WIDE };
  const labels: { [n: string]: string } = { db: 'apps/db', shared: 'apps', global: '' };
  const values = () => ({ username: v('admin'), password: v('S3cr3tPassw0rd') });
  beforeEach(() => { process.env.SEALED_TEST_RESEAL_KEY = fixture.resealKeyDemoOnly; });

  /** Writes the v1 fixture as a previous output (one manifest with the three SealedSecrets). */
  function previousOutput(): string {
    const out = path.join(dir, 'v1');
    const app = new App({ outdir: out });
    const chart = new Chart(app, 'sealed');
    for (const [name, { scope, encryptedData }] of Object.entries<any>(fixture.secrets)) {
      new SealedSecret(chart, name, {
        name,
        namespace: 'apps',
        sealingScope: scopes[scope],
        certificate: cert(),
        resealing: Resealing.fromKeyEnvironmentVariable('SEALED_TEST_RESEAL_KEY'),
        previousEncryptedData: encryptedData,
        values: values(),
      });
    }
    app.synth();
    return out;
  }

  function resynth(from: string, outdir: string, options: { keepV1Values?: boolean } = {}): { [name: string]: SealedSecret } {
    const app = new App({ outdir });
    const chart = new Chart(app, 'sealed');
    const resealing = Resealing.fromKeyEnvironmentVariable('SEALED_TEST_RESEAL_KEY', { previousOutput: from, ...options });
    const out: { [name: string]: SealedSecret } = {};
    for (const [name, { scope }] of Object.entries<any>(fixture.secrets)) {
      out[name] = new SealedSecret(chart, name, { name, namespace: 'apps', sealingScope: scopes[scope], certificate: cert(), resealing, values: values() });
    }
    app.synth();
    return out;
  }

  test('GIVEN the v1 fixture THEN it is what the v1 derivation produces (it opens with the v1 session key, not with v2)', () => {
    const key = Buffer.from(fixture.resealKeyDemoOnly);
    const fp = Buffer.from(cert().fingerprint.replace(/:/g, ''), 'hex');
    for (const [name, { scope, encryptedData }] of Object.entries<any>(fixture.secrets)) {
      const c = { certificateFingerprint: fp, namespace: 'apps', name, scope, label: labels[name], dataKey: 'password' };
      const parts = splitSealedValue(encryptedData.password, 512)!;
      expect(openGcm(parts, deriveResealSessionKeyV1(key, c, Buffer.from('S3cr3tPassw0rd')))!.toString()).toBe('S3cr3tPassw0rd');
      expect(openGcm(parts, deriveResealSessionKeyV2(deriveResealMacKey(key), c, Buffer.from('S3cr3tPassw0rd')))).toBeUndefined();
      expect(referenceUnseal(EXAMPLE_KEY_PEM, encryptedData.username, labels[name]).toString()).toBe('admin');
    }
  });

  test('GIVEN a previous output sealed by v1 WHEN re-synthesized THEN every value is kept byte for byte, in every scope, and the manifest is unchanged', () => {
    const v1 = previousOutput();
    const file = (d: string) => fs.readFileSync(path.join(d, 'sealed.k8s.yaml'), 'utf8');
    const out = resynth(v1, path.join(dir, 'out1'));
    for (const [name, { encryptedData }] of Object.entries<any>(fixture.secrets)) {
      expect(out[name].keptKeys).toEqual(['password', 'username']);
      expect(out[name].encryptedData).toEqual(encryptedData);
    }
    expect(file(path.join(dir, 'out1'))).toBe(file(v1));
    // And the next synth too.
    resynth(path.join(dir, 'out1'), path.join(dir, 'out2'));
    expect(file(path.join(dir, 'out2'))).toBe(file(v1));
  });

  test('GIVEN a v1 value whose plaintext changed THEN only it is sealed afresh (under v2), and the others stay v1', () => {
    const v1 = previousOutput();
    const app = new App({ outdir: path.join(dir, 'out1') });
    const ss = new SealedSecret(new Chart(app, 'sealed'), 'db', {
      name: 'db',
      namespace: 'apps',
      certificate: cert(),
      resealing: Resealing.fromKeyEnvironmentVariable('SEALED_TEST_RESEAL_KEY', { previousOutput: v1 }),
      values: { username: v('admin'), password: v('S3cr3tPassw0rD') }, // same length, one letter changed
    });
    app.synth();
    expect(ss.keptKeys).toEqual(['username']);
    expect(ss.encryptedData.username).toBe(fixture.secrets.db.encryptedData.username);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, ss.encryptedData.password, 'apps/db').toString()).toBe('S3cr3tPassw0rD');
  });

  test('GIVEN keepV1Values: false THEN the v1 values are sealed once under v2 (they unseal), and the next synth keeps those', () => {
    const v1 = previousOutput();
    const migrated = resynth(v1, path.join(dir, 'out1'), { keepV1Values: false });
    const key = deriveResealMacKey(Buffer.from(fixture.resealKeyDemoOnly));
    const fp = Buffer.from(cert().fingerprint.replace(/:/g, ''), 'hex');
    for (const [name, { encryptedData }] of Object.entries<any>(fixture.secrets)) {
      expect(migrated[name].keptKeys).toEqual([]);
      expect(migrated[name].encryptedData.password).not.toBe(encryptedData.password);
      expect(referenceUnseal(EXAMPLE_KEY_PEM, migrated[name].encryptedData.password, labels[name]).toString()).toBe('S3cr3tPassw0rd');
      const c = { certificateFingerprint: fp, namespace: 'apps', name, scope: fixture.secrets[name].scope, label: labels[name], dataKey: 'password' };
      expect(openGcm(splitSealedValue(migrated[name].encryptedData.password, 512)!, deriveResealSessionKeyV2(key, c, Buffer.from('S3cr3tPassw0rd')))!.toString()).toBe('S3cr3tPassw0rd');
    }
    const again = resynth(path.join(dir, 'out1'), path.join(dir, 'out2'), { keepV1Values: false });
    for (const name of Object.keys(fixture.secrets)) {
      expect(again[name].keptKeys).toEqual(['password', 'username']);
      expect(again[name].encryptedData).toEqual(migrated[name].encryptedData);
    }
    expect(Resealing.fromKeyFile(keyFile).keepV1Values).toBe(true);
  });
});

describe('Churn-free re-sealing: input errors', () => {
  test('GIVEN a reseal key shorter than 32 bytes THEN it fails without printing the key', () => {
    fs.writeFileSync(keyFile, 'short-key\n');
    expect(() => synthTo(path.join(dir, 'o'), { values: { k: v('x') }, resealing: Resealing.fromKeyFile(keyFile) }))
      .toThrow(/\[sealed\/Db\] resealing: has a reseal key of 9 bytes \(from file ".*reseal\.key"\); it must be at least 32 bytes \(got <redacted>\)\. Fix: generate one with `openssl rand -base64 48` \[CS-SEALED-014\]$/);
  });

  test('GIVEN a missing key file THEN it fails naming the file', () => {
    expect(() => synthTo(path.join(dir, 'o'), { values: { k: v('x') }, resealing: Resealing.fromKeyFile(path.join(dir, 'missing.key')) }))
      .toThrow(/resealing: is Resealing\.fromKeyFile, whose key file cannot be read \(ENOENT\) \(got ".*missing\.key"\)/);
  });

  test('GIVEN an unset key variable THEN it fails naming the variable', () => {
    expect(() => synthTo(path.join(dir, 'o'), { values: { k: v('x') }, resealing: Resealing.fromKeyEnvironmentVariable('SEALED_TEST_RESEAL_KEY') }))
      .toThrow(/resealing: is Resealing\.fromKeyEnvironmentVariable, whose environment variable is not set \(got "SEALED_TEST_RESEAL_KEY"\)/);
  });

  test('GIVEN something that is not a variable name THEN fromKeyEnvironmentVariable fails', () => {
    expect(() => Resealing.fromKeyEnvironmentVariable('1abc')).toThrow(/\[Resealing\.fromKeyEnvironmentVariable\] variableName: must be an environment variable name/);
  });

  test('GIVEN a previous output with broken YAML THEN it fails naming the file', () => {
    const prev = path.join(dir, 'prev');
    fs.mkdirSync(prev);
    fs.writeFileSync(path.join(prev, 'broken.k8s.yaml'), 'a: [1, 2\nb: }');
    expect(() => synthTo(path.join(dir, 'o'), { values: { k: v('x') }, resealing: Resealing.fromKeyFile(keyFile, { previousOutput: prev }) }))
      .toThrow(/resealing\.previousOutput: is not valid YAML .*\(got ".*broken\.k8s\.yaml"\)/);
  });

  test('GIVEN a Resealing whose key was read THEN inspect and JSON of it (and of the SealedSecret) do not show the key', () => {
    const key = crypto.randomBytes(48).toString('hex');
    fs.writeFileSync(keyFile, key);
    const resealing = Resealing.fromKeyFile(keyFile);
    const { ss } = synthTo(path.join(dir, 'o'), { values: { k: v('x') }, resealing });
    const raw = Buffer.from(key);
    const needles = [key, key.slice(0, 16), raw.toString('base64').slice(0, 16), raw.subarray(0, 8).toString('hex').replace(/(..)(?!$)/g, '$1 ')];
    const views = [
      inspect(resealing, { depth: 6, showHidden: true }),
      inspect(ss, { depth: 4 }),
      JSON.stringify(resealing),
      JSON.stringify((ss as any).resealing),
    ];
    for (const view of views) {
      for (const needle of needles) expect(view).not.toContain(needle);
    }
    expect(inspect(resealing)).toContain(`file ${JSON.stringify(keyFile)}`);
  });

  test('GIVEN a Resealing THEN it describes its sources without the key', () => {
    const r = Resealing.fromKeyFile(keyFile, { previousOutput: 'dist' });
    expect(r.keySource).toBe(`file ${JSON.stringify(keyFile)}`);
    expect(r.previousOutput).toBe('dist');
    expect(Resealing.fromKeyEnvironmentVariable('K').keySource).toBe('environment variable K');
  });
});
