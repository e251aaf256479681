import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Artifacts, VaultAuth, VaultAuthMethod, VaultConfiguration, VaultStaticSecret } from '../../src';
import { allInTree, cachedInSynth, registeredInTree, registerInTree, withSynthCache } from '../../src/core/tree-cache';
import * as derive from '../../src/vault/derive';

const KIND = Symbol.for('cdk8s-secrets.test.TreeCacheKind');

describe('per-tree registries', () => {
  test('GIVEN constructs registered in two trees WHEN listed THEN each tree lists its own, in creation order, as a copy', () => {
    // GIVEN
    const a = Testing.app();
    const b = Testing.app();
    const a1 = new Construct(a, 'A1');
    const b1 = new Construct(b, 'B1');
    const a2 = new Construct(new Construct(a, 'Deep'), 'A2');
    // WHEN
    [a2, b1, a1].forEach((c) => registerInTree(c, KIND));
    const listed = registeredInTree(a1, KIND);
    listed.pop();
    // THEN
    expect(registeredInTree(a, KIND)).toEqual([a2, a1]);
    expect(registeredInTree(b1, KIND)).toEqual([b1]);
    expect(registeredInTree(Testing.app(), KIND)).toEqual([]);
  });
});

describe('synth cache', () => {
  test('GIVEN no open cache WHEN a value is asked twice THEN it is computed twice (a program that grows the tree always sees it)', () => {
    const app = Testing.app();
    let calls = 0;
    cachedInSynth(app, 'k', () => ++calls);
    expect(cachedInSynth(app, 'k', () => ++calls)).toBe(2);
  });

  test('GIVEN an open cache WHEN a value is asked twice, also from a nested open THEN it is computed once per root and key; after close, again', () => {
    const app = Testing.app();
    const other = Testing.app();
    let calls = 0;
    const got = withSynthCache(() => [
      cachedInSynth(app, 'k', () => ++calls),
      withSynthCache(() => cachedInSynth(new Construct(app, 'Child'), 'k', () => ++calls)),
      cachedInSynth(other, 'k', () => ++calls),
      cachedInSynth(app, 'other-key', () => ++calls),
    ]);
    expect(got).toEqual([1, 1, 2, 3]);
    expect(cachedInSynth(app, 'k', () => ++calls)).toBe(4);
  });

  test('GIVEN a computation that throws inside an open cache WHEN the cache closes THEN nothing is kept and the next open starts empty', () => {
    const app = Testing.app();
    expect(() => withSynthCache(() => cachedInSynth(app, 'k', () => { throw new Error('boom'); }))).toThrow(/boom/);
    expect(withSynthCache(() => cachedInSynth(app, 'k', () => 'fresh'))).toBe('fresh');
  });

  test('allInTree lists the whole tree (findAll from the root) from any construct', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const leaf = new Construct(chart, 'Leaf');
    expect(allInTree(leaf)).toEqual(app.node.findAll());
  });
});

describe('Vault files derive once per synth', () => {
  function tenants(n: number) {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'apps' });
    const config = new VaultConfiguration(chart, 'Vault');
    const kv = config.addKvMount('Kv', { path: 'kv' });
    const auth = config.addKubernetesAuth('K8s');
    for (let i = 0; i < n; i++) {
      const policy = config.addPolicy(`P${i}`, { policyName: `t${i}` });
      const role = auth.addRole(`R${i}`, { roleName: `t${i}`, policies: [policy] });
      const vaultAuth = new VaultAuth(chart, `A${i}`, { method: VaultAuthMethod.kubernetes({ role, serviceAccount: `sa${i}` }) });
      new VaultStaticSecret(chart, `S${i}`, { vaultAuth, mount: kv, path: `t${i}/db` });
    }
    return { app, chart, config, kv, auth };
  }

  afterEach(() => jest.restoreAllMocks());

  test('GIVEN 5 tenants WHEN the files are written THEN the tree is derived once for all 11 files (not once per file)', () => {
    // GIVEN
    const { app } = tenants(5);
    const spy = jest.spyOn(derive, 'deriveAll');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-cache-'));
    // WHEN
    const written = Artifacts.synth(app, outdir);
    // THEN
    expect(written).toHaveLength(11); // 5 policies, 5 roles, vault-config.sh
    expect(spy).toHaveBeenCalledTimes(1);
  });

  test('GIVEN a policy rendered once WHEN a reader is added afterwards THEN the next rendering shows it (nothing is cached between calls)', () => {
    // GIVEN
    const { chart, config, kv } = tenants(1);
    const policy = config.policies.find((p) => p.policyName === 't0')!;
    const role = config.kubernetesAuths[0].roles[0];
    expect(config.policyHcl(policy)).not.toContain('kv/data/t0/extra');
    // WHEN
    const vaultAuth = new VaultAuth(chart, 'Late', { method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'sa0' }) });
    new VaultStaticSecret(chart, 'LateSecret', { vaultAuth, mount: kv, path: 't0/extra' });
    // THEN
    expect(config.policyHcl(policy)).toContain('path "kv/data/t0/extra" {');
  });
});
