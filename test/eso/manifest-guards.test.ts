import * as cdk from 'aws-cdk-lib';
import {
  AwsAuth, ClusterExternalSecret, ClusterSecretStore, DataFrom, EsoVaultAuth, ExternalSecret, ExternalSecretsOperatorInstall, PushSecret,
  Rewrite, SecretStore, StoreProvider,
} from '../../src';
import { defaultedFields, expectValid, manifestsOf } from '../harness';
import { world } from './fixtures';

// The bridge, on the Kubernetes side: an aws-cdk token (`${Token[...]}`) in any field that reaches a manifest
// fails synth, naming the construct, the field, the token and the fix; none reaches the YAML.
describe('unresolved tokens never reach a manifest', () => {
  const TOKEN = cdk.Aws.REGION;

  function setup() {
    const w = world();
    const store = new SecretStore(w.chart, 'Store', {
      name: 'store',
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
    });
    const cluster = new ClusterSecretStore(w.chart, 'Cluster', {
      name: 'cluster',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
      conditions: [{ namespaces: ['secrets-demo'] }],
    });
    return { ...w, store, cluster };
  }
  type World = ReturnType<typeof setup>;
  const data = [{ secretKey: 'a', remoteKey: 'x' }];
  const aws = (w: World, extra: { prefix?: string } = {}) =>
    StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity), ...extra });

  const cases: Array<[string, (w: World) => void, RegExp]> = [
    ['ExternalSecret namespace', (w) => new ExternalSecret(w.chart, 'Es', { namespace: TOKEN, store: w.store, data }), /\[Platform\/eso\/Es\] namespace: is an unresolved CDK token/],
    ['ExternalSecret name', (w) => new ExternalSecret(w.chart, 'Es', { name: TOKEN, namespace: 'secrets-demo', store: w.store, data }), /\[Platform\/eso\/Es\] name: is an unresolved/],
    ['ExternalSecret targetName', (w) => new ExternalSecret(w.chart, 'Es', { targetName: TOKEN, namespace: 'secrets-demo', store: w.store, data }), /targetName: is an unresolved/],
    ['data secretKey', (w) => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: w.store, data: [{ secretKey: TOKEN, remoteKey: 'x' }] }),
      /spec\.data\[0\]\.secretKey: is an unresolved/],
    ['data property', (w) => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: w.store, data: [{ secretKey: 'a', remoteKey: 'x', property: TOKEN }] }),
      /spec\.data\[0\]\.remoteRef\.property: is an unresolved/],
    ['addData version', (w) => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: w.store, data }).addData({ secretKey: 'b', remoteKey: 'y', version: TOKEN }),
      /spec\.data\[1\]\.remoteRef\.version: is an unresolved/],
    ['extract property', (w) => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: w.store, dataFrom: [DataFrom.extract({ remoteKey: 'x', property: TOKEN })] }),
      /spec\.dataFrom\[0\]\.extract\.property: is an unresolved/],
    ['find tag value', (w) => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: w.store, dataFrom: [DataFrom.find({ path: 'x/', tags: { team: TOKEN } })] }),
      /spec\.dataFrom\[0\]\.find\.tags\.team: is an unresolved/],
    ['rewrite target', (w) => new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo', store: w.store, dataFrom: [DataFrom.extract({ remoteKey: 'x', rewrite: [Rewrite.regexp('^', TOKEN)] })],
    }), /spec\.dataFrom\[0\]\.rewrite\[0\]\.regexp\.target: is an unresolved/],
    ['template label', (w) => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: w.store, data, template: { labels: { app: TOKEN } } }),
      /spec\.target\.template\.metadata\.labels\.app: is an unresolved/],
    ['template data', (w) => new ExternalSecret(w.chart, 'Es', { namespace: 'secrets-demo', store: w.store, data, template: { data: { dsn: `postgres://${TOKEN}` } } }),
      /spec\.target\.template\.data\.dsn: is an unresolved/],
    ['SecretStore name', (w) => new SecretStore(w.chart, 'S', { name: TOKEN, namespace: 'secrets-demo', provider: aws(w) }), /\[Platform\/eso\/S\] name: is an unresolved/],
    ['SecretStore namespace', (w) => new SecretStore(w.chart, 'S', { namespace: TOKEN, provider: aws(w) }), /\[Platform\/eso\/S\] namespace: is an unresolved/],
    ['SecretStore prefix', (w) => new SecretStore(w.chart, 'S', { namespace: 'secrets-demo', provider: aws(w, { prefix: TOKEN }) }),
      /spec\.provider\.aws\.prefix: is an unresolved/],
    ['static keys Secret name', (w) => new SecretStore(w.chart, 'S', {
      namespace: 'secrets-demo', provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.staticAccessKeys({ secretName: TOKEN }) }),
    }), /spec\.provider\.aws\.auth\.secretRef\.accessKeyIdSecretRef\.name: is an unresolved/],
    ['Vault role', (w) => new SecretStore(w.chart, 'S', {
      namespace: 'secrets-demo', provider: StoreProvider.vault({ server: 'http://vault:8200', path: 'kv', auth: EsoVaultAuth.kubernetes({ role: TOKEN }) }),
    }), /spec\.provider\.vault\.auth\.kubernetes\.role: is an unresolved/],
    ['ClusterSecretStore name', (w) => new ClusterSecretStore(w.chart, 'C', { name: TOKEN, provider: aws(w) }), /\[Platform\/eso\/C\] name: is an unresolved/],
    ['ClusterSecretStore condition', (w) => new ClusterSecretStore(w.chart, 'C', { provider: aws(w), conditions: [{ namespaces: [TOKEN] }] }),
      /spec\.conditions\[0\]\.namespaces\[0\]: is an unresolved/],
    ['imported store name', (w) => SecretStore.fromSecretStoreName(w.chart, 'I', TOKEN, 'secrets-demo', { definedOutsideProgram: true }), /\[Platform\/eso\/I\] name: is an unresolved/],
    ['ClusterExternalSecret namespaces', (w) => new ClusterExternalSecret(w.chart, 'Ces', { store: w.cluster, namespaces: [TOKEN], data }),
      /\[Platform\/eso\/Ces\] namespaces\[0\]: is an unresolved/],
    ['ClusterExternalSecret property', (w) => new ClusterExternalSecret(w.chart, 'Ces', {
      store: w.cluster, namespaces: ['secrets-demo'], data: [{ secretKey: 'a', remoteKey: 'x', property: TOKEN }],
    }), /spec\.externalSecretSpec\.data\[0\]\.remoteRef\.property: is an unresolved/],
    ['PushSecret source', (w) => new PushSecret(w.chart, 'P', { namespace: 'secrets-demo', store: w.store, sourceSecretName: TOKEN, data: [{ remoteKey: 'x' }] }),
      /\[Platform\/eso\/P\] sourceSecretName: is an unresolved/],
    ['PushSecret property', (w) => new PushSecret(w.chart, 'P', { namespace: 'secrets-demo', store: w.store, sourceSecretName: 's', data: [{ remoteKey: 'x', property: TOKEN }] }),
      /\[Platform\/eso\/P\] data\[0\]\.property: is an unresolved/],
    ['ESO install values', (w) => new ExternalSecretsOperatorInstall(w.chart, 'Eso', { values: { podLabels: { region: TOKEN } } }),
      /\[Platform\/eso\/Eso\] values\.podLabels\.region: is an unresolved/],
  ];

  test.each(cases)('GIVEN a token in the %s THEN synth fails naming the field, the token and the fix', (_label, make, message) => {
    const w = setup();
    expect(() => make(w)).toThrow(message);
    expect(() => make(setup())).toThrow(/\(got ".*\$\{Token\[AWS\.Region\.\d+\]\}"\)\. Fix: pass a literal value.*explicit env/);
  });

  test('GIVEN every case attempted THEN no ${Token[ string is in the synthesized YAML', () => {
    const w = setup();
    for (const [, make] of cases) {
      try {
        make(w);
      } catch {
        // expected: each case throws
      }
    }
    const yaml = JSON.stringify(manifestsOf(w.chart));
    expect(yaml).not.toContain('${Token[');
    expectValid(w.chart);
  });
});

