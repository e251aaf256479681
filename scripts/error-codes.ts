/**
 * The error codes of the library: every `validationError(scope, { code, prop, problem, fix })` call in src/
 * carries a literal code `CS-<AREA>-<NNN>`, and docs/errors.md lists them all.
 *
 *   ts-node --project test/tsconfig.json scripts/error-codes.ts            rewrite docs/errors.md
 *   ts-node --project test/tsconfig.json scripts/error-codes.ts --assign   give each call without a code the
 *                                                                          next free code of its area, then
 *                                                                          rewrite docs/errors.md
 *
 * test/core/error-codes.test.ts fails when a call lacks a code, two calls share one, or docs/errors.md
 * differs from what this script writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
export const DOC = path.join(ROOT, 'docs', 'errors.md');

/**
 * The area of each source folder, the middle part of its codes: a short name where the folder's is long,
 * else the folder's name in capitals.
 */
export function areaOf(folder: string): string {
  return AREAS[folder] ?? folder.replace(/[^a-z]/gi, '').toUpperCase();
}

/** Short areas for long folder names. */
export const AREAS: Record<string, string> = {
  app: 'APP',
  aws: 'AWS',
  checks: 'CHECKS',
  cli: 'CLI',
  core: 'CORE',
  csi: 'CSI',
  encryption: 'ENC',
  eso: 'ESO',
  identity: 'ID',
  install: 'INSTALL',
  platform: 'PLATFORM',
  sealed: 'SEALED',
  vault: 'VAULT',
  workloads: 'WL',
};

export const CODE_PATTERN = /^CS-([A-Z]+)-(\d{3})$/;

/** One `validationError` call in src/. */
export interface ErrorSite {
  /** Path from the repository root, with '/'. */
  readonly file: string;
  readonly line: number;
  /** The area its folder maps to. */
  readonly area: string;
  /** The literal code, or undefined when the call has none (or a non-literal one). */
  readonly code?: string;
  /** The construct (class or string scope) or function that throws it. */
  readonly where: string;
  readonly prop: string;
  readonly problem: string;
  readonly fix: string;
  /** Offset of the object literal's first property, to insert a code before it. */
  readonly insertAt: number;
  readonly multiline: boolean;
  readonly indent: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (p !== path.join(SRC, 'imports')) out.push(...sourceFiles(p));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(p);
    }
  }
  return out;
}

/** Module-level string constants of a file, to show their text where a message uses them. */
function stringConstants(sf: ts.SourceFile): Map<string, string> {
  const consts = new Map<string, string>();
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.initializer && (ts.isStringLiteral(d.initializer) || ts.isNoSubstitutionTemplateLiteral(d.initializer))) {
        consts.set(d.name.text, d.initializer.text);
      }
    }
  }
  return consts;
}

/** The text of a message part as the docs show it: literals as written, expressions as `<name>`. */
function render(e: ts.Expression, consts: Map<string, string>, sf: ts.SourceFile): string {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isParenthesizedExpression(e)) return render(e.expression, consts, sf);
  if (ts.isTemplateExpression(e)) {
    let s = e.head.text;
    for (const span of e.templateSpans) s += `${placeholder(span.expression, consts, sf)}${span.literal.text}`;
    return s;
  }
  if (ts.isConditionalExpression(e)) return `${render(e.whenTrue, consts, sf)} | ${render(e.whenFalse, consts, sf)}`;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return render(e.left, consts, sf) + render(e.right, consts, sf);
  }
  return placeholder(e, consts, sf);
}

function placeholder(e: ts.Expression, consts: Map<string, string>, sf: ts.SourceFile): string {
  if (ts.isIdentifier(e) && consts.has(e.text)) return consts.get(e.text)!;
  if (ts.isIdentifier(e)) return `<${e.text}>`;
  if (ts.isPropertyAccessExpression(e)) return `<${e.name.text}>`;
  if (ts.isStringLiteral(e) || ts.isTemplateExpression(e) || ts.isConditionalExpression(e)) return render(e, consts, sf);
  return '<...>';
}

function enclosing(node: ts.Node, scopeArg: ts.Expression): string {
  if (ts.isStringLiteral(scopeArg)) return scopeArg.text;
  const names: string[] = [];
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isClassDeclaration(n) && n.name) { names.unshift(n.name.text); break; }
    if (ts.isFunctionDeclaration(n) && n.name) { names.unshift(`${n.name.text}()`); break; }
  }
  return names.join('') || '(module)';
}

