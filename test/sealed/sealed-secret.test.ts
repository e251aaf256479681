import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { Lazy } from 'aws-cdk-lib';
import { App, Chart, Testing } from 'cdk8s';
import { EXAMPLE_CERT_FILE, EXAMPLE_KEY_PEM, INSIDE_VALIDITY, referenceUnseal } from './fixtures';
import { SealedSecret, SealedValue, SealingCertificate, SealingScope, SecretProducerKind } from '../../src';
import { expectValid } from '../harness';

const cert = () => SealingCertificate.fromPemFile(EXAMPLE_CERT_FILE, { checkValidityAt: INSIDE_VALIDITY });
const PASSWORD = 'S3cr3tPassw0rd';

/** Synthesizes the chart, checks every object against the upstream schemas, and returns its one SealedSecret. */
function synthOne(chart: Chart): any {
  const objs = Testing.synth(chart).filter((o: any) => o.kind === 'SealedSecret');
  expect(objs).toHaveLength(1);
  expectValid(chart);
  return objs[0];
}

describe('SealedSecret: seed 000 ss-postgres-secret (strict scope)', () => {
  test('GIVEN username and password WHEN synthesized THEN the manifest is what kubeseal writes and passes the CRD schema', () => {
    const chart = Testing.chart();
    const ss = new SealedSecret(chart, 'Postgres', {
      name: 'ss-postgres-secret',
      namespace: 'secrets-demo',
      certificate: cert(),
      values: { username: SealedValue.unsafePlainText('admin'), password: SealedValue.unsafePlainText(PASSWORD) },
    });
    const obj = synthOne(chart);
    expect(obj.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(obj.kind).toBe('SealedSecret');
    expect(obj.metadata).toEqual({ name: 'ss-postgres-secret', namespace: 'secrets-demo' });
    expect(obj.spec.template).toEqual({
      metadata: { name: 'ss-postgres-secret', namespace: 'secrets-demo' },
      type: 'Opaque',
    });
    expect(Object.keys(obj.spec.encryptedData)).toEqual(['password', 'username']);
    // 4096-bit key: prefix 0x0200, so every value starts with "Ag"; length 2 + 512 + len + 16.
    expect(obj.spec.encryptedData.password.startsWith('Ag')).toBe(true);
    expect(Buffer.from(obj.spec.encryptedData.password, 'base64').length).toBe(2 + 512 + PASSWORD.length + 16);
    // Standard base64 with "=" padding (Go base64.StdEncoding): 2 + 512 + 5 + 16 = 535 bytes -> "==".
    for (const value of Object.values(obj.spec.encryptedData) as string[]) {
      expect(value).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(value.length % 4).toBe(0);
    }
    expect(obj.spec.encryptedData.username.endsWith('==')).toBe(true);
    // Layout: uint16be(len(rsa)) || rsa || AES-GCM ciphertext || 16-byte tag.
    expect(Buffer.from(obj.spec.encryptedData.username, 'base64').readUInt16BE(0)).toBe(512);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, obj.spec.encryptedData.username, 'secrets-demo/ss-postgres-secret').toString()).toBe('admin');
    expect(referenceUnseal(EXAMPLE_KEY_PEM, obj.spec.encryptedData.password, 'secrets-demo/ss-postgres-secret').toString()).toBe(PASSWORD);
    expect(ss.encryptionLabel).toBe('secrets-demo/ss-postgres-secret');
    expect(ss.sealingScope).toBe(SealingScope.STRICT);
    expect(ss.encryptedData).toEqual(obj.spec.encryptedData);
    expectValid(chart);
  });

  test('GIVEN a strict value WHEN unsealed under another name, another namespace or a wider scope THEN it fails', () => {
    const chart = Testing.chart();
    new SealedSecret(chart, 'S', { name: 'app', namespace: 'team-a', certificate: cert(), values: { k: SealedValue.unsafePlainText('v') } });
    const value = synthOne(chart).spec.encryptedData.k;
    expect(referenceUnseal(EXAMPLE_KEY_PEM, value, 'team-a/app').toString()).toBe('v');
    for (const wrong of ['team-a/other', 'team-b/app', 'team-a', '']) {
      expect(() => referenceUnseal(EXAMPLE_KEY_PEM, value, wrong)).toThrow();
    }
  });
});

