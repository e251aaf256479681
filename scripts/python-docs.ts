// The README's runnable examples, in TypeScript and in the Python that jsii-rosetta translated them to, run side
// by side; their outputs must be byte-identical (SealedSecrets: identical once unsealed, and byte-identical with
// resealing).
//
// Usage: ts-node scripts/python-docs.ts <work-dir> <python>
//   - reads the README's ```ts blocks marked `run=<name>` and their translations from the tablet that
//     `jsii-rosetta extract` wrote next to the assembly (.jsii.tabl.json); every marked block must have compiled;
//   - a block with a fixture (rosetta/<fixture>.ts-fixture) runs as the fixture with the block in it: the TypeScript
//     is rosetta's full source, the Python is rosetta's translation of that full source, which must contain the
//     block's translation from the tablet verbatim;
//   - writes <work-dir>/<name>/{ts,py}/, runs `node main.js` (against lib/ of this checkout) and `<python> main.py`
//     (against the installed wheel), and compares every file they wrote.
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { PythonVisitor, Translator, typeScriptSnippetFromCompleteSource } from 'jsii-rosetta';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import { referenceUnseal } from '../test/sealed/fixtures';

const ROOT = path.resolve(__dirname, '..');
const DEMO = path.join(ROOT, 'examples', 'sealed-demo');
const DEMO_KEY_PEM = fs.readFileSync(path.join(DEMO, 'sealing-key.DEMO-ONLY.pem'), 'utf8');

/** The inputs the examples read (demo values, never real secrets). */
const INPUT_ENV: Record<string, string> = {
  PG_USER: 'admin',
  DB_USER: 'backends-user',
  DB_PASSWORD: 'backends-demo-password',
  SEALED_SECRETS_RESEAL_KEY: fs.readFileSync(path.join(DEMO, 'reseal-key.DEMO-ONLY'), 'utf8').trim(),
};
const INPUT_FILES: Record<string, Buffer> = {
  'sealed-secrets-cert.pem': fs.readFileSync(path.join(DEMO, 'sealing-cert.pem')),
  'secrets/pg-password': Buffer.from('S3cr3tPassw0rd'),
};
/** What the examples' SealedSecrets may unseal to: their plaintext inputs. */
const PLAINTEXT_INPUTS = new Set([INPUT_ENV.PG_USER, INPUT_ENV.DB_USER, INPUT_ENV.DB_PASSWORD, INPUT_FILES['secrets/pg-password'].toString('utf8')]);

interface Block { readonly name: string; readonly source: string; readonly line: number }
export interface Program {
  readonly name: string;
  readonly typescript: string;
  readonly python: string;
  readonly fixture?: string;
}

/** A program that seals without resealing draws fresh randomness: its SealedSecrets compare once unsealed. */
export function sealsAfresh(p: Program): boolean {
  return /new SealedSecret\(/.test(p.typescript) && !/Resealing\./.test(p.typescript);
}

function fail(message: string): never {
  console.error(`python-docs: ${message}`);
  process.exit(1);
}

/** The README's ```ts blocks with a `run=<name>` parameter. */
export function runnableBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```(?:ts|typescript)[ \t]+([^\n]*)\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(re)) {
    const marker = /(?:^|\s)run=(\S+)/.exec(m[1]);
    if (!marker) continue;
    blocks.push({ name: marker[1], source: m[2], line: markdown.slice(0, m.index).split('\n').length });
  }
  return blocks;
}

function loadTablet(): any[] {
  const file = path.join(ROOT, '.jsii.tabl.json');
  if (!fs.existsSync(file)) fail(`${file} not found: run 'jsii-rosetta extract --strict .jsii' first`);
  return Object.values(JSON.parse(fs.readFileSync(file, 'utf8')).snippets);
}

/** Python for the whole fixtured program: rosetta's translation of the full source, markers removed. */
function translateFull(fullSource: string, name: string, compilationDir: string): string {
  const complete = fullSource.split('\n').filter((l) => !/^\s*\/\/\/\s*!(show|hide)\s*$/.test(l)).join('\n');
  const snippet = typeScriptSnippetFromCompleteSource(complete, { api: { api: 'file', fileName: `README-${name}` } }, true, {
    $compilation: compilationDir,
  });
  const translator = new Translator(true);
  const translated = translator.translatorFor(snippet);
  if (!translated.didSuccessfullyCompile) {
    fail(`the full program of README block run=${name} does not compile:\n${translated.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n')}`);
  }
  return translated.renderUsing(new PythonVisitor());
}

