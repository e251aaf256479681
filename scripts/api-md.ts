// Post-processes the API.md that jsii-docgen writes (the `docgen` task runs it right after jsii-docgen).
//
// jsii-docgen repeats, under every class, the members it inherits from classes of other packages: each of the
// library's constructs carries its own copy of `node`, `toString()`, `with()` and the static `isConstruct()` of
// `constructs.Construct` (with the same long explanation every time), and a class built on a cdk8s `Chart` carries
// Chart's members too. This step lists such members once per class, in one line naming the base class they come
// from and linking to nothing (they are documented by their own package), and leaves everything this package
// declares untouched: its own members, and what its classes inherit from each other.
//
//   ts-node --project scripts/tsconfig.json scripts/api-md.ts [API.md]

import * as fs from 'fs';
import * as path from 'path';

interface JsiiMember { readonly name: string; readonly static?: boolean }
interface JsiiType {
  readonly fqn: string;
  readonly kind: string;
  readonly name: string;
  readonly base?: string;
  readonly methods?: JsiiMember[];
  readonly properties?: JsiiMember[];
}
interface JsiiAssembly { readonly name: string; readonly version: string; readonly types: Record<string, JsiiType> }

const root = path.resolve(__dirname, '..');
const assemblies = new Map<string, JsiiAssembly>();

function assemblyOf(fqn: string): JsiiAssembly {
  const name = fqn.startsWith('@') ? fqn.split('.').slice(0, 1).join('.') : fqn.split('.')[0];
  let a = assemblies.get(name);
  if (!a) {
    a = newestInstalled(name);
    assemblies.set(name, a);
  }
  return a;
}

/**
 * jsii-docgen reads every assembly it finds under node_modules, so a dependency installed twice (a tool's own copy
 * of `constructs`, say) is documented from its newest copy: read the same one.
 */
function newestInstalled(name: string): JsiiAssembly {
  const found: JsiiAssembly[] = [];
  const visit = (dir: string, depth: number) => {
    const candidate = path.join(dir, name, '.jsii');
    if (fs.existsSync(candidate)) found.push(JSON.parse(fs.readFileSync(candidate, 'utf8')));
    if (depth === 0) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      const nested = entry.name.startsWith('@')
        ? fs.readdirSync(path.join(dir, entry.name)).map((n) => path.join(dir, entry.name, n))
        : [path.join(dir, entry.name)];
      for (const pkg of nested) {
        const modules = path.join(pkg, 'node_modules');
        if (fs.existsSync(modules)) visit(modules, depth - 1);
      }
    }
  };
  visit(path.join(root, 'node_modules'), 1);
  if (found.length === 0) throw new Error(`api-md: no assembly of ${name} under node_modules`);
  return found.sort((x, y) => compareVersions(y.version, x.version))[0];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  const pb = b.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

function typeOf(fqn: string): JsiiType {
  const t = assemblyOf(fqn).types[fqn];
  if (!t) throw new Error(`api-md: type ${fqn} is not in its assembly`);
  return t;
}

interface Inherited {
  /** docgen anchor ids (`<fqn>.<name>` or `<fqn>.property.<name>`) to drop. */
  readonly ids: Set<string>;
  /** One line per foreign base: its fqn and the members it contributes. */
  readonly lines: string[];
}

/** The members a class of this package inherits from classes of other packages. */
function foreignInherited(cls: JsiiType): Inherited {
  const ownMethods = new Set<string>();
  const ownProps = new Set<string>();
  const ids = new Set<string>();
  const lines: string[] = [];
  let t: JsiiType | undefined = cls;
  while (t) {
    const foreign = assemblyOf(t.fqn).name !== own.name;
    const names: string[] = [];
    for (const m of t.methods ?? []) {
      if (ownMethods.has(m.name)) continue;
      ownMethods.add(m.name);
      if (foreign) {
        ids.add(`${cls.fqn}.${m.name}`);
        names.push(m.static ? `${t.name}.${m.name}()` : `${m.name}()`);
      }
    }
    for (const p of t.properties ?? []) {
      if (ownProps.has(p.name)) continue;
      ownProps.add(p.name);
      if (foreign) {
        ids.add(`${cls.fqn}.property.${p.name}`);
        names.push(p.static ? `${t.name}.${p.name}` : p.name);
      }
    }
    if (foreign && names.length > 0) {
      lines.push(`\`${t.fqn}\` (${names.sort().map((n) => `\`${n}\``).join(', ')})`);
    }
    t = t.base ? typeOf(t.base) : undefined;
  }
  return { ids, lines };
}

const own = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8')) as JsiiAssembly;
assemblies.set(own.name, own);

const file = path.resolve(process.argv[2] ?? path.join(root, 'API.md'));
const NOTE = '- *Inherited, documented by their own packages:* ';
// Idempotent: the notes of an earlier run are taken out first (the sections they replaced are gone already).
const input = fs.readFileSync(file, 'utf8').split('\n')
  .filter((line, i, all) => !line.startsWith(NOTE) && !(line === '' && all[i - 1]?.startsWith(NOTE)));

const HEADING = /^(#{2,6}) /;
const CLASS_HEADING = /^### .* id="([^"]+)"><\/a>$/;
const MEMBER_HEADING = /^#{5} .* id="([^"]+)"><\/a>$/;
const ROW = /^\| <code><a href="#([^"]+)">/;

const out: string[] = [];
let inherited: Inherited | undefined;
let pendingNote: string | undefined;
let dropping = false;
let dropped = 0;

for (let i = 0; i < input.length; i++) {
  const line = input[i];
  const heading = HEADING.exec(line);
  if (heading) {
    const level = heading[1].length;
    if (dropping && level <= 5) dropping = false;
    if (level <= 3) {
      inherited = undefined;
      pendingNote = undefined;
      const cls = CLASS_HEADING.exec(line);
      const t = cls && own.types[cls[1]];
      if (t && t.kind === 'class') {
        const found = foreignInherited(t);
        if (found.ids.size > 0) {
          inherited = found;
          pendingNote = `${NOTE}${found.lines.join('; ')}.`;
        }
      }
    } else if (level === 4 && pendingNote) {
      // The note goes after the class's description, before its first sub-section.
      out.push(pendingNote, '');
      pendingNote = undefined;
    }
    if (level === 5 && inherited) {
      const member = MEMBER_HEADING.exec(line);
      if (member && inherited.ids.has(member[1])) {
        dropping = true;
        dropped++;
        continue;
      }
    }
  }
  if (dropping) continue;
  const row = ROW.exec(line);
  if (row && inherited?.ids.has(row[1])) continue;
  out.push(line);
}

// A member table left with no rows goes with its heading: `#### Methods`, the header rows, `---`.
const text = out.join('\n').replace(
  /^#### [^\n]+\n\n\| \*\*Name\*\* \|[^\n]*\n\| --- \|[^\n]*\n\n---\n\n/gm, '');

fs.writeFileSync(file, text);
process.stdout.write(`api-md: ${dropped} inherited member sections listed once per class; ${input.join('\n').length} -> ${text.length} characters\n`);