describe('API-server defaults are written (no GitOps drift)', () => {
  test('GIVEN every ESO kind with its options left to defaults THEN defaulting adds nothing', () => {
    // GIVEN
    const w = world();
    const cluster = new ClusterSecretStore(w.chart, 'Cluster', {
      name: 'cluster',
      provider: StoreProvider.awsParameterStore({ region: 'eu-central-1', auth: AwsAuth.serviceAccount(w.identity) }),
      conditions: [{ namespaces: ['secrets-demo', 'team-a'] }],
    });
    const keys = new SecretStore(w.chart, 'Keys', {
      name: 'keys',
      namespace: 'secrets-demo',
      provider: StoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.staticAccessKeys({ secretName: 'aws-keys' }) }),
    });
    new SecretStore(w.chart, 'Vault', {
      name: 'vault',
      namespace: 'secrets-demo',
      provider: StoreProvider.vault({ server: 'http://vault:8200', path: 'kv', auth: EsoVaultAuth.kubernetes({ role: 'r', serviceAccountName: 'reader' }) }),
    });
    // WHEN
    new ExternalSecret(w.chart, 'Es', {
      namespace: 'secrets-demo',
      store: keys,
      data: [{ secretKey: 'a', remoteKey: 'x' }],
      dataFrom: [DataFrom.extract({ remoteKey: 'y' }), DataFrom.find({ path: 'team-a/', nameRegexp: '.*' })],
      template: { data: { dsn: '{{ .a }}' } },
    });
    new ClusterExternalSecret(w.chart, 'Ces', { store: cluster, namespaces: ['team-a'], data: [{ secretKey: 'a', remoteKey: '/x' }] });
    new PushSecret(w.chart, 'Push', { namespace: 'secrets-demo', store: cluster, sourceSecretName: 's', data: [{ secretKey: 'a', remoteKey: '/r' }] });
    // THEN
    const objects = manifestsOf(w.chart);
    expect(objects.map((o) => o.kind).sort()).toEqual(['ClusterExternalSecret', 'ClusterSecretStore', 'ExternalSecret', 'PushSecret', 'SecretStore', 'SecretStore', 'ServiceAccount']);
    expect(defaultedFields(objects)).toEqual([]);
    expectValid(w.chart);
  });
});
