// Bad inputs that used to go through silently (issue 11): each class gets a synth-time error naming the
// construct path, the prop, the value (never a secret) and the fix.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import * as cdk from 'aws-cdk-lib';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AwsAuth, AwsCsiObject, AwsSecretProviderClass, ClusterExternalSecret, ClusterSecretStore, CreationPolicy, DataFrom, EncryptionKey,
  ExternalSecret, Resealing, SealedSecret, SealedValue, SealingCertificate, SecretConsumer, SecretStore, SecretsManagerEntry, StoreProvider,
  VaultAuth, VaultAuthMethod, VaultConfiguration, VaultDestinationSecretType, VaultStaticSecret,
} from '../../src';

const CERT_FILE = path.join(__dirname, '..', '..', 'examples', 'sealed-demo', 'sealing-cert.pem');
const ENV = { account: '111122223333', region: 'eu-central-1' };

function cert(): SealingCertificate {
  return SealingCertificate.fromPemFile(CERT_FILE);
}

function store(chart: Chart, namespace = 'apps'): SecretStore {
  const existing = chart.node.tryFindChild(`Store-${namespace}`);
  if (existing) return existing as SecretStore;
  return new SecretStore(chart, `Store-${namespace}`, {
    name: 'aws',
    namespace,
    provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity() }),
  });
}

function entry(id = 'Db', props: { region?: string; replicaRegions?: string[] } = {}) {
  const stack = new cdk.Stack(new cdk.App(), `Stack${id}`, { env: { ...ENV, region: props.region ?? ENV.region } });
  return new SecretsManagerEntry(stack, id, {
    secretName: `app/${id.toLowerCase()}`,
    unsafePlaintextFields: { username: 'admin' },
    generateKey: 'password',
    replicaRegions: (props.replicaRegions ?? []).map((region) => ({ region })),
  });
}

function vault(chart: Chart) {
  const config = new VaultConfiguration(chart, 'Vault');
  const kv = config.addKvMount('Kv', { path: 'kv' });
  const role = config.addKubernetesAuth('K8s').addRole('Role', { roleName: 'apps' });
  const auth = new VaultAuth(chart, 'Auth', { name: 'apps', method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'apps-vault' }) });
  return { kv, auth };
}

function sealed(chart: Chart, id: string, name: string, namespace = 'apps'): SealedSecret {
  return new SealedSecret(chart, id, { name, namespace, certificate: cert(), values: { password: SealedValue.unsafePlainText('p') } });
}

function es(chart: Chart, id: string, targetName: string, extra: { creationPolicy?: CreationPolicy } = {}): ExternalSecret {
  return new ExternalSecret(chart, id, {
    name: id.toLowerCase(), namespace: 'apps', store: store(chart), targetName, data: [{ secretKey: 'password', remoteKey: 'app/db', property: 'password' }], ...extra,
  });
}

