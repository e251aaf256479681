import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Testing } from 'cdk8s';
import { findCelCheck } from './cel';
import { defaultedFields, expectValid, validateObjects, validateYamlFiles } from './index';
import { loadSchemas } from './schemas';

const externalSecret = (): any => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'apps' },
  spec: {
    refreshInterval: '1h',
    secretStoreRef: { name: 'aws', kind: 'SecretStore' },
    target: { name: 'db', creationPolicy: 'Owner' },
    data: [{ secretKey: 'password', remoteRef: { key: 'prod/db', property: 'password' } }],
  },
});

const secretStoreVault = (): any => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'vault', namespace: 'apps' },
  spec: {
    provider: {
      vault: {
        server: 'http://vault.vault:8200',
        path: 'kv',
        version: 'v2',
        // mountPath is required by the schema but has a default: the API server fills it in.
        auth: { kubernetes: { role: 'eso', serviceAccountRef: { name: 'eso' } } },
      },
    },
  },
});

const deployment = (): any => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', labels: { app: 'web' } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  },
});

describe('accepts valid objects', () => {
  test('GIVEN an ESO v1 ExternalSecret THEN no problems', () => {
    expect(validateObjects([externalSecret()])).toEqual([]);
  });

  test('GIVEN a required field that has a default (vault kubernetes mountPath) THEN defaults are applied first', () => {
    expect(validateObjects([secretStoreVault()])).toEqual([]);
  });

  test('GIVEN a core Deployment and Secret THEN no problems', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'apps' }, type: 'Opaque', stringData: { a: 'b' } };
    expect(validateObjects([deployment(), secret])).toEqual([]);
  });

  test('GIVEN objects synthesized by a cdk8s chart THEN expectValid passes', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'es', externalSecret());
    expect(() => expectValid(chart)).not.toThrow();
  });

  test('validation does not modify the object it checks', () => {
    const store = secretStoreVault();
    validateObjects([store]);
    expect(store.spec.provider.vault.auth.kubernetes.mountPath).toBeUndefined();
  });
});

describe('rejects bad objects', () => {
  test('an unknown field (strict field validation)', () => {
    const es = externalSecret();
    es.spec.refreshEvery = '1h';
    const problems = validateObjects([es]);
    expect(problems).toEqual([expect.stringMatching(/ExternalSecret apps\/db .*\/spec must NOT have additional properties 'refreshEvery'/)]);
  });

  test('an unknown field in a core kind', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(validateObjects([d]).join('\n')).toMatch(/additional properties 'imagePullPolicyy'/);
  });

  test('a missing required field', () => {
    const es = externalSecret();
    delete es.spec.data[0].secretKey;
    expect(validateObjects([es]).join('\n')).toMatch(/\/spec\/data\/0 must have required property 'secretKey'/);
  });

  test('a wrong enum value', () => {
    const es = externalSecret();
    es.spec.target.creationPolicy = 'Sometimes';
    expect(validateObjects([es]).join('\n')).toMatch(/\/spec\/target\/creationPolicy must be equal to one of the allowed values \["Owner","Orphan","Merge","None"/);
  });

  test('an apiVersion that is no longer served (external-secrets.io/v1beta1)', () => {
    const es = externalSecret();
    es.apiVersion = 'external-secrets.io/v1beta1';
    expect(validateObjects([es])).toEqual([expect.stringMatching(/apiVersion external-secrets.io\/v1beta1 is not served for ExternalSecret \(served: external-secrets.io\/v1\)/)]);
  });

  test('an apiVersion that no longer exists (helm.toolkit.fluxcd.io/v2beta2)', () => {
    const hr = { apiVersion: 'helm.toolkit.fluxcd.io/v2beta2', kind: 'HelmRelease', metadata: { name: 'x', namespace: 'flux-system' }, spec: {} };
    expect(validateObjects([hr])).toEqual([expect.stringMatching(/apiVersion helm.toolkit.fluxcd.io\/v2beta2 is not served for HelmRelease \(served: helm.toolkit.fluxcd.io\/v2\)/)]);
  });

  test('an unknown kind', () => {
    const o = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } };
    expect(validateObjects([o])).toEqual([expect.stringMatching(/unknown kind: no schema for Widget in example.com\/v1/)]);
  });

  test('a bad name', () => {
    const es = externalSecret();
    es.metadata.name = 'DB_Secret';
    expect(validateObjects([es])).toEqual([expect.stringMatching(/\/metadata\/name "DB_Secret" is not a DNS-1123 subdomain/)]);
  });

  test('a bad namespace, a non-string annotation and a bad label value', () => {
    const d = deployment();
    d.metadata.namespace = 'Apps';
    d.metadata.annotations = { 'reloader.stakater.com/auto': true };
    d.metadata.labels = { app: 'has spaces' };
    const text = validateObjects([d]).join('\n');
    expect(text).toMatch(/\/metadata\/namespace "Apps" is not a DNS-1123 label/);
    expect(text).toMatch(/\/metadata\/annotations\/reloader.stakater.com\/auto must be a string/);
    expect(text).toMatch(/\/metadata\/labels\/app value "has spaces" is not a valid label value/);
  });

  test('a namespace on a cluster-scoped kind', () => {
    const css = secretStoreVault();
    css.kind = 'ClusterSecretStore';
    expect(validateObjects([css]).join('\n')).toMatch(/namespace is set on cluster-scoped kind ClusterSecretStore/);
  });

  test('a SecretStore with two providers (maxProperties 1)', () => {
    const s = secretStoreVault();
    s.spec.provider.aws = { service: 'SecretsManager', region: 'eu-west-1' };
    expect(validateObjects([s]).join('\n')).toMatch(/\/spec\/provider must NOT have more than 1 properties/);
  });

  test('a missing name', () => {
    const es = externalSecret();
    delete es.metadata.name;
    expect(validateObjects([es]).join('\n')).toMatch(/\/metadata\/name is required/);
  });

  test('expectValid throws with every problem listed', () => {
    const es = externalSecret();
    es.spec.target.creationPolicy = 'Sometimes';
    es.metadata.name = 'Bad';
    expect(() => expectValid([es])).toThrow(/2 schema problem\(s\):\n.*DNS-1123[\s\S]*creationPolicy/);
  });
});

