import { SecretsChecks } from '../../src';
import { produces, producedBy, SecretProducer } from '../../src/checks/rules/refs';
import { ObjectIndex } from '../../src/checks/rules/util';

// The cross-object rules look references up in indexes instead of scanning the input per reference. These tests
// check the indexes against the scans they replace, on seeded random inputs where names repeat across namespaces.

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}
const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];
const NAMES = ['db', 'api', 'aws', 'reader', '5'];
const NAMESPACES: Array<string | undefined> = ['a', 'b', 'c', undefined];
const KINDS = ['Role', 'ClusterRole', 'SecretStore', 'ClusterSecretStore'];

describe('ObjectIndex', () => {
  test('GIVEN objects whose names repeat across namespaces THEN the candidates, under the rule\'s predicate, are what a scan finds, in input order', () => {
    const r = random(7);
    for (let round = 0; round < 200; round++) {
      const objects = Array.from({ length: 1 + Math.floor(r() * 30) }, (_, i) => ({
        kind: pick(r, KINDS),
        metadata: { name: pick(r, NAMES), ...(r() < 0.75 ? { namespace: pick(r, NAMESPACES) } : {}), uid: i },
      }));
      const index = new ObjectIndex(objects);
      for (const kind of KINDS) {
        for (const name of NAMES) {
          for (const ns of NAMESPACES) {
            const fits = (o: any) => o.kind === kind && o.metadata?.name === name
              && (ns === undefined || o.metadata?.namespace === undefined || o.metadata.namespace === ns);
            expect(index.candidates(kind, name, ns).filter(fits)).toEqual(objects.filter(fits));
          }
        }
      }
    }
  });
});

describe('producedBy', () => {
  test('GIVEN producers in namespaces, in none and in every one THEN it answers as the scan with produces() does', () => {
    const r = random(11);
    const spaces: Array<string | undefined> = ['a', 'b', '*', undefined];
    for (let round = 0; round < 200; round++) {
      const producers: SecretProducer[] = Array.from({ length: Math.floor(r() * 12) }, () => ({
        name: pick(r, NAMES), namespace: pick(r, spaces), producer: 'x', creates: true,
      }));
      const produced = producedBy(producers);
      for (const name of [...NAMES, 'other']) {
        for (const ns of ['a', 'b', 'c', undefined]) {
          expect(produced(ns, name)).toBe(producers.some((p) => produces(p, ns, name)));
        }
      }
    }
  });
});

describe('cross-object rules with names repeated in every namespace', () => {
  test('GIVEN 200 namespaces each with a store "aws", a Secret "db" and a Role "reader" THEN only the namespace missing its store or Secret is reported', () => {
    const objects: any[] = [];
    for (let i = 0; i < 200; i++) {
      const ns = `team-${i}`;
      if (i !== 17) objects.push({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'aws', namespace: ns }, spec: { provider: { aws: { service: 'SecretsManager', region: 'eu-west-1' } } } });
      objects.push({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: ns }, spec: { secretStoreRef: { name: 'aws', kind: 'SecretStore' }, target: { name: i === 42 ? 'other' : 'db' }, data: [{ secretKey: 'a', remoteRef: { key: 'k' } }] } });
      objects.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: ns, annotations: { 'secret.reloader.stakater.com/reload': 'db' } }, spec: { selector: {}, template: { metadata: {}, spec: { containers: [{ name: 'app', image: 'x' }], volumes: [{ name: 'db', secret: { secretName: 'db' } }] } } } });
      objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: ns }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: i === 99 ? ['get'] : ['list-nothing'] }] });
      objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] });
    }
    const found = SecretsChecks.check(objects, {}, {});
    const of = (rule: string) => found.filter((f) => f.ruleId === rule).map((f) => f.resource).sort();
    expect(of('external-secret-store-missing')).toEqual(['ExternalSecret team-17/db']);
    expect(of('secret-reference-unresolved')).toEqual(['Deployment team-42/app']);
    expect(of('reloader-unknown-secret')).toEqual(['Deployment team-42/app']);
    expect(of('rbac-secret-access-for-everyone')).toEqual(['RoleBinding team-99/reader']);
  });
});

describe('derived once per check', () => {
  test('GIVEN the same array checked, grown, and checked again THEN the second check sees what was added', () => {
    const objects: any[] = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'a' }, spec: { selector: {}, template: { metadata: {}, spec: { containers: [{ name: 'app', image: 'x' }], volumes: [{ name: 'db', secret: { secretName: 'db' } }] } } } },
    ];
    const unresolved = () => SecretsChecks.check(objects, {}, {}).filter((f) => f.ruleId === 'secret-reference-unresolved').map((f) => f.resource);
    expect(unresolved()).toEqual(['Deployment a/app']);
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'a' } });
    expect(unresolved()).toEqual([]);
  });
});
