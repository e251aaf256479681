import * as crypto from 'crypto';
import { Chart, Testing } from 'cdk8s';
import { EXAMPLE_CERT_FILE, EXAMPLE_KEY_PEM, INSIDE_VALIDITY, OTHER_CERT_PEM, referenceUnseal } from './fixtures';
import { SealedSecret, SealedValue, SealingCertificate, SealingScope } from '../../src';
import { runBatch, sealingHelpersRunning, stopSealingHelpers } from '../../src/sealed/pool';

const cert = () => SealingCertificate.fromPemFile(EXAMPLE_CERT_FILE, { checkValidityAt: INSIDE_VALIDITY });
const v = (s: string) => SealedValue.unsafePlainText(s);

afterEach(async () => {
  delete process.env.CDK8S_SECRETS_SEALING_THREADS;
  delete process.env.BATCH_TEST_MISSING;
  await stopSealingHelpers();
});

describe('Sealing a construct tree in one batch', () => {
  test('GIVEN several SealedSecrets WHEN one is read THEN every pending value of the tree is sealed, each for its own label', () => {
    const chart: Chart = Testing.chart();
    const scopes = [SealingScope.STRICT, SealingScope.NAMESPACE_WIDE, SealingScope.CLUSTER_WIDE];
    const labels = ['apps/s0', 'apps', ''];
    const all = scopes.map((sealingScope, i) => new SealedSecret(chart, `S${i}`, {
      name: `s${i}`, namespace: 'apps', sealingScope, certificate: cert(), values: { a: v(`a-${i}`), b: v(`b-${i}`) },
    }));
    const first = all[0].encryptedData;
    // The others were sealed by the same batch: their values are there without being read again.
    expect(all.map((s) => (s as any).pending.size)).toEqual([0, 0, 0]);
    expect(Object.keys(first)).toEqual(['a', 'b']);
    all.forEach((s, i) => {
      expect(referenceUnseal(EXAMPLE_KEY_PEM, s.encryptedData.a, labels[i]).toString()).toBe(`a-${i}`);
      expect(referenceUnseal(EXAMPLE_KEY_PEM, s.encryptedData.b, labels[i]).toString()).toBe(`b-${i}`);
    });
    // Reading again gives the same ciphertext (sealed once).
    expect(all[1].encryptedData).toEqual(all[1].encryptedData);
  });

  test('GIVEN another SealedSecret of the tree whose value cannot be read THEN the batch seals the rest, and the error is raised by that SealedSecret, naming it', () => {
    const chart: Chart = Testing.chart();
    const good = new SealedSecret(chart, 'Good', { name: 'good', namespace: 'apps', certificate: cert(), values: { k: v('fine') } });
    const bad = new SealedSecret(chart, 'Bad', { name: 'bad', namespace: 'apps', certificate: cert(), values: { k: SealedValue.fromEnvironmentVariable('BATCH_TEST_MISSING') } });
    expect(referenceUnseal(EXAMPLE_KEY_PEM, good.encryptedData.k, 'apps/good').toString()).toBe('fine');
    expect(() => bad.encryptedData).toThrow(/\[test\/Bad\] values\.k: is a SealedValue\.fromEnvironmentVariable whose environment variable is not set .*\[CS-SEALED-030\]/);
    // Once the input is there, it seals.
    process.env.BATCH_TEST_MISSING = 'now-set';
    expect(referenceUnseal(EXAMPLE_KEY_PEM, bad.encryptedData.k, 'apps/bad').toString()).toBe('now-set');
  });

  test('GIVEN SealedSecrets sealed with two certificates in one batch THEN each value is sealed with its own certificate', () => {
    const chart: Chart = Testing.chart();
    const a = new SealedSecret(chart, 'A', { name: 'a', namespace: 'apps', certificate: cert(), values: { k: v('x') } });
    const b = new SealedSecret(chart, 'B', {
      name: 'b', namespace: 'apps', certificate: SealingCertificate.fromPem(OTHER_CERT_PEM, { checkValidityAt: new Date('2027-01-01T00:00:00Z') }), values: { k: v('y') },
    });
    expect(Buffer.from(a.encryptedData.k, 'base64').readUInt16BE(0)).toBe(512);
    expect(Buffer.from(b.encryptedData.k, 'base64').readUInt16BE(0)).toBe(256);
    expect(Buffer.from(b.encryptedData.k, 'base64').length).toBe(2 + 256 + 1 + 16);
  });

  test('GIVEN a batch large enough for the helper threads THEN they are used, and every value unseals', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    const chart: Chart = Testing.chart();
    const values: { [k: string]: SealedValue } = {};
    for (let i = 0; i < 700; i++) values[`k${i}`] = v(`value-${i}`);
    const ss = new SealedSecret(chart, 'Many', { name: 'many', namespace: 'apps', certificate: cert(), values });
    const enc = ss.encryptedData;
    expect(sealingHelpersRunning()).toBe(1);
    // Unsealing with RSA-4096 is slow: every 7th value (main thread and helper take turns through the batch).
    expect(Object.keys(enc).length).toBe(700);
    for (let i = 0; i < 700; i += 7) expect(referenceUnseal(EXAMPLE_KEY_PEM, enc[`k${i}`], 'apps/many').toString()).toBe(`value-${i}`);
    expect(new Set(Object.values(enc)).size).toBe(700);
  });

  test('GIVEN a small batch and no helpers running THEN no helper thread is started', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    const chart: Chart = Testing.chart();
    const ss = new SealedSecret(chart, 'Few', { name: 'few', namespace: 'apps', certificate: cert(), values: { a: v('1'), b: v('2') } });
    expect(Object.keys(ss.encryptedData)).toEqual(['a', 'b']);
    expect(sealingHelpersRunning()).toBe(0);
  });
});