/** Every `validationError(...)` call in src/, in file and source order. */
export function collectSites(): ErrorSite[] {
  const sites: ErrorSite[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const consts = stringConstants(sf);
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    const area = areaOf(rel.split('/')[1]);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'validationError'
        && node.arguments.length === 2) {
        const obj = node.arguments[1];
        if (!ts.isObjectLiteralExpression(obj)) {
          throw new Error(`${rel}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: pass the problem as an object literal`);
        }
        const get = (name: string): ts.Expression | undefined => {
          for (const p of obj.properties) {
            if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name) return p.initializer;
            if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
          }
          return undefined;
        };
        const code = get('code');
        const first = obj.properties[0];
        const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        const firstLine = sf.getLineAndCharacterOfPosition(first.getStart()).line;
        // One property a line: the code gets its own line; several on a line: it joins the first's line.
        const second = obj.properties[1];
        const multiline = second !== undefined && firstLine !== sf.getLineAndCharacterOfPosition(second.getStart()).line;
        const lineStart = sf.getPositionOfLineAndCharacter(firstLine, 0);
        sites.push({
          file: rel,
          line,
          area,
          code: code && ts.isStringLiteral(code) ? code.text : undefined,
          where: enclosing(node, node.arguments[0]),
          prop: render(get('prop')!, consts, sf),
          problem: render(get('problem')!, consts, sf),
          fix: render(get('fix')!, consts, sf),
          insertAt: first.getStart(),
          multiline,
          indent: text.slice(lineStart, first.getStart()),
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return sites;
}

/** Gives each site without a code the next free code of its area, writing the literal into the source. */
export function assignCodes(sites: ErrorSite[]): number {
  const next = new Map<string, number>();
  for (const s of sites) {
    const m = s.code ? CODE_PATTERN.exec(s.code) : null;
    if (m) next.set(m[1], Math.max(next.get(m[1]) ?? 1, Number(m[2]) + 1));
  }
  const byFile = new Map<string, ErrorSite[]>();
  for (const s of sites.filter(x => !x.code)) byFile.set(s.file, [...byFile.get(s.file) ?? [], s]);
  let count = 0;
  for (const [file, missing] of byFile) {
    const abs = path.join(ROOT, file);
    let text = fs.readFileSync(abs, 'utf8');
    const codes = missing.map(s => {
      const n = next.get(s.area) ?? 1;
      next.set(s.area, n + 1);
      return `CS-${s.area}-${String(n).padStart(3, '0')}`;
    });
    // Insert from the end so earlier offsets stay valid.
    for (let i = missing.length - 1; i >= 0; i--) {
      const s = missing[i];
      const insert = s.multiline ? `code: '${codes[i]}',\n${s.indent}` : `code: '${codes[i]}', `;
      text = text.slice(0, s.insertAt) + insert + text.slice(s.insertAt);
      count++;
    }
    fs.writeFileSync(abs, text);
  }
  return count;
}

/**
 * TypeScript syntax in a message text, which reads wrong from Python, Java, C# and Go: object literals,
 * `new X(`, arrow functions, and calls outside backticks (name props and methods in backticks, such as
 * `addValue` or `Duration.minutes(5)`).
 */
export function foreignSyntax(text: string): string[] {
  const outsideBackticks = text.replace(/`[^`]*`/g, '``');
  const found: string[] = [];
  if (/(?<!\{)\{(?!\{)\s*[A-Za-z_$][\w$]*\??\s*[:,}]/.test(outsideBackticks)) found.push('object literal');
  if (/\bnew [A-Z]/.test(text)) found.push('new');
  if (/=>/.test(text)) found.push('arrow function');
  if (/[A-Za-z_$][\w$]*\(/.test(outsideBackticks)) found.push('call outside backticks');
  return found;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The text of docs/errors.md for these sites. */
export function renderDoc(sites: ErrorSite[]): string {
  const rows = [...sites].sort((a, b) => (a.code ?? '').localeCompare(b.code ?? ''));
  const lines = [
    '# Error codes',
    '',
    'Every error this library throws for bad input names the construct path, the prop, the value (never a',
    'secret) and the fix, and ends with a stable code in square brackets:',
    '',
    '```text',
    '[app/chart/store] refreshInterval: must be longer than zero (got "0s"). Fix: use a period such as `Duration.minutes(5)` [CS-CORE-003]',
    '```',
    '',
    'A code names one rule and never changes meaning: search this page, an issue tracker or your CI logs',
    'for it. Codes read `CS-<AREA>-<NNN>`, where the area is the part of the library that checks the rule:',
    '',
    '| Area | Part of the library |',
    '| --- | --- |',
    ...[...new Set(sites.map(s => s.file.split('/')[1]))].sort().map(folder => `| \`${areaOf(folder)}\` | ${folder} |`),
    '',
    'In TypeScript and JavaScript the thrown error also carries the code, the construct path and the prop',
    'as properties: `code`, `constructPath` and `prop`, and its `name` is `ValidationError`. In Python, Java,',
    'C# and Go the error arrives as the jsii runtime\'s exception with the same message: read the code from',
    'the bracketed suffix, for example with the regular expression `\\[(CS-[A-Z]+-\\d{3})\\]$`.',
    '',
    'The table is generated from the source by `scripts/error-codes.ts`; a test fails when it is out of date.',
    'Placeholders in angle brackets (`<name>`) stand for values filled in when the error is thrown.',
    '',
    '| Code | Thrown by | Prop | Problem | Fix |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(s => `| ${s.code ?? '(none)'} | \`${cell(s.where)}\` (${s.file}) | \`${cell(s.prop)}\` | ${cell(s.problem)} | ${cell(s.fix)} |`),
    '',
  ];
  return lines.join('\n');
}

if (require.main === module) {
  let sites = collectSites();
  if (process.argv.includes('--assign')) {
    const n = assignCodes(sites);
    console.log(`assigned ${n} code(s)`);
    sites = collectSites();
  }
  const missing = sites.filter(s => !s.code);
  for (const s of missing) console.error(`${s.file}:${s.line}: validationError without a literal code (run with --assign)`);
  fs.writeFileSync(DOC, renderDoc(sites));
  console.log(`${path.relative(ROOT, DOC)}: ${sites.length} codes`);
  if (missing.length > 0) process.exitCode = 1;
}
