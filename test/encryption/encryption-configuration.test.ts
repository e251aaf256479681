import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import YAML from 'yaml';
import { Artifacts, EncryptionConfiguration, EncryptionKey, EncryptionProvider, KeyFileFormat, KmsApiVersion } from '../../src';

const DEMO_KEY_FILE = path.join(__dirname, 'fixtures', 'demo-only-secretbox.key');
const SEED_KEY = 'u7mcOcHKbFh9eVluB18hbFIsVfwpvgbXv650QacDYXA=';
const OTHER_KEY = Buffer.alloc(32, 7).toString('base64');

function render(rules: any[], fileName?: string) {
  const chart = Testing.chart();
  const cfg = new EncryptionConfiguration(chart, 'Enc', { rules, fileName });
  return { cfg, doc: YAML.parse(cfg.artifact.content), text: cfg.artifact.content };
}

describe('seed 004', () => {
  test('the secretbox example: key from a file, identity last', () => {
    const { cfg, doc, text } = render([{
      providers: [EncryptionProvider.secretbox([EncryptionKey.fromFile('secret-key-1', DEMO_KEY_FILE)]), EncryptionProvider.identity()],
    }]);
    expect(doc).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [{
        resources: ['secrets'],
        providers: [{ secretbox: { keys: [{ name: 'secret-key-1', secret: SEED_KEY }] } }, { identity: {} }],
      }],
    });
    expect(text.startsWith('# EncryptionConfiguration for kube-apiserver --encryption-provider-config.\n# Contains encryption keys')).toBe(true);
    expect(cfg.fileName).toBe('encryption-config.yaml');
  });

  test('the KMS provider example (KMS v1 with cachesize, exactly as the seed) and its v2 form', () => {
    const v1 = render([{ providers: [EncryptionProvider.kms({ name: 'myKmsPlugin', endpoint: 'unix:///tmp/socketfile.sock', cacheSize: 100, timeout: Duration.seconds(3), apiVersion: KmsApiVersion.V1 }), EncryptionProvider.identity()] }]);
    expect(v1.doc.resources[0].providers).toEqual([
      { kms: { apiVersion: 'v1', name: 'myKmsPlugin', endpoint: 'unix:///tmp/socketfile.sock', cachesize: 100, timeout: '3s' } },
      { identity: {} },
    ]);
    const v2 = render([{ providers: [EncryptionProvider.kms({ name: 'myKmsPlugin', endpoint: 'unix:///tmp/socketfile.sock' }), EncryptionProvider.identity()] }]);
    expect(v2.doc.resources[0].providers).toEqual([
      { kms: { apiVersion: 'v2', name: 'myKmsPlugin', endpoint: 'unix:///tmp/socketfile.sock', timeout: '3s' } },
      { identity: {} },
    ]);
  });
});