describe('SealedSecret: scopes (seeds 001 and 004)', () => {
  test('GIVEN namespace-wide scope THEN the annotation is on the SealedSecret and on the template, and only the namespace label unseals', () => {
    const chart = Testing.chart();
    const ss = new SealedSecret(chart, 'S', {
      name: 'app-secrets',
      namespace: 'production',
      sealingScope: SealingScope.NAMESPACE_WIDE,
      certificate: cert(),
      values: { password: SealedValue.unsafePlainText('supersecret') },
    });
    const obj = synthOne(chart);
    expect(obj.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(obj.spec.template.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(ss.encryptionLabel).toBe('production');
    const value = obj.spec.encryptedData.password;
    expect(referenceUnseal(EXAMPLE_KEY_PEM, value, 'production').toString()).toBe('supersecret');
    for (const wrong of ['production/app-secrets', '', 'staging']) {
      expect(() => referenceUnseal(EXAMPLE_KEY_PEM, value, wrong)).toThrow();
    }
    expectValid(chart);
  });

  test('GIVEN cluster-wide scope THEN the annotation is on the SealedSecret and on the template, and only the empty label unseals', () => {
    const chart = Testing.chart();
    const ss = new SealedSecret(chart, 'S', {
      name: 'app-secrets',
      namespace: 'production',
      sealingScope: SealingScope.CLUSTER_WIDE,
      certificate: cert(),
      values: { password: SealedValue.unsafePlainText('supersecret') },
    });
    const obj = synthOne(chart);
    expect(obj.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(obj.spec.template.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(ss.encryptionLabel).toBe('');
    const value = obj.spec.encryptedData.password;
    expect(referenceUnseal(EXAMPLE_KEY_PEM, value, '').toString()).toBe('supersecret');
    for (const wrong of ['production/app-secrets', 'production']) {
      expect(() => referenceUnseal(EXAMPLE_KEY_PEM, value, wrong)).toThrow();
    }
    expectValid(chart);
  });

  test('GIVEN strict scope THEN no scope annotation is written', () => {
    const chart = Testing.chart();
    new SealedSecret(chart, 'S', { name: 'a', namespace: 'n', certificate: cert(), values: { k: SealedValue.unsafePlainText('v') } });
    const obj = synthOne(chart);
    expect(obj.metadata.annotations).toBeUndefined();
    expect(obj.spec.template.metadata.annotations).toBeUndefined();
  });
});

describe('SealedSecret: template and metadata', () => {
  test('GIVEN type, labels, annotations, immutable and own metadata THEN each lands where the controller reads it', () => {
    const chart = Testing.chart();
    new SealedSecret(chart, 'S', {
      name: 'basic',
      namespace: 'apps',
      sealingScope: SealingScope.NAMESPACE_WIDE,
      certificate: cert(),
      type: 'kubernetes.io/basic-auth',
      labels: { 'app.kubernetes.io/name': 'db' },
      annotations: { 'reloader.stakater.com/match': 'true' },
      immutable: true,
      sealedSecretLabels: { team: 'platform' },
      sealedSecretAnnotations: { 'argocd.argoproj.io/sync-wave': '-1' },
      values: { username: SealedValue.unsafePlainText('u'), password: SealedValue.unsafePlainText('p') },
    });
    const obj = synthOne(chart);
    expect(obj.metadata).toEqual({
      name: 'basic',
      namespace: 'apps',
      labels: { team: 'platform' },
      annotations: { 'argocd.argoproj.io/sync-wave': '-1', 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
    });
    expect(obj.spec.template).toEqual({
      metadata: {
        name: 'basic',
        namespace: 'apps',
        labels: { 'app.kubernetes.io/name': 'db' },
        annotations: { 'reloader.stakater.com/match': 'true', 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
      },
      type: 'kubernetes.io/basic-auth',
      immutable: true,
    });
    expectValid(chart);
  });

  test('GIVEN no name and a chart namespace THEN the generated name and the chart namespace are sealed into the label', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'from-chart' });
    const ss = new SealedSecret(chart, 'Db', { certificate: cert(), values: { k: SealedValue.unsafePlainText('v') } });
    const obj = synthOne(chart);
    expect(obj.metadata.namespace).toBe('from-chart');
    expect(obj.metadata.name).toBe(ss.secretName);
    expect(obj.spec.template.metadata.name).toBe(ss.secretName);
    expect(ss.secretName).toMatch(/^c-db-/);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, obj.spec.encryptedData.k, `from-chart/${ss.secretName}`).toString()).toBe('v');
    expectValid(chart);
  });

  test('GIVEN addValue THEN the value is sealed and keys stay sorted', () => {
    const chart = Testing.chart();
    const ss = new SealedSecret(chart, 'S', { name: 'a', namespace: 'n', certificate: cert(), values: { z: SealedValue.unsafePlainText('1') } });
    ss.addValue('a.txt', SealedValue.unsafePlainText('2'));
    const obj = synthOne(chart);
    expect(Object.keys(obj.spec.encryptedData)).toEqual(['a.txt', 'z']);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, obj.spec.encryptedData['a.txt'], 'n/a').toString()).toBe('2');
  });

  test('GIVEN no resealing WHEN the same value is sealed twice THEN the ciphertexts differ (fully random)', () => {
    const chart = Testing.chart();
    const a = new SealedSecret(chart, 'A', { name: 'a', namespace: 'n', certificate: cert(), values: { k: SealedValue.unsafePlainText('same') } });
    const b = new SealedSecret(chart, 'B', { name: 'a', namespace: 'm', certificate: cert(), values: { k: SealedValue.unsafePlainText('same') } });
    const c = new SealedSecret(Testing.chart(), 'A', { name: 'a', namespace: 'n', certificate: cert(), values: { k: SealedValue.unsafePlainText('same') } });
    expect(a.encryptedData.k).not.toBe(c.encryptedData.k);
    expect(a.encryptedData.k.slice(700)).not.toBe(c.encryptedData.k.slice(700)); // the AES-GCM part differs too
    expect(b.keptKeys).toEqual([]);
  });
});