function programs(compilationDir: string): Program[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = runnableBlocks(readme);
  if (blocks.length === 0) fail('README.md has no ```ts block marked run=<name>');
  const snippets = loadTablet().filter((s) => s.location?.api?.api === 'moduleReadme');
  return blocks.map((b) => {
    const found = snippets.filter((s) => s.translations.$.source.trim() === b.source.trim());
    if (found.length !== 1) fail(`README.md line ${b.line} (run=${b.name}): ${found.length} tablet snippets match; re-run 'jsii-rosetta extract'`);
    const s = found[0];
    if (!s.didCompile) fail(`README.md line ${b.line} (run=${b.name}) did not compile in jsii-rosetta`);
    const visiblePython: string = s.translations.python.source;
    const full: string = s.fullSource ?? b.source;
    if (!/\/\/\/\s*!show/.test(full)) return { name: b.name, typescript: full, python: visiblePython };
    const python = translateFull(full, b.name, compilationDir);
    // The documented Python (the tablet's) must be what runs: the full translation contains it verbatim.
    const statements = visiblePython.split('\n').filter((l) => !/^(from \S+ )?import /.test(l)).join('\n').trim();
    if (!python.includes(statements)) {
      fail(`README.md line ${b.line} (run=${b.name}): the full-program translation does not contain the documented Python:\n${visiblePython}\n---\n${python}`);
    }
    return { name: b.name, typescript: full, python, fixture: 'yes' };
  });
}

function writeInputs(dir: string) {
  for (const [rel, bytes] of Object.entries(INPUT_FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), bytes);
  }
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; ms: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...INPUT_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code: code ?? 1, out, ms: Date.now() - start }));
  });
}

function filesUnder(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, base) : [path.relative(base, p)];
  }).sort();
}

/** Label of a SealedSecret's scope (what its ciphertexts are bound to). */
function sealingLabel(obj: any): string {
  const a = obj.metadata?.annotations ?? {};
  if (a['sealedsecrets.bitnami.com/cluster-wide'] === 'true') return '';
  if (a['sealedsecrets.bitnami.com/namespace-wide'] === 'true') return obj.metadata.namespace;
  return `${obj.metadata.namespace}/${obj.metadata.name}`;
}

/**
 * Replaces every SealedSecret ciphertext in a YAML text by a digest of what it unseals to, after checking that it
 * unseals with the demo key to the example's input. Returns the text and the number of values unsealed.
 */
function unsealedForm(text: string, where: string, problems: string[]): { text: string; values: number } {
  let out = text;
  let values = 0;
  for (const doc of YAML.parseAllDocuments(text)) {
    const obj = doc.toJSON();
    if (obj?.kind !== 'SealedSecret') continue;
    for (const [key, sealed] of Object.entries<string>(obj.spec?.encryptedData ?? {})) {
      let plain: Buffer;
      try {
        plain = referenceUnseal(DEMO_KEY_PEM, sealed, sealingLabel(obj));
      } catch {
        problems.push(`${where}: SealedSecret ${obj.metadata.namespace}/${obj.metadata.name} key ${key} does not unseal with the demo key`);
        continue;
      }
      if (!PLAINTEXT_INPUTS.has(plain.toString('utf8'))) {
        problems.push(`${where}: SealedSecret ${obj.metadata.namespace}/${obj.metadata.name} key ${key} unseals to something other than the example's input`);
      }
      out = out.split(sealed).join(`<unsealed sha256:${crypto.createHash('sha256').update(plain).digest('hex')}>`);
      values++;
    }
  }
  return { text: out, values };
}

function countObjects(rel: string, bytes: Buffer): number {
  if (/\.ya?ml$/.test(rel)) return YAML.parseAllDocuments(bytes.toString('utf8')).filter((d) => d.toJSON() != null).length;
  if (rel.endsWith('.template.json')) return Object.keys(JSON.parse(bytes.toString('utf8')).Resources ?? {}).length;
  return 0;
}

export interface Result { files: number; objects: number; bytes: number; identical: number; unsealed: number; problems: string[] }

/** Compares what the TypeScript and the Python run wrote. */
export function compare(name: string, tsDir: string, pyDir: string, mustBeByteIdentical: boolean): Result {
  const skip = (f: string) => f.startsWith('main.') || Object.keys(INPUT_FILES).includes(f) || f.startsWith('__pycache__');
  const tsFiles = filesUnder(tsDir).filter((f) => !skip(f));
  const pyFiles = filesUnder(pyDir).filter((f) => !skip(f));
  const r: Result = { files: 0, objects: 0, bytes: 0, identical: 0, unsealed: 0, problems: [] };
  const missing = tsFiles.filter((f) => !pyFiles.includes(f));
  const extra = pyFiles.filter((f) => !tsFiles.includes(f));
  if (missing.length) r.problems.push(`${name}: the Python run did not write ${missing.join(', ')}`);
  if (extra.length) r.problems.push(`${name}: the Python run wrote files the TypeScript run did not: ${extra.join(', ')}`);
  if (tsFiles.length === 0) r.problems.push(`${name}: the TypeScript run wrote nothing`);
  for (const f of tsFiles.filter((x) => pyFiles.includes(x))) {
    const a = fs.readFileSync(path.join(tsDir, f));
    const b = fs.readFileSync(path.join(pyDir, f));
    r.files++;
    r.bytes += a.length;
    r.objects += countObjects(f, a);
    if (a.equals(b)) {
      r.identical++;
      // Identical SealedSecrets must still be the example's inputs.
      if (/\.ya?ml$/.test(f)) r.unsealed += unsealedForm(a.toString('utf8'), `${name}/ts/${f}`, r.problems).values;
      continue;
    }
    if (mustBeByteIdentical || !/\.ya?ml$/.test(f)) {
      r.problems.push(`${name}: ${f} differs (${a.length} bytes from TypeScript, ${b.length} from Python)`);
      continue;
    }
    const ua = unsealedForm(a.toString('utf8'), `${name}/ts/${f}`, r.problems);
    const ub = unsealedForm(b.toString('utf8'), `${name}/py/${f}`, r.problems);
    r.unsealed += ub.values;
    if (ua.text !== ub.text || ua.values === 0) r.problems.push(`${name}: ${f} differs, even with its SealedSecrets unsealed`);
  }
  return r;
}