describe('runBatch (helper threads with a synchronous hand-off)', () => {
  // An RSA-2048 key made for these tests: decrypting every output stays fast.
  const { privateKey, publicKey: pub } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKey = () => pub;
  const decrypt = (c: Buffer, label: Buffer) => crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, c);

  test('GIVEN scrypt items THEN the outputs equal scryptSync, in order, with and without helpers', () => {
    const items = Array.from({ length: 80 }, (_, i) => [Buffer.from(`password-${i}`), Buffer.from(`salt-${i}`)] as const);
    const job = { kind: 'scrypt' as const, N: 1024, r: 8, p: 1, maxmem: 64 * 1024 * 1024, outputBytes: 32 };
    const expected = items.map(([a, c]) => crypto.scryptSync(a, c, 32, { N: 1024, r: 8, p: 1 }).toString('hex'));
    process.env.CDK8S_SECRETS_SEALING_THREADS = '1';
    expect(runBatch(job, items).map((b) => b.toString('hex'))).toEqual(expected);
    expect(sealingHelpersRunning()).toBe(0);
    process.env.CDK8S_SECRETS_SEALING_THREADS = '3';
    expect(runBatch(job, items).map((b) => b.toString('hex'))).toEqual(expected);
    expect(sealingHelpersRunning()).toBe(2);
    // The caller's inputs are left as they were (only the shared copies are zeroed).
    expect(items[3][0].toString()).toBe('password-3');
  });

  /** Opens a value sealed with the test key (RSA-2048): the session key, then the plaintext. */
  const open = (sealed: Buffer, label: Buffer): string => {
    expect(sealed.readUInt16BE(0)).toBe(256);
    const sk = decrypt(sealed.subarray(2, 258), label);
    const d = crypto.createDecipheriv('aes-256-gcm', sk, Buffer.alloc(12));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(258, sealed.length - 16)), d.final()]).toString();
  };
  const sealItems = (n: number) => Array.from({ length: n }, (_, i) => [crypto.randomBytes(32), Buffer.from(`ns/name-${i}`), Buffer.from(`plaintext ${'x'.repeat(i % 50)}`)]);

  test('GIVEN values to seal THEN every output is a kubeseal value of its plaintext under its label, with and without helpers', () => {
    const key = publicKey();
    const spki = key.export({ type: 'spki', format: 'der' });
    const items = sealItems(600);
    process.env.CDK8S_SECRETS_SEALING_THREADS = '1';
    const alone = runBatch({ kind: 'kubeseal', spki, modulusBytes: 256 }, items.slice(0, 50), key);
    expect(sealingHelpersRunning()).toBe(0);
    alone.forEach((c, i) => expect(open(c, items[i][1])).toBe(items[i][2].toString()));
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    const out = runBatch({ kind: 'kubeseal', spki, modulusBytes: 256 }, items, key);
    expect(sealingHelpersRunning()).toBe(1);
    out.forEach((c, i) => {
      expect(c.length).toBe(2 + 256 + items[i][2].length + 16);
      expect(open(c, items[i][1])).toBe(items[i][2].toString());
    });
  });

  test('GIVEN a helper that fails on the batch THEN the calling thread computes the items it left, and the result is complete', () => {
    process.env.CDK8S_SECRETS_SEALING_THREADS = '2';
    const key = publicKey();
    const items = sealItems(600);
    // The helpers get an unparsable key and fail at once; this thread has the real one.
    const out = runBatch({ kind: 'kubeseal', spki: Buffer.from('not a key'), modulusBytes: 256 }, items, key);
    out.forEach((c, i) => expect(open(c, items[i][1])).toBe(items[i][2].toString()));
  });

  test('GIVEN an empty batch THEN the result is empty', () => {
    expect(runBatch({ kind: 'scrypt', N: 2, r: 1, p: 1, maxmem: 1024 * 1024, outputBytes: 32 }, [])).toEqual([]);
  });
});