describe('SealedSecret: plaintext sources', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); delete process.env.SEALED_TEST_PASSWORD; });

  test('GIVEN fromFile THEN the file bytes are sealed exactly (trailing newline kept, binary safe)', () => {
    fs.writeFileSync(path.join(dir, 'dbuser'), 'heptio\n');
    const binary = Buffer.from([0, 1, 2, 255, 254, 10]);
    fs.writeFileSync(path.join(dir, 'blob'), binary);
    const chart = Testing.chart();
    new SealedSecret(chart, 'S', {
      name: 'mysecret',
      namespace: 'default',
      certificate: cert(),
      values: { dbuser: SealedValue.fromFile(path.join(dir, 'dbuser')), blob: SealedValue.fromFile(path.join(dir, 'blob')) },
    });
    const obj = synthOne(chart);
    expect(referenceUnseal(EXAMPLE_KEY_PEM, obj.spec.encryptedData.dbuser, 'default/mysecret').toString()).toBe('heptio\n');
    expect(referenceUnseal(EXAMPLE_KEY_PEM, obj.spec.encryptedData.blob, 'default/mysecret')).toEqual(binary);
  });

  test('GIVEN fromEnvironmentVariable with a named variable THEN its value is sealed', () => {
    process.env.SEALED_TEST_PASSWORD = 'from-env-value';
    const chart = Testing.chart();
    new SealedSecret(chart, 'S', { name: 'a', namespace: 'n', certificate: cert(), values: { p: SealedValue.fromEnvironmentVariable('SEALED_TEST_PASSWORD') } });
    expect(referenceUnseal(EXAMPLE_KEY_PEM, synthOne(chart).spec.encryptedData.p, 'n/a').toString()).toBe('from-env-value');
  });

  test('GIVEN an empty literal THEN it is refused (kubeseal would seal it, but no consumer can use an empty value)', () => {
    expect(() => SealedValue.unsafePlainText('')).toThrow(/^\[SealedValue.unsafePlainText\] value: is empty.*Fix: pass the plaintext, or leave the key out/);
  });

  test('GIVEN any source THEN the plaintext is nowhere in the manifest, the construct tree or its description', () => {
    const secret = 'Pl41nText-MUST-NOT-LEAK';
    fs.writeFileSync(path.join(dir, 'f'), secret + '-file');
    process.env.SEALED_TEST_PASSWORD = secret + '-env';
    const chart = Testing.chart();
    const literal = SealedValue.unsafePlainText(secret);
    const ss = new SealedSecret(chart, 'S', {
      name: 'a',
      namespace: 'n',
      certificate: cert(),
      values: { l: literal, f: SealedValue.fromFile(path.join(dir, 'f')), e: SealedValue.fromEnvironmentVariable('SEALED_TEST_PASSWORD') },
    });
    // The chart's own app (a fresh Testing.app() would hold nothing) renders the YAML a synth writes.
    const text = JSON.stringify(Testing.synth(chart)) + (chart.node.root as App).synthYaml();
    expect(text).toContain('kind: SealedSecret');
    expectValid(chart);
    for (const needle of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
      expect(text).not.toContain(needle);
      expect(JSON.stringify(literal)).not.toContain(needle);
      expect(String(literal)).not.toContain(needle);
      expect(inspect(literal, { depth: 5, showHidden: true })).not.toContain(needle);
      expect(inspect(ss, { depth: 6, showHidden: true })).not.toContain(needle);
    }
    expect(String(literal)).toBe('SealedValue(literal (unsafePlainText))');
    expect(JSON.stringify(SealedValue.fromEnvironmentVariable('X_Y'))).toBe('"SealedValue(environment variable X_Y)"');
  });

  test('GIVEN fromFile with a missing file THEN synth fails naming the path and the construct (the file is read at synth, not before)', () => {
    const chart = Testing.chart();
    const ss = new SealedSecret(chart, 'S', { name: 'a', namespace: 'n', certificate: cert(), values: { k: SealedValue.fromFile(path.join(dir, 'nope')) } });
    expect(ss.secretKeys).toEqual(['k']);
    expect(() => Testing.synth(chart))
      .toThrow(/\[test\/S\] values\.k: is a SealedValue\.fromFile whose file cannot be read \(ENOENT\).*nope/);
  });

  test('GIVEN fromFile with an empty path THEN it fails', () => {
    expect(() => SealedValue.fromFile('')).toThrow(/SealedValue\.fromFile\] filePath: must be a non-empty path/);
  });

  test('GIVEN fromEnvironmentVariable with an unset variable THEN synth fails naming the variable, not a value (the variable is read at synth, not before)', () => {
    const chart = Testing.chart();
    const ss = new SealedSecret(chart, 'S', { name: 'a', namespace: 'n', certificate: cert(), values: { k: SealedValue.fromEnvironmentVariable('SEALED_TEST_UNSET_VAR') } });
    expect(() => ss.encryptedData)
      .toThrow(/values\.k: is a SealedValue\.fromEnvironmentVariable whose environment variable is not set \(got "SEALED_TEST_UNSET_VAR"\)/);
  });

  test('GIVEN fromEnvironmentVariable with something that is not a variable name (a value by mistake) THEN it fails', () => {
    expect(() => SealedValue.fromEnvironmentVariable('my password')).toThrow(/variableName: must be an environment variable name/);
  });

  test('GIVEN unsafePlainText with a non-string THEN it fails without echoing the value', () => {
    expect(() => SealedValue.unsafePlainText(42 as any)).toThrow(/^\[SealedValue\.unsafePlainText\] value: must be a string\. Fix/);
  });
});