describe('CEL rules (written by hand)', () => {
  const pushSecret = (dataTo: any[]): any => ({
    apiVersion: 'external-secrets.io/v1alpha1',
    kind: 'PushSecret',
    metadata: { name: 'push', namespace: 'apps' },
    spec: {
      secretStoreRefs: [{ name: 'aws', kind: 'SecretStore' }],
      selector: { secret: { name: 'src' } },
      data: [{ match: { secretKey: 'a', remoteRef: { remoteKey: 'x' } } }],
      dataTo,
    },
  });

  test('dataTo without storeRef name or labelSelector is rejected', () => {
    expect(validateObjects([pushSecret([{ storeRef: { kind: 'SecretStore' } }])]).join('\n'))
      .toMatch(/\/spec\/dataTo\/0: storeRef must specify either name or labelSelector/);
  });

  test('dataTo with both remoteKey and rewrite is rejected', () => {
    const p = pushSecret([{ storeRef: { name: 'aws' }, remoteKey: 'k', rewrite: [{ regexp: { source: 'a', target: 'b' } }] }]);
    expect(validateObjects([p]).join('\n')).toMatch(/\/spec\/dataTo\/0: .*remoteKey and rewrite/i);
  });

  test('a rewrite with both regexp and transform is rejected; a valid dataTo passes', () => {
    const bad = pushSecret([{ storeRef: { name: 'aws' }, rewrite: [{ regexp: { source: 'a', target: 'b' }, transform: { template: 'x' } }] }]);
    expect(validateObjects([bad]).join('\n')).toMatch(/\/spec\/dataTo\/0\/rewrite\/0/);
    expect(validateObjects([pushSecret([{ storeRef: { name: 'aws' }, remoteKey: 'k' }])])).toEqual([]);
  });

  test('a Flux HelmRelease with both chart and chartRef is rejected', () => {
    const hr = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'x', namespace: 'flux-system' },
      spec: {
        interval: '1h',
        chart: { spec: { chart: 'x', sourceRef: { kind: 'HelmRepository', name: 'x' } } },
        chartRef: { kind: 'OCIRepository', name: 'x' },
      },
    };
    expect(validateObjects([hr]).join('\n')).toMatch(/\/spec: .*chart or chartRef/i);
  });

  test('AWS customSessionTags with a key ESO reserves is rejected', () => {
    const s = { ...secretStoreVault() };
    s.spec = { provider: { aws: { service: 'SecretsManager', region: 'eu-west-1', customSessionTags: { esoNamespace: 'x' } } } };
    expect(validateObjects([s]).join('\n')).toMatch(/customSessionTags: .*esoNamespace/);
  });

  test('every CEL rule declared by the loaded CRDs has a hand-written check', () => {
    const missing = new Set<string>();
    let count = 0;
    for (const ks of loadSchemas().values()) {
      if (!ks.served) continue;
      for (const r of ks.celRules) {
        count++;
        if (!findCelCheck(r.rule)) missing.add(`${ks.kind}: ${r.rule}`);
      }
    }
    expect(count).toBeGreaterThan(30);
    expect([...missing].sort()).toEqual([]);
  });
});

describe('defaultedFields (GitOps drift)', () => {
  test('GIVEN fields left to the API server THEN each defaulted field is listed', () => {
    // ESO 2.9.0's CRD defaults target.deletionPolicy (and creationPolicy, refreshInterval, set here).
    const es = externalSecret();
    delete es.spec.refreshInterval;
    expect(defaultedFields([es]).sort()).toEqual([
      'ExternalSecret apps/db (external-secrets.io/v1): /spec/refreshInterval="1h0m0s"',
      'ExternalSecret apps/db (external-secrets.io/v1): /spec/target/deletionPolicy="Retain"',
    ]);
  });

  test('GIVEN every default written explicitly THEN nothing is listed; core kinds are not checked', () => {
    const es = externalSecret();
    es.spec.target.deletionPolicy = 'Retain';
    expect(defaultedFields([es, deployment()])).toEqual([]);
  });
});

describe('YAML files', () => {
  test('validates every document of a multi-document file, naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-'));
    const file = path.join(dir, 'x.k8s.yaml');
    const bad = externalSecret();
    bad.apiVersion = 'external-secrets.io/v1beta1';
    fs.writeFileSync(file, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\n${JSON.stringify(bad)}\n`);
    const problems = validateYamlFiles([file]);
    expect(problems).toEqual([expect.stringMatching(/x\.k8s\.yaml: ExternalSecret apps\/db .*not served/)]);
  });
});