describe('two producers of one Secret (namespace/name) in one app', () => {
  test('GIVEN two ExternalSecrets with one target THEN the second fails naming both paths, the Secret and the fix', () => {
    const chart = new Chart(Testing.app(), 'c');
    es(chart, 'A', 'db');
    expect(() => new ExternalSecret(chart, 'B', { name: 'b', namespace: 'apps', store: store(chart), targetName: 'db', data: [{ secretKey: 'x', remoteKey: 'y' }] }))
      .toThrow(/^\[c\/B\] targetName: is also written by the target of ExternalSecret \[c\/A\]; two producers of one Secret overwrite each other's data.*\(got "apps\/db"\)\. Fix: give each producer its own Secret name or namespace/);
  });

  test('GIVEN an ExternalSecret and a SealedSecret in different charts of one app THEN the SealedSecret fails', () => {
    const app = Testing.app();
    es(new Chart(app, 'eso'), 'A', 'db');
    expect(() => sealed(new Chart(app, 'sealed'), 'S', 'db'))
      .toThrow(/^\[sealed\/S\] name: is also written by the target of ExternalSecret \[eso\/A\].*\(got "apps\/db"\)/);
  });

  test('GIVEN two SealedSecrets with one name THEN the second fails (no duplicate objects in one file)', () => {
    const chart = new Chart(Testing.app(), 'c');
    sealed(chart, 'S1', 'db');
    expect(() => sealed(chart, 'S2', 'db')).toThrow(/^\[c\/S2\] name: is also written by SealedSecret \[c\/S1\].*\(got "apps\/db"\)/);
  });

  test('GIVEN a VSO destination and a SealedSecret THEN the VSO object fails naming destination.name', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const { kv, auth } = vault(chart);
    sealed(chart, 'S', 'db');
    expect(() => new VaultStaticSecret(chart, 'V', { name: 'v', vaultAuth: auth, mount: kv, path: 'app/db', destination: { name: 'db' } }))
      .toThrow(/^\[c\/V\] destination.name: is also written by SealedSecret \[c\/S\].*\(got "apps\/db"\)/);
  });

  test('GIVEN a CSI secretObjects entry and an ExternalSecret THEN the synced Secret fails naming secretName', () => {
    const chart = new Chart(Testing.app(), 'c');
    es(chart, 'A', 'db');
    const spc = new AwsSecretProviderClass(chart, 'Spc', { name: 'spc', namespace: 'apps', region: 'eu-central-1', objects: [AwsCsiObject.secretsManager({ secretName: 'app/db', objectAlias: 'db' })] });
    expect(() => spc.addSecretObject({ secretName: 'db', data: [{ objectName: 'db', key: 'db' }] }))
      .toThrow(/^\[c\/Spc\/SecretObject-db\] secretName: is also written by the target of ExternalSecret \[c\/A\].*\(got "apps\/db"\)/);
  });

  test('GIVEN two SecretProviderClasses syncing one Secret THEN the second fails', () => {
    const chart = new Chart(Testing.app(), 'c');
    const mk = (id: string) => new AwsSecretProviderClass(chart, id, { name: id.toLowerCase(), namespace: 'apps', region: 'eu-central-1', objects: [AwsCsiObject.secretsManager({ secretName: 'app/db', objectAlias: 'db' })] });
    mk('A').addSecretObject({ secretName: 'db', data: [{ objectName: 'db', key: 'db' }] });
    expect(() => mk('B').addSecretObject({ secretName: 'db', data: [{ objectName: 'db', key: 'db' }] }))
      .toThrow(/^\[c\/B\/SecretObject-db\] secretName: is also written by the secretObjects entry of SecretProviderClass \[c\/A\/SecretObject-db\]/);
  });

  test('GIVEN a ClusterExternalSecret listing a namespace where a SealedSecret writes its target THEN it fails naming namespaces[i]', () => {
    const chart = new Chart(Testing.app(), 'c');
    sealed(chart, 'S', 'db', 'team-b');
    const css = new ClusterSecretStore(chart, 'Css', { name: 'css', provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.controllerIdentity() }) });
    expect(() => new ClusterExternalSecret(chart, 'Ces', { name: 'ces', store: css, targetName: 'db', namespaces: ['team-a', 'team-b'], data: [{ secretKey: 'x', remoteKey: 'y' }] }))
      .toThrow(/^\[c\/Ces\] namespaces\[1\]: is also written by SealedSecret \[c\/S\].*\(got "team-b\/db"\)/);
  });

  test('GIVEN creationPolicy Merge or None THEN the ExternalSecret claims nothing (it adds to a Secret something else creates)', () => {
    const chart = new Chart(Testing.app(), 'c');
    sealed(chart, 'S', 'db');
    expect(es(chart, 'M', 'db', { creationPolicy: CreationPolicy.MERGE }).secretName).toBe('db');
    expect(es(chart, 'N', 'db', { creationPolicy: CreationPolicy.NONE }).secretName).toBe('db');
  });

  test('GIVEN the same name in another namespace or another app THEN both are accepted', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    sealed(chart, 'S1', 'db', 'apps');
    expect(sealed(chart, 'S2', 'db', 'other').secretNamespace).toBe('other');
    expect(sealed(new Chart(Testing.app(), 'c'), 'S1', 'db', 'apps').secretName).toBe('db');
  });
});