describe('SealedSecret: IProducedSecret', () => {
  test('GIVEN a SealedSecret THEN it exposes the Secret it produces', () => {
    const chart = Testing.chart();
    const ss = new SealedSecret(chart, 'S', { name: 'ss-postgres-secret', namespace: 'secrets-demo', certificate: cert(), values: { username: SealedValue.unsafePlainText('a'), password: SealedValue.unsafePlainText('b') } });
    expect(ss.secretName).toBe('ss-postgres-secret');
    expect(ss.secretNamespace).toBe('secrets-demo');
    expect(ss.secretKeys).toEqual(['password', 'username']);
    expect(ss.producerKind).toBe(SecretProducerKind.SEALED_SECRETS);
    expect(ss.addRolloutRestartTarget({ kind: 'Deployment', name: 'web' })).toBe(false);
    expect(ss.node.defaultChild).toBeDefined();
    expect((ss.node.defaultChild as any).kind).toBe('SealedSecret');
    expect(SealedSecret.isSealedSecret(ss)).toBe(true);
    expect(SealedSecret.isSealedSecret(chart)).toBe(false);
    expect(SealedSecret.isSealedSecret(undefined)).toBe(false);
  });
});

describe('SealedSecret: input errors', () => {
  const base = () => ({ certificate: cert(), values: { k: SealedValue.unsafePlainText('v') } });

  test('GIVEN no namespace and a chart without one THEN it fails', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new SealedSecret(chart, 'S', { ...base(), name: 'a' })).toThrow(/\[c\/S\] namespace: is required because the chart has no namespace; the ciphertext is bound to the namespace/);
  });

  test('GIVEN an invalid namespace or name THEN it fails', () => {
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'a', namespace: 'Bad_NS' })).toThrow(/namespace: must be a DNS-1123 label/);
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'Bad Name', namespace: 'n' })).toThrow(/name: must be a DNS-1123 subdomain/);
  });

  test('GIVEN an unresolved token as name or namespace THEN it fails: the label is sealed at synth', () => {
    const token = Lazy.string({ produce: () => 'x' });
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: token, namespace: 'n' })).toThrow(/name: is an unresolved CDK token/);
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'a', namespace: token })).toThrow(/namespace: is an unresolved CDK token/);
  });

  test('GIVEN an invalid or duplicate data key THEN it fails', () => {
    expect(() => new SealedSecret(Testing.chart(), 'S', { certificate: cert(), name: 'a', namespace: 'n', values: { 'a/b': SealedValue.unsafePlainText('v') } }))
      .toThrow(/values\.a\/b: must be a valid Secret data key/);
    const ss = new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'a', namespace: 'n' });
    expect(() => ss.addValue('k', SealedValue.unsafePlainText('w'))).toThrow(/values\.k: is given twice/);
  });

  test('GIVEN a value that is not a SealedValue (a plain string) THEN it fails without echoing it', () => {
    expect(() => new SealedSecret(Testing.chart(), 'S', { certificate: cert(), name: 'a', namespace: 'n', values: { k: 'hunter2' as any } }))
      .toThrow(/^\[test\/S\] values\.k: must be a SealedValue\. Fix/);
  });

  test('GIVEN values of other types THEN isSealedValue and isSealingCertificate say no; GIVEN the real ones THEN yes', () => {
    expect(SealedValue.isSealedValue(SealedValue.unsafePlainText('x'))).toBe(true);
    expect(SealingCertificate.isSealingCertificate(cert())).toBe(true);
    for (const other of [undefined, null, 'x', 1, {}, { _plaintext: () => 'x' }, { _use: () => undefined }]) {
      expect(SealedValue.isSealedValue(other)).toBe(false);
      expect(SealingCertificate.isSealingCertificate(other)).toBe(false);
    }
  });

  test('GIVEN no certificate (from an untyped caller) THEN it fails', () => {
    expect(() => new SealedSecret(Testing.chart(), 'S', { name: 'a', namespace: 'n', certificate: undefined as any })).toThrow(/\[test\/S\] certificate: must be a SealingCertificate/);
  });

  test('GIVEN an unknown scope THEN it fails', () => {
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'a', namespace: 'n', sealingScope: 'wide' as any })).toThrow(/sealingScope: must be a SealingScope/);
  });

  test('GIVEN an empty type THEN it fails', () => {
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'a', namespace: 'n', type: '' })).toThrow(/type: must not be empty/);
  });

  test('GIVEN a scope annotation that contradicts the scope THEN it fails', () => {
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'a', namespace: 'n', sealedSecretAnnotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } }))
      .toThrow(/sealedSecretAnnotations\.sealedsecrets\.bitnami\.com\/cluster-wide: selects the cluster-wide scope, but the scope is strict/);
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'a', namespace: 'n', sealingScope: SealingScope.CLUSTER_WIDE, annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' } }))
      .toThrow(/annotations\.sealedsecrets\.bitnami\.com\/namespace-wide: selects the namespace-wide scope, but the scope is cluster-wide/);
    expect(() => new SealedSecret(Testing.chart(), 'S', { ...base(), name: 'a', namespace: 'n', sealingScope: SealingScope.CLUSTER_WIDE, annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'false' } }))
      .toThrow(/annotations\.sealedsecrets\.bitnami\.com\/cluster-wide: must be "true" for the scope the values are sealed for/);
  });

  test.each([
    ['kubernetes.io/tls', ['tls.crt'], /values: lacks "tls\.key", which a Secret of type kubernetes\.io\/tls must have/],
    ['kubernetes.io/tls', [], /values: lacks "tls\.crt" and "tls\.key"/],
    ['kubernetes.io/ssh-auth', ['key'], /values: lacks "ssh-privatekey"/],
    ['kubernetes.io/dockerconfigjson', ['config.json'], /values: lacks "\.dockerconfigjson"/],
    ['kubernetes.io/dockercfg', [], /values: lacks "\.dockercfg"/],
    ['kubernetes.io/basic-auth', ['user'], /values: has none of "username", "password", one of which a Secret of type kubernetes\.io\/basic-auth must have/],
  ])('GIVEN type %s with keys %j THEN synth fails: the API server would reject the Secret', (type, keys, message) => {
    const chart = Testing.chart();
    const values = Object.fromEntries((keys as string[]).map((k) => [k, SealedValue.unsafePlainText('v')]));
    new SealedSecret(chart, 'S', { certificate: cert(), name: 'a', namespace: 'n', type: type as string, values });
    expect(() => Testing.synth(chart)).toThrow(message as RegExp);
  });

  test('GIVEN a built-in type whose keys are added later with addValue THEN synth passes', () => {
    const chart = Testing.chart();
    const ss = new SealedSecret(chart, 'S', { certificate: cert(), name: 'tls', namespace: 'n', type: 'kubernetes.io/tls' });
    ss.addValue('tls.crt', SealedValue.unsafePlainText('c'));
    ss.addValue('tls.key', SealedValue.unsafePlainText('k'));
    const basic = new SealedSecret(chart, 'B', { certificate: cert(), name: 'b', namespace: 'n', type: 'kubernetes.io/basic-auth', values: { password: SealedValue.unsafePlainText('p') } });
    expect(basic.secretKeys).toEqual(['password']);
    expect(() => Testing.synth(chart)).not.toThrow();
    expectValid(chart);
  });

  test('GIVEN the matching scope annotation given by hand THEN it is accepted once', () => {
    const chart = Testing.chart();
    new SealedSecret(chart, 'S', { ...base(), name: 'a', namespace: 'n', sealingScope: SealingScope.CLUSTER_WIDE, sealedSecretAnnotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } });
    expect(synthOne(chart).metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
  });
});
