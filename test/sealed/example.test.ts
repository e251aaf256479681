import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { referenceUnseal } from './fixtures';
import { exampleContext } from '../../examples/context';
import { buildSealed } from '../../examples/sealed';
import { SynthMode } from '../../src';
import { validateYamlFiles } from '../harness';

/** DEMO ONLY: the private key of the example's throwaway sealing certificate (examples/sealed-demo/README.md). */
const DEMO_KEY_PEM = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'sealed-demo', 'sealing-key.DEMO-ONLY.pem'), 'utf8');

/** Runs the sealed part of the example into `outdir`, the way examples/main.ts does (one SecretsApp synth). */
function runExample(outdir: string, previousOutput: string): string[] {
  const ctx = exampleContext({ outdir, cloudAssemblyOutdir: path.join(outdir, 'cdk.out'), mode: SynthMode.ALL });
  buildSealed(ctx, { previousOutput });
  ctx.app.synth();
  fs.rmSync(path.join(outdir, 'cdk.out'), { recursive: true, force: true });
  return fs.readdirSync(outdir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(outdir, f)).isFile()).sort();
}

function sealedSecretsIn(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter((o) => o?.kind === 'SealedSecret');
}

describe('examples/sealed.ts', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-example-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('GIVEN a clean checkout WHEN the example runs twice (second run reading the first output) THEN every file is byte-identical', () => {
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    const files = runExample(first, path.join(dir, 'does-not-exist-yet'));
    expect(files).toEqual(['sealed-controller.k8s.yaml', 'sealed-secrets-demo.k8s.yaml', path.join('sealed-secrets', 'fetch-cert.sh')]);
    expect(runExample(second, first)).toEqual(files);
    for (const f of files) {
      expect(fs.readFileSync(path.join(second, f), 'utf8')).toBe(fs.readFileSync(path.join(first, f), 'utf8'));
    }
    // A third run without the previous output (no reseal candidates) changes every ciphertext: proof that
    // the stability comes from re-sealing, not from deterministic encryption.
    const third = path.join(dir, 'third');
    runExample(third, path.join(dir, 'does-not-exist-either'));
    const a = sealedSecretsIn(path.join(first, 'sealed-secrets-demo.k8s.yaml'));
    const c = sealedSecretsIn(path.join(third, 'sealed-secrets-demo.k8s.yaml'));
    for (let i = 0; i < a.length; i++) {
      for (const k of Object.keys(a[i].spec.encryptedData)) expect(c[i].spec.encryptedData[k]).not.toBe(a[i].spec.encryptedData[k]);
    }
  });

  test('GIVEN the example output THEN it passes the harness, and each seed\'s SealedSecret unseals with the demo key', () => {
    const out = path.join(dir, 'check');
    const files = runExample(out, path.join(dir, 'none'));
    expect(validateYamlFiles(files.filter((f) => f.endsWith('.yaml')).map((f) => path.join(out, f)))).toEqual([]);

    const controller = YAML.parse(fs.readFileSync(path.join(out, 'sealed-controller.k8s.yaml'), 'utf8'));
    expect(controller.spec.source.helm.valuesObject).toEqual({ fullnameOverride: 'sealed-secrets-controller', namespace: 'kube-system' });
    expect(controller.spec.destination.namespace).toBe('kube-system');
    expect(fs.readFileSync(path.join(out, 'sealed-secrets', 'fetch-cert.sh'), 'utf8'))
      .toContain('kubeseal --controller-name=sealed-secrets-controller --controller-namespace=kube-system --fetch-cert > sealed-secrets-cert.pem');
    expect(fs.statSync(path.join(out, 'sealed-secrets', 'fetch-cert.sh')).mode.toString(8)).toMatch(/7[0-7][0-7]$/);

    const objs = sealedSecretsIn(path.join(out, 'sealed-secrets-demo.k8s.yaml'));
    const byId = new Map(objs.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
    expect([...byId.keys()].sort()).toEqual([
      'default/mysecret',
      'production/app-secrets-cluster-wide',
      'production/app-secrets-namespace-wide',
      'production/app-secrets-sealed',
      'secrets-demo/ss-postgres-secret',
    ]);
    const unseal = (id: string, key: string, label: string) =>
      referenceUnseal(DEMO_KEY_PEM, byId.get(id).spec.encryptedData[key], label).toString();
    expect(unseal('secrets-demo/ss-postgres-secret', 'username', 'secrets-demo/ss-postgres-secret')).toBe('admin');
    expect(unseal('secrets-demo/ss-postgres-secret', 'password', 'secrets-demo/ss-postgres-secret')).toBe('S3cr3tPassw0rd');
    expect(unseal('production/app-secrets-sealed', 'password', 'production/app-secrets-sealed')).toBe('supersecret');
    expect(unseal('production/app-secrets-namespace-wide', 'password', 'production')).toBe('supersecret');
    expect(unseal('production/app-secrets-cluster-wide', 'password', '')).toBe('supersecret');
    expect(unseal('default/mysecret', 'dbuser', 'default/mysecret')).toBe('heptio\n');
    expect(unseal('default/mysecret', 'dbkey', 'default/mysecret')).toBe('bearcanoe\n');
    expect(byId.get('production/app-secrets-namespace-wide').metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(byId.get('production/app-secrets-cluster-wide').metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(byId.get('secrets-demo/ss-postgres-secret').metadata.annotations).toBeUndefined();

    // The output never holds a demo plaintext.
    const all = files.map((f) => fs.readFileSync(path.join(out, f), 'utf8')).join('\n');
    for (const p of ['S3cr3tPassw0rd', 'supersecret', 'heptio', 'bearcanoe']) {
      expect(all).not.toContain(p);
      expect(all).not.toContain(Buffer.from(p).toString('base64'));
    }
  });
});