describe('typed Secrets need their keys, whichever producer writes them', () => {
  test('GIVEN an ESO template of type kubernetes.io/tls without tls.key THEN synth fails naming template.type, the keys and the fix', () => {
    const chart = new Chart(Testing.app(), 'c');
    new ExternalSecret(chart, 'Tls', {
      name: 'tls',
      namespace: 'apps',
      store: store(chart),
      targetName: 'tls',
      data: [{ secretKey: 'tls.crt', remoteKey: 'app/tls', property: 'crt' }],
      template: { type: 'kubernetes.io/tls' },
    });
    expect(() => Testing.synth(chart)).toThrow(/\[c\/Tls\] template.type: needs the key "tls.key", but the target Secret would hold only "tls.crt".*\(got "kubernetes.io\/tls"\)\. Fix: add a data entry or a template.data key named "tls.key", or use the type Opaque/);
  });

  test('GIVEN a dockerconfigjson template whose Replace template.data lacks .dockerconfigjson THEN synth fails', () => {
    const chart = new Chart(Testing.app(), 'c');
    new ExternalSecret(chart, 'Reg', {
      name: 'reg',
      namespace: 'apps',
      store: store(chart),
      data: [{ secretKey: 'auth', remoteKey: 'app/reg' }],
      template: { type: 'kubernetes.io/dockerconfigjson', data: { config: '{{ .auth }}' } },
    });
    expect(() => Testing.synth(chart)).toThrow(/template.type: needs the key "\.dockerconfigjson", but the target Secret would hold only "config"/);
  });

  test('GIVEN a basic-auth template fed by dataFrom.extract of an entry with a password key THEN it is accepted', () => {
    const chart = new Chart(Testing.app(), 'c');
    const e = new ExternalSecret(chart, 'Basic', {
      name: 'basic',
      namespace: 'apps',
      store: store(chart),
      dataFrom: [DataFrom.extract({ secretsManagerEntry: entry() })],
      template: { type: 'kubernetes.io/basic-auth' },
    });
    expect(e.secretKeys).toEqual(['password', 'username']);
    expect(Testing.synth(chart).find((o: any) => o.kind === 'ExternalSecret').spec.target.template.type).toBe('kubernetes.io/basic-auth');
  });

  test('GIVEN a find (keys unknown at synth) THEN a typed template is not judged', () => {
    const chart = new Chart(Testing.app(), 'c');
    new ExternalSecret(chart, 'F', {
      name: 'f',
      namespace: 'apps',
      store: store(chart),
      dataFrom: [DataFrom.find({ nameRegexp: '^app/' })],
      template: { type: 'kubernetes.io/tls' },
    });
    expect(Testing.synth(chart).filter((o: any) => o.kind === 'ExternalSecret')).toHaveLength(1);
  });

  test('GIVEN a VSO destination of type basic-auth whose expectedKeys hold neither username nor password THEN it fails naming destination.type', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const { kv, auth } = vault(chart);
    expect(() => new VaultStaticSecret(chart, 'V', {
      name: 'v',
      vaultAuth: auth,
      mount: kv,
      path: 'app/db',
      expectedKeys: ['user', 'pass'],
      destination: { name: 'db', type: VaultDestinationSecretType.BASIC_AUTH },
    })).toThrow(/^\[c\/V\] destination.type: needs the key one of "username", "password", but the Secret would hold only "pass", "user".*\(got "kubernetes.io\/basic-auth"\)\. Fix: add one of "username", "password" to expectedKeys/);
  });

  test('GIVEN a VSO destination of type tls whose transformation templates make tls.crt and tls.key THEN it is accepted', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const { kv, auth } = vault(chart);
    const v = new VaultStaticSecret(chart, 'V', {
      name: 'v',
      vaultAuth: auth,
      mount: kv,
      path: 'app/tls',
      destination: { name: 'tls', type: VaultDestinationSecretType.TLS, transformation: { templates: { 'tls.crt': '{{ .Secrets.crt }}', 'tls.key': '{{ .Secrets.key }}' } } },
    });
    expect(v.secretKeys).toEqual(['tls.crt', 'tls.key']);
  });
});

