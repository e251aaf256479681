// The harness of scripts/ci-python.sh (scripts/python-docs.ts): which README blocks it runs, and that its
// comparison fails on any difference (the CI check itself needs the wheel and a venv; it runs in .ci/run).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { compare, runnableBlocks, sealsAfresh } from '../../scripts/python-docs';
import { SealedSecret, SealedValue, SealingCertificate } from '../../src';

const ROOT = path.join(__dirname, '..', '..');
const CERT = path.join(ROOT, 'examples', 'sealed-demo', 'sealing-cert.pem');

/** A SealedSecret sealed afresh (random session key) with the demo certificate, as YAML. */
function sealedYaml(plaintext: string): string {
  const chart = Testing.chart();
  new SealedSecret(chart, 'Db', {
    name: 'db',
    namespace: 'demo',
    certificate: SealingCertificate.fromPemFile(CERT),
    values: { password: SealedValue.unsafePlainText(plaintext) },
  });
  return Testing.synth(chart).map((o) => JSON.stringify(o)).join('\n---\n') + '\n';
}

describe('scripts/python-docs.ts', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'python-docs-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function sides(ts: Record<string, string>, py: Record<string, string>): [string, string] {
    for (const [side, files] of [['ts', ts], ['py', py]] as const) {
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, side, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, side, rel), text);
      }
    }
    return [path.join(dir, 'ts'), path.join(dir, 'py')];
  }

  test('GIVEN the README THEN the runnable blocks are the ESO, sealing, resealing, Vault and backends programs, each fixture exists', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const blocks = runnableBlocks(readme);
    expect(blocks.map((b) => b.name)).toEqual(['eso', 'sealing', 'resealing', 'vault', 'backends']);
    for (const m of readme.matchAll(/^```ts[ \t]+[^\n]*fixture=(\S+)/gm)) {
      expect(fs.readFileSync(path.join(ROOT, 'rosetta', `${m[1]}.ts-fixture`), 'utf8')).toMatch(/^\s*\/\/\/ here\s*$/m);
    }
    // Only sealing without resealing compares once unsealed; everything else byte for byte.
    const byName = Object.fromEntries(blocks.map((b) => [b.name, sealsAfresh({ name: b.name, typescript: b.source, python: '' })]));
    expect(byName).toEqual({ eso: false, sealing: true, resealing: false, vault: false, backends: true });
  });

  test('GIVEN identical outputs THEN no problem, and every file counts as byte-identical', () => {
    const [ts, py] = sides({ 'dist/a.k8s.yaml': 'kind: ConfigMap\n---\nkind: Secret\n', 'cdk.out/s.template.json': '{"Resources":{"R":{}}}' },
      { 'dist/a.k8s.yaml': 'kind: ConfigMap\n---\nkind: Secret\n', 'cdk.out/s.template.json': '{"Resources":{"R":{}}}' });
    const r = compare('x', ts, py, true);
    expect(r).toMatchObject({ files: 2, identical: 2, objects: 3, problems: [] });
  });

  test('GIVEN one byte of difference, a missing file or an extra file THEN each is a problem', () => {
    const [ts, py] = sides({ 'dist/a.yaml': 'a: 1\n', 'dist/b.yaml': 'b: 1\n' }, { 'dist/a.yaml': 'a: 2\n', 'dist/c.yaml': 'c: 1\n' });
    const r = compare('x', ts, py, true);
    expect(r.problems).toEqual([
      'x: the Python run did not write dist/b.yaml',
      'x: the Python run wrote files the TypeScript run did not: dist/c.yaml',
      'x: dist/a.yaml differs (5 bytes from TypeScript, 5 from Python)',
    ]);
  });

  test('GIVEN the same plaintext sealed twice THEN the files differ byte-wise but compare equal once unsealed (only when allowed)', () => {
    const a = sealedYaml('admin');
    const b = sealedYaml('admin');
    expect(a).not.toBe(b);
    const [ts, py] = sides({ 'dist/s.yaml': a }, { 'dist/s.yaml': b });
    expect(compare('x', ts, py, false)).toMatchObject({ files: 1, identical: 0, unsealed: 1, problems: [] });
    expect(compare('x', ts, py, true).problems).toEqual([`x: dist/s.yaml differs (${a.length} bytes from TypeScript, ${b.length} from Python)`]);
  });

  test('GIVEN another example input sealed on one side THEN the files differ even once unsealed', () => {
    const [ts, py] = sides({ 'dist/s.yaml': sealedYaml('admin') }, { 'dist/s.yaml': sealedYaml('S3cr3tPassw0rd') });
    expect(compare('x', ts, py, false).problems).toEqual(['x: dist/s.yaml differs, even with its SealedSecrets unsealed']);
  });

  test('GIVEN a sealed value that is none of the example inputs THEN it is a problem even when both sides are identical', () => {
    const y = sealedYaml('not-an-input');
    const [ts, py] = sides({ 'dist/s.yaml': y }, { 'dist/s.yaml': y });
    expect(compare('x', ts, py, true).problems).toEqual([
      "x/ts/dist/s.yaml: SealedSecret demo/db key password unseals to something other than the example's input",
    ]);
  });
});