describe('providers and keys', () => {
  test('rotation order is kept: the first key encrypts; aesgcm and aescbc; several rules', () => {
    process.env.CDK8S_SECRETS_TEST_KEY = OTHER_KEY;
    const rawFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'enc-')), 'raw.key');
    fs.writeFileSync(rawFile, Buffer.alloc(32, 9));
    const { doc } = render([
      { resources: ['secrets'], providers: [EncryptionProvider.aesgcm([EncryptionKey.fromEnvironmentVariable('new', 'CDK8S_SECRETS_TEST_KEY'), EncryptionKey.unsafeFromBase64('old', SEED_KEY)]), EncryptionProvider.identity()] },
      { resources: ['configmaps', 'deployments.apps'], providers: [EncryptionProvider.aescbc([EncryptionKey.fromFile('raw', rawFile, { format: KeyFileFormat.RAW })])] },
    ], 'etc/encryption.yaml');
    delete process.env.CDK8S_SECRETS_TEST_KEY;
    expect(doc.resources[0].providers[0]).toEqual({ aesgcm: { keys: [{ name: 'new', secret: OTHER_KEY }, { name: 'old', secret: SEED_KEY }] } });
    expect(doc.resources[1]).toEqual({ resources: ['configmaps', 'deployments.apps'], providers: [{ aescbc: { keys: [{ name: 'raw', secret: Buffer.alloc(32, 9).toString('base64') }] } }] });
  });

  test('the file artifact is written by Artifacts.synth', () => {
    const chart = Testing.chart();
    new EncryptionConfiguration(chart, 'Enc', { fileName: 'cp/encryption.yaml', rules: [{ providers: [EncryptionProvider.secretbox([EncryptionKey.fromFile('k', DEMO_KEY_FILE)])] }] });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-out-'));
    expect(Artifacts.synth(chart, out)).toEqual([path.join(out, 'cp/encryption.yaml')]);
    expect(YAML.parse(fs.readFileSync(path.join(out, 'cp/encryption.yaml'), 'utf8')).kind).toBe('EncryptionConfiguration');
    // It carries keys: readable by its owner only.
    expect((fs.statSync(path.join(out, 'cp/encryption.yaml')).mode % 0o1000).toString(8)).toBe('600');
  });

  const secretbox = (k: EncryptionKey) => [{ providers: [EncryptionProvider.secretbox([k])] }];
  test.each([
    ['a 16-byte key', secretbox(EncryptionKey.unsafeFromBase64('k', Buffer.alloc(16, 1).toString('base64'))), /providers\[0\]\.keys\[0\]\.secret: from a literal in the program is 16 bytes long, but must be exactly 32 \(got <redacted>\)/],
    ['non-base64 text', secretbox(EncryptionKey.unsafeFromBase64('k', 'not base64!')), /keys\[0\]\.secret: from a literal in the program is not standard padded base64 \(got <redacted>\)/],
    ['unpadded base64', secretbox(EncryptionKey.unsafeFromBase64('k', SEED_KEY.replace('=', ''))), /is not standard padded base64/],
    ['a missing file', secretbox(EncryptionKey.fromFile('k', '/nonexistent/key')), /keys\[0\]\.file: cannot be read \(ENOENT\) \(got "\/nonexistent\/key"\)/],
    ['a raw file of the wrong size', secretbox(EncryptionKey.fromFile('k', DEMO_KEY_FILE, { format: KeyFileFormat.RAW })), /from file ".*demo-only-secretbox.key" is 45 bytes long/],
    ['an unset variable', secretbox(EncryptionKey.fromEnvironmentVariable('k', 'CDK8S_SECRETS_UNSET_VAR')), /keys\[0\]\.variableName: is not set \(or empty\)/],
    ['a bad variable name', secretbox(EncryptionKey.fromEnvironmentVariable('k', '1-X')), /keys\[0\]\.variableName: is not an environment variable name/],
    ['a bad key name', secretbox(EncryptionKey.unsafeFromBase64('a:b', SEED_KEY)), /keys\[0\]\.name: must be 1-128 letters/],
    ['no keys', [{ providers: [EncryptionProvider.secretbox([])] }], /providers\[0\]\.keys: is empty: secretbox needs at least one key/],
    ['two keys with one name', [{ providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY), EncryptionKey.unsafeFromBase64('k', OTHER_KEY)])] }], /keys\[1\]\.name: is used by two keys/],
    ['identity first', [{ providers: [EncryptionProvider.identity(), EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY)])] }], /providers\[0\]: comes first, so every write would be stored unencrypted/],
    ['identity in the middle', [{ providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY)]), EncryptionProvider.identity(), EncryptionProvider.aescbc([EncryptionKey.unsafeFromBase64('k', SEED_KEY)])] }], /providers\[1\]: comes before other providers; it may only be last/],
    ['identity alone', [{ providers: [EncryptionProvider.identity()] }], /comes first|is the only provider/],
    ['a provider twice', [{ providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('a', SEED_KEY)]), EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('b', SEED_KEY)])] }], /providers\[1\]: is listed twice in this rule/],
    ['no providers', [{ providers: [] }], /rules\[0\]\.providers: is empty/],
    ['no rules', [], /rules: is empty/],
    ['empty resources', [{ resources: [], providers: [EncryptionProvider.identity()] }], /rules\[0\]\.resources: is empty/],
    ['a bad resource', [{ resources: ['Secrets'], providers: [EncryptionProvider.identity()] }], /rules\[0\]\.resources\[0\]: is not a resource/],
    ['a duplicate resource', [
      { providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY)])] },
      { providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY)])] },
    ], /rules\[1\]\.resources\[0\]: is already listed in rules\[0\]/],
    ['a resource masked by an earlier wildcard', [
      { resources: ['*.'], providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY)])] },
      { resources: ['secrets'], providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY)])] },
    ], /rules\[1\]\.resources\[0\]: is masked by "\*\." in rules\[0\]/],
    ['a group masked by *.*', [
      { resources: ['*.*'], providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY)])] },
      { resources: ['*.apps'], providers: [EncryptionProvider.secretbox([EncryptionKey.unsafeFromBase64('k', SEED_KEY)])] },
    ], /is masked by "\*\.\*"/],
    ['a KMS name twice', [{ providers: [EncryptionProvider.kms({ name: 'a', endpoint: 'unix:///a.sock' }), EncryptionProvider.kms({ name: 'a', endpoint: 'unix:///b.sock' })] }], /providers\[1\]\.name: is also the name of the KMS provider at rules\[0\]\.providers\[0\]/],
    ['a KMS name with ":"', [{ providers: [EncryptionProvider.kms({ name: 'a:b', endpoint: 'unix:///a.sock' })] }], /providers\[0\]\.name: must be 1-253 letters/],
    ['a TCP endpoint', [{ providers: [EncryptionProvider.kms({ name: 'a', endpoint: 'tcp://10.0.0.1:80' })] }], /providers\[0\]\.endpoint: must be a UNIX socket URL/],
    ['a sub-second timeout', [{ providers: [EncryptionProvider.kms({ name: 'a', endpoint: 'unix:///a.sock', timeout: Duration.millis(500) })] }], /providers\[0\]\.timeout: must be a positive whole number of seconds/],
    ['cacheSize on v2', [{ providers: [EncryptionProvider.kms({ name: 'a', endpoint: 'unix:///a.sock', cacheSize: 10 })] }], /providers\[0\]\.cacheSize: is only supported by KMS v1/],
    ['cacheSize 0', [{ providers: [EncryptionProvider.kms({ name: 'a', endpoint: 'unix:///a.sock', cacheSize: 0, apiVersion: KmsApiVersion.V1 })] }], /providers\[0\]\.cacheSize: must be a non-zero integer/],
  ])('%s is rejected', (_n, rules, error) => {
    expect(() => render(rules)).toThrow(error);
  });

  test('no key material in any error message', () => {
    const short = Buffer.alloc(31, 5).toString('base64');
    for (const k of [EncryptionKey.unsafeFromBase64('k', short), EncryptionKey.unsafeFromBase64('k', `${SEED_KEY}x`)]) {
      let message = '';
      try {
        render([{ providers: [EncryptionProvider.secretbox([k])] }]);
      } catch (e: any) {
        message = e.message;
      }
      expect(message).toMatch(/ValidationError|keys\[0\]\.secret/);
      expect(message).not.toContain(short);
      expect(message).not.toContain(SEED_KEY);
    }
  });

  test('descriptions name the source, never the key', () => {
    expect(EncryptionKey.fromFile('k', '/etc/key').description).toBe('file "/etc/key"');
    expect(EncryptionKey.fromEnvironmentVariable('k', 'KEY_1').description).toBe('environment variable KEY_1');
    expect(EncryptionKey.unsafeFromBase64('k', SEED_KEY).description).toBe('a literal in the program');
    expect(EncryptionProvider.secretbox([]).type).toBe('secretbox');
  });
});