async function main() {
  const [work, python] = process.argv.slice(2);
  if (!work || !python) fail('usage: python-docs.ts <work-dir> <python>');
  fs.rmSync(work, { recursive: true, force: true });
  // The TypeScript programs (compiled by rosetta, run by node) resolve 'cdk8s-secrets' to this checkout (lib/, the
  // code the wheel embeds) and its peers to this checkout's node_modules.
  const mods = path.join(work, 'node_modules');
  fs.mkdirSync(mods, { recursive: true });
  fs.symlinkSync(ROOT, path.join(mods, 'cdk8s-secrets'));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const peer of Object.keys(pkg.peerDependencies ?? {})) fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(mods, peer));
  const nodePath = mods;
  const all = programs(work);

  // docs/python.md shows the README's program in Python: it must be rosetta's translation, as run below.
  const pyDoc = /```python\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(ROOT, 'docs', 'python.md'), 'utf8'))?.[1];
  const eso = all.find((p) => p.name === 'eso');
  if (!eso || pyDoc?.trim() !== eso.python.trim()) {
    fail(`the first \`\`\`python block of docs/python.md is not jsii-rosetta's translation of the README block run=eso, which is:\n${eso?.python}`);
  }

  for (const p of all) {
    for (const side of ['ts', 'py']) writeInputs(path.join(work, p.name, side));
    const js = ts.transpileModule(p.typescript, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    fs.writeFileSync(path.join(work, p.name, 'ts', 'main.ts'), p.typescript);
    fs.writeFileSync(path.join(work, p.name, 'ts', 'main.js'), js);
    fs.writeFileSync(path.join(work, p.name, 'py', 'main.py'), p.python);
  }

  // TypeScript first: the resealing example's Python run reads the TypeScript run's output as its previous output.
  const env = { NODE_PATH: nodePath, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
  for (const p of all) {
    const r = await run(process.execPath, ['main.js'], path.join(work, p.name, 'ts'), env);
    if (r.code !== 0) fail(`README run=${p.name}: the TypeScript program failed:\n${r.out}`);
    console.log(`ts  ${p.name}: ${(r.ms / 1000).toFixed(1)} s`);
    // With resealing, the Python run gets the TypeScript run's output as its previous output (`previousOutput: 'dist'`).
    if (/Resealing\./.test(p.typescript)) fs.cpSync(path.join(work, p.name, 'ts', 'dist'), path.join(work, p.name, 'py', 'dist'), { recursive: true });
  }
  // Two Python programs at a time (each starts its own jsii kernel).
  const queue = [...all];
  const failures: string[] = [];
  await Promise.all([0, 1].map(async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const r = await run(python, ['main.py'], path.join(work, p.name, 'py'), env);
      if (r.code !== 0) failures.push(`README run=${p.name}: the Python program failed:\n${r.out}`);
      console.log(`py  ${p.name}: ${(r.ms / 1000).toFixed(1)} s`);
    }
  }));
  if (failures.length) fail(failures.join('\n'));

  let problems: string[] = [];
  const totals = { files: 0, objects: 0, bytes: 0, identical: 0, unsealed: 0 };
  for (const p of all) {
    const r = compare(p.name, path.join(work, p.name, 'ts'), path.join(work, p.name, 'py'), !sealsAfresh(p));
    console.log(`cmp ${p.name}${p.fixture ? ' (fixture)' : ''}: ${r.files} files, ${r.objects} objects, ${r.bytes} bytes; ${r.identical} byte-identical, ${r.unsealed} sealed values unsealed`);
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
    problems = problems.concat(r.problems);
  }
  console.log(`python-docs: ${all.length} README programs, ${totals.files} files, ${totals.objects} objects, ${totals.bytes} bytes; `
    + `${totals.identical} files byte-identical, ${totals.files - totals.identical} identical once unsealed; ${totals.unsealed} sealed values unsealed`);
  if (problems.length) fail(problems.join('\n'));
}

if (require.main === module) {
  main().catch((e) => fail(e?.stack ?? String(e)));
}