describe('empty secret material', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); delete process.env.HARDENING_EMPTY; });

  test('GIVEN fromEnvironmentVariable of a variable that is set but empty THEN the SealedSecret fails naming the variable', () => {
    process.env.HARDENING_EMPTY = '';
    const chart = new Chart(Testing.app(), 'c');
    // The value is read when it is sealed (at construction or at synth): either way synth fails.
    expect(() => {
      new SealedSecret(chart, 'S', { name: 's', namespace: 'apps', certificate: cert(), values: { password: SealedValue.fromEnvironmentVariable('HARDENING_EMPTY') } });
      Testing.synth(chart);
    }).toThrow(/\[c\/S\] values.password: is a SealedValue.fromEnvironmentVariable whose environment variable is set but empty \(got "HARDENING_EMPTY"\)\. Fix: export a non-empty HARDENING_EMPTY/);
  });

  test('GIVEN fromFile of an empty file THEN the SealedSecret fails naming the source', () => {
    fs.writeFileSync(path.join(dir, 'empty'), '');
    const chart = new Chart(Testing.app(), 'c');
    expect(() => {
      new SealedSecret(chart, 'S', { name: 's', namespace: 'apps', certificate: cert(), values: { password: SealedValue.fromFile(path.join(dir, 'empty')) } });
      Testing.synth(chart);
    }).toThrow(/\[c\/S\] values.password: is empty: the controller would unseal an empty value.*\(got "file .*empty\\""\)\. Fix: provide the value/);
  });

  test('GIVEN a SealedSecret with no values at all THEN synth fails naming values', () => {
    const chart = new Chart(Testing.app(), 'c');
    new SealedSecret(chart, 'S', { name: 's', namespace: 'apps', certificate: cert() });
    expect(() => Testing.synth(chart)).toThrow(/\[c\/S\] values: is empty: the SealedSecret would unseal into a Secret without data \(got \{\}\)\. Fix: pass `values`, or call the `addValue` method before synth/);
  });

  test('GIVEN an empty unsafePlaintextFields value THEN the entry fails without showing a value', () => {
    const stack = new cdk.Stack(new cdk.App(), 'S', { env: ENV });
    expect(() => new SecretsManagerEntry(stack, 'Db', { secretName: 'app/db', unsafePlaintextFields: { username: '' } }))
      .toThrow(/^\[S\/Db\] unsafePlaintextFields.username: is empty.*\(got <redacted>\)\. Fix: pass the value, or leave the field out/);
  });
});

describe('region of a CSI object vs its Secrets Manager entry', () => {
  test('GIVEN a class region where the entry is neither stored nor replicated THEN it fails naming objects[i], the entry and the fix', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new AwsSecretProviderClass(chart, 'Spc', { name: 'spc', namespace: 'apps', region: 'us-east-1', objects: [AwsCsiObject.fromEntry(entry())] }))
      .toThrow(/^\[c\/Spc\] objects\[0\]: is a Secrets Manager entry stored in eu-central-1, but the SecretProviderClass reads from us-east-1.*\(got "app\/db"\)\. Fix: pass region "eu-central-1"/);
  });

  test('GIVEN a class region where the entry is replicated THEN it is accepted', () => {
    const chart = new Chart(Testing.app(), 'c');
    const spc = new AwsSecretProviderClass(chart, 'Spc', { name: 'spc', namespace: 'apps', region: 'us-east-1', objects: [AwsCsiObject.fromEntry(entry('Db', { replicaRegions: ['us-east-1'] }))] });
    expect(spc.apiObject.toJson().spec.parameters.region).toBe('us-east-1');
  });

  test('GIVEN entries in two regions and no region THEN it fails naming region and both regions', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new AwsSecretProviderClass(chart, 'Spc', { name: 'spc', namespace: 'apps', objects: [AwsCsiObject.fromEntry(entry('A')), AwsCsiObject.fromEntry(entry('B', { region: 'us-east-1' }))] }))
      .toThrow(/^\[c\/Spc\] region: is not set, and the Secrets Manager entries of this class live in different regions \(eu-central-1, us-east-1\).*Fix: pass region/);
  });
});

describe('ExternalSecret keys vs the JSON keys of the entry', () => {
  test('GIVEN a property that is not a JSON key of the entry THEN it fails naming data[i].property and the known keys', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new ExternalSecret(chart, 'E', { name: 'e', namespace: 'apps', store: store(chart), data: [{ secretKey: 'p', secretsManagerEntry: entry(), property: 'pasword' }] }))
      .toThrow(/^\[c\/E\] data\[0\].property: is not a JSON key of secret "app\/db" \(its keys: password, username\).*\(got "pasword"\)\. Fix: use one of the secret's JSON keys/);
  });

  test('GIVEN an extract property that is not a JSON key THEN it fails naming dataFrom[i].extract.property', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new ExternalSecret(chart, 'E', { name: 'e', namespace: 'apps', store: store(chart), dataFrom: [DataFrom.extract({ secretsManagerEntry: entry(), property: 'nope' })] }))
      .toThrow(/^\[c\/E\] dataFrom\[0\].extract.property: is not a JSON key of secret "app\/db"/);
  });

  test('GIVEN a nested gjson path THEN it is not judged', () => {
    const chart = new Chart(Testing.app(), 'c');
    const e = new ExternalSecret(chart, 'E', { name: 'e', namespace: 'apps', store: store(chart), data: [{ secretKey: 'p', secretsManagerEntry: entry(), property: 'nested.password' }] });
    expect(e.secretKeys).toEqual(['p']);
  });

  test('GIVEN a consumer key that a dataFrom.extract cannot produce THEN the consumer fails', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const e = new ExternalSecret(chart, 'E', { name: 'e', namespace: 'apps', store: store(chart), dataFrom: [DataFrom.extract({ secretsManagerEntry: entry() })] });
    expect(e.secretKeys).toEqual(['password', 'username']);
    const deployment = new kplus.Deployment(chart, 'Web', { containers: [{ image: 'nginx', name: 'web' }] });
    expect(() => SecretConsumer.of(deployment).env(deployment.containers[0], e, { variables: { DB_PASSWORD: 'pasword' } }))
      .toThrow(/variables.DB_PASSWORD.*pasword/);
  });
});

describe('secret material is never echoed', () => {
  const SECRET = 'hunter2-Correct-Horse-Battery-Staple+/=';
  const KEY = Buffer.alloc(32, 7).toString('base64');

  test('GIVEN the secret itself instead of a variable name THEN SealedValue.fromEnvironmentVariable refuses without showing it', () => {
    let message = '';
    try { SealedValue.fromEnvironmentVariable(SECRET); } catch (e: any) { message = e.message; }
    expect(message).toMatch(/^\[SealedValue.fromEnvironmentVariable\] variableName: must be an environment variable name.*the 39-character string given is not one, and is not shown.*\(got <redacted>\)\. Fix: pass the name of the variable, not its value/);
    expect(message).not.toContain(SECRET);
  });

  test('GIVEN the key itself instead of a variable name THEN Resealing.fromKeyEnvironmentVariable refuses without showing it', () => {
    let message = '';
    try { Resealing.fromKeyEnvironmentVariable(SECRET); } catch (e: any) { message = e.message; }
    expect(message).toMatch(/^\[Resealing.fromKeyEnvironmentVariable\] variableName: must be an environment variable name.*\(got <redacted>\)/);
    expect(message).not.toContain(SECRET);
  });

  test('GIVEN the key itself instead of a variable name THEN EncryptionKey.fromEnvironmentVariable fails at resolve without showing it', () => {
    const key = EncryptionKey.fromEnvironmentVariable('key1', KEY);
    let message = '';
    try { key._resolve(new App(), 'keys[0]'); } catch (e: any) { message = e.message; }
    expect(message).toMatch(/keys\[0\]\.variableName: is not an environment variable name.*\(got <redacted>\)\. Fix: pass the name of the variable, not the key/);
    expect(message).not.toContain(KEY);
  });

  test('GIVEN a literal EncryptionKey THEN util.inspect, JSON.stringify and String() never show the key', () => {
    const key = EncryptionKey.unsafeFromBase64('key1', KEY);
    for (const text of [util.inspect(key, { depth: 10, showHidden: true }), JSON.stringify(key), String(key), JSON.stringify({ keys: [key] })]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(Buffer.from(KEY, 'base64').toString('hex'));
    }
    expect(String(key)).toBe('EncryptionKey(key1, a literal in the program)');
    expect(key._resolve(new App(), 'k')).toBe(KEY);
  });
});
