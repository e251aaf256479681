import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import YAML from 'yaml';
import { exampleContext } from '../../examples/context';
import { build as buildEso } from '../../examples/eso';
import { build as buildSeed000 } from '../../examples/platform/seed-000';
import { build as buildSeed001 } from '../../examples/platform/seed-001';
import { build as buildSeed002 } from '../../examples/platform/seed-002';
import { build as buildSeed003 } from '../../examples/platform/seed-003';
import { build as buildSeed004 } from '../../examples/platform/seed-004';
import { build as buildSealed } from '../../examples/sealed';
import { build as buildVault } from '../../examples/vault';
import { build as buildWorkloads } from '../../examples/workloads';
import { ClusterTarget, SecretsApp, SynthMode } from '../../src';
import { stringifyManifests, writeDocument } from '../../src/core/yaml-writer';

// Differential tests: every output is compared with cdk8s's own writer (Yaml.stringify), and the path taken (the
// fast writer or the fallback to cdk8s's) is asserted where it matters, so a writer that always fell back could not
// pass.

/** Asserts the writer's output equals cdk8s's for these documents; returns how many the fast writer wrote. */
function same(...docs: any[]): number {
  expect(stringifyManifests(...docs)).toBe(Yaml.stringify(...docs));
  return docs.filter((d) => d !== undefined && writeDocument(d) !== undefined).length;
}

/** The fast writer's output for one document (asserting it took the fast path and matches cdk8s). */
function fast(doc: any): string {
  const out = writeDocument(doc);
  expect(out).toBeDefined();
  expect(out).toBe(Yaml.stringify(doc));
  return out!;
}

/** Asserts the document goes to cdk8s's writer, and that the result is still cdk8s's. */
function fallsBack(doc: any): void {
  expect(writeDocument(doc)).toBeUndefined();
  expect(stringifyManifests(doc)).toBe(Yaml.stringify(doc));
}

/** Every upper/lower-case spelling of a word (32 for a word of five letters). */
const caseVariants = (word: string): string[] => word === '' ? [''] : caseVariants(word.slice(1)).flatMap((rest) =>
  [word[0].toLowerCase() + rest, word[0].toUpperCase() + rest]);

/** The spellings YAML 1.1 reads as booleans or null: lower case, capitalized, upper case. */
const WORDS_1_1 = ['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null'].flatMap((w) =>
  [...new Set([w, w[0].toUpperCase() + w.slice(1), w.toUpperCase()])]).concat('~');

/** Every case variant of those words, most of which are plain strings. */
const ALL_CASE_VARIANTS = ['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null'].flatMap(caseVariants);

const NUMBER_STRINGS = [
  '0', '1', '-1', '+1', '8080', '007', '0o17', '017', '019', '0_1', '1_000', '0b101', '-0b1', '0b2', '0x1F', '0xfg', '0X1F',
  '1.5', '-1.5', '+.5', '.5', '5.', '.', '-.', '1.2.3', '1e3', '1E3', '1e+3', '1.5e-7', 'e3', '1e', '.e3', '1_0.0_1',
  '.inf', '-.inf', '+.inf', '.Inf', '.INF', '.iNf', '.nan', '.NaN', '.NAN', '-.nan', 'inf', 'nan', 'NaN', 'Infinity',
  '1:20', '1:20:30', '-1:20', '190:20:30.15', '1:60', '1:5', '1:', '12:30:00', '1::2',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-12-15T02:59:43.1Z', '2002-12-14',
  '2001-1-1', '01-12-14', '2001-12-14T', '2001-12-14 21:59', '2001-12-14  21:59:43 +05:30',
  '1.25', '1.25.0', 'v1', 'v1.2.3', '3.10', '1-2', '1/2', '+', '-', '0.', '-0', '+0', '00', '0x', '0b',
];

const INDICATOR_STRINGS = [...'-?:,[]{}#&*!|>\'"%@`'].flatMap((c) => [c, `${c}x`, `${c} x`, `x${c}`, `x${c}y`, `x ${c}`]);

const OTHER_STRINGS = [
  '', ' ', 'x', 'key: value', 'key:value', 'http://example.com:8080/path', 'a #b', 'a#b', '#b', 'a:', 'a: ', 'a :', 'ends ', ' starts',
  'two  spaces', 'a\tb', '\tlead', 'line\nbreak', 'trail\n', '\n', 'a\r\nb', 'multi\nline\ntext\n', 'nul\u0000', 'bell\u0007', 'del\u007f',
  'caf\u00e9', '\u00e9t\u00e9', '\u4e2d\u6587', '\ud83d\ude00 emoji', 'nbsp\u00a0x', '\u00a0', '\u2028', '\u2029x', '\ufeffbom', 'lone\ud800',
  'lone\udc00x', '\ude00\ud83d', 'nel\u0085', 'c1\u009f', '\u00a0: x', 'x \u00e9#', '\u00e9: ', 'y\u00e9s', '\u00ff\ud83d\ude00\u00ff', '\u3000', '\u2028%', ' \u2029---', 'x\u2028...', '\u2029%x',
  '---', '--- x', '---x', '...', '... x', 'a---', 'x...', '%YAML', '<<', '<', '=', '!!str', '&a', '*a', '@x', '`x`',
  'both "double" and \'single\'', 'only "double"', "only 'single'", '"', "'", '""', "''", 'back\\slash', ': x', '? x', '- x',
  'x'.repeat(81), 'word '.repeat(30).trim(), 'a: b: c', 'nginx:1.25', 'ghcr.io/org/app@sha256:abc123', '/var/run/secrets/tokens',
  'app.kubernetes.io/name', 'secret.reloader.stakater.com/reload', 'eks.amazonaws.com/role-arn', 'arn:aws:iam::111122223333:role/x',
  '${VAR}', '{{ .Values }}', 'a,b', 'a[0]', 'a{b}', 'x!', 'x&y', 'x*y', 'x|y', 'x>y', 'x%y', 'x@y', 'x`y',
];

const MULTI_LINE = [
  'line\nbreak', 'trail\n', 'two\n\n', 'three\n\n\n', 'x\n \n', 'x \n', 'x\n ', 'x\n  \n\n', ' lead\nx', '  lead\nx\n', '\nlead', '\n\nlead\n',
  ' \n x', '\n \nx', 'a\n\n\nb', 'trail \nx', 'a\n  indented\nb', '- a\n- b\n', 'x: 1\ny: 2\n', '--- doc\nx', 'x\n---\ny', '...\n', '#c\nx\n',
  'key: "v"\n\'q\'\n', '%x\ny', '|\n>', '\n', '\n\n', ' \n', '  ', 'a\tb\nc', 'a\r\nb', 'caf\u00e9\nx', '\u00a0\n\u3000', '\u2028\n', '\n\u2028%', 'x\n\u00a0', '\ud83d\ude00\nx', 'x\n\ud800', 'nel\u0085\nx', '{{- with secret "x" -}}\n{{ .Data }}\n{{- end }}\n',
];

const CORPUS = [...MULTI_LINE, ...ALL_CASE_VARIANTS, '~', ...NUMBER_STRINGS, ...INDICATOR_STRINGS, ...OTHER_STRINGS];

describe('strings, as values and as keys', () => {
  test.each(CORPUS.map((s) => [JSON.stringify(s), s]))('%s', (_label, s) => {
    same({ key: s });
    same({ [s]: 'value' });
    same([s]);
    same(s);
    same({ outer: { [s]: [s, { [s]: s }] } });
  });

  test('the YAML 1.1 booleans and nulls are quoted by the fast writer, as cdk8s quotes them; other case mixes stay plain', () => {
    expect(ALL_CASE_VARIANTS.length).toBe(2 + 2 + 8 + 4 + 4 + 8 + 16 + 32 + 16);
    for (const w of ALL_CASE_VARIANTS) {
      const quoted = WORDS_1_1.includes(w);
      expect(fast({ v: w })).toBe(quoted ? `v: "${w}"\n` : `v: ${w}\n`);
      expect(fast({ [w]: 1 })).toBe(quoted ? `"${w}": 1\n` : `${w}: 1\n`);
    }
    expect(fast({ v: '~' })).toBe('v: "~"\n');
    expect(WORDS_1_1.filter((w) => writeDocument(w) === `${w}\n`)).toEqual([]);
  });

  test('strings that read as numbers or timestamps are quoted; version-like strings stay plain', () => {
    expect(fast({ port: '8080', octal: '0o17', hex: '0x1F', float: '1.5', exp: '1e3', sexa: '1:20', date: '2001-12-14' })).toBe(
      'port: "8080"\noctal: 0o17\nhex: "0x1F"\nfloat: "1.5"\nexp: "1e3"\nsexa: "1:20"\ndate: "2001-12-14"\n');
    expect(fast({ a: '1.2.3', b: 'v1', c: '1.25.0', d: '1-2' })).toBe('a: 1.2.3\nb: v1\nc: 1.25.0\nd: 1-2\n');
    expect(fast({ a: 'e3', b: 'E3', c: 'e', d: 'ex3' })).toBe('a: "e3"\nb: "E3"\nc: e\nd: ex3\n');
  });

  test('quoting: single quotes for a string with only double quotes, JSON double quotes otherwise', () => {
    expect(fast({ a: '"x" y', b: "'x' y", c: '#a "b" \'c\'', d: '# a\\b', e: '' })).toBe(
      'a: \'"x" y\'\nb: "\'x\' y"\nc: "#a \\"b\\" \'c\'"\nd: "# a\\\\b"\ne: ""\n');
  });

  test('indicators, ": " and " #" take the fast path', () => {
    for (const s of [...INDICATOR_STRINGS, 'key: value', 'a #b', 'a:', 'ends ', ' starts', 'x'.repeat(200), '<<']) fast({ [s]: s });
  });

  test('non-ASCII characters but C1 controls and lone surrogates take the fast path, written as they are', () => {
    expect(fast({ café: '\u4e2d\u6587 \ud83d\ude00', v: '\u00a0', w: ['\u3000', 'y\u00e9s', '\u00e9: x'] })).toBe(
      'caf\u00e9: \u4e2d\u6587 \ud83d\ude00\nv: \u00a0\nw:\n  - \u3000\n  - y\u00e9s\n  - "\u00e9: x"\n');
    expect(fast({ v: '\ud83d\ude00\nx\n' })).toBe('v: |\n  \ud83d\ude00\n  x\n');
  });

  test('strings the fast writer leaves to cdk8s: control characters, lone surrogates, tabs, line separators, document markers', () => {
    for (const s of ['a\tb', 'nul\u0000', 'del\u007f', 'nel\u0085', 'c1\u009f', 'lone\ud800', 'x\udc00', '\ude00\ud83d', '\u2028', 'x\u2029y', '---', '... x', '--- x']) {
      fallsBack({ v: s });
      fallsBack({ [s]: 1 });
    }
    // multi-line: a key, a top-level string, a last line of spaces, only whitespace, a tab or CR
    for (const doc of [{ 'a\nb': 1 }, 'a\nb', { v: 'x\n ' }, { v: ' \n' }, { v: '\n\n' }, { v: '\u00a0\n\u3000' }, { v: 'a\tb\nc' }, { v: 'a\r\nb' }, { v: 'x\n\ud800' }]) {
      fallsBack(doc);
    }
  });

  test('multi-line strings below the top level: literal block scalars with the chomping and indentation indicators', () => {
    expect(fast({ k: { v: 'a\nb' } })).toBe('k:\n  v: |-\n    a\n    b\n');
    expect(fast({ v: 'a\nb\n' })).toBe('v: |\n  a\n  b\n');
    expect(fast({ v: 'a\nb\n\n' })).toBe('v: |+\n  a\n  b\n\n');
    expect(fast({ v: 'x \n' })).toBe('v: |\n  x \n');
    expect(fast({ v: 'x\n \n' })).toBe('v: |+\n  x\n   \n');
    expect(fast({ v: ' lead\nx\n' })).toBe('v: |2\n   lead\n  x\n');
    expect(fast({ v: '\n\nlead\n' })).toBe('v: |\n  \n\n  lead\n');
    expect(fast({ v: 'a\n\n\nb' })).toBe('v: |-\n  a\n\n\n  b\n');
    expect(fast(['- a\n- b\n', ['--- doc\nx']])).toBe('- |\n  - a\n  - b\n- - |-\n    --- doc\n    x\n');
    for (const s of MULTI_LINE.filter((m) => /^[\x20-\x7e\n]*\n[\x20-\x7e\n]*$/.test(m) && !/\n +$/.test(m) && !/^[ \n]*$/.test(m))) {
      fast({ v: s });
      fast([s]);
    }
  });

  test('a key written longer than 1,024 characters is left to cdk8s (an explicit "? key")', () => {
    fast({ ['k'.repeat(1024)]: 1 });
    fallsBack({ ['k'.repeat(1025)]: 1 });
    fallsBack({ ['#' + '\\'.repeat(600)]: 1 }); // 601 characters, 1,203 escaped
  });
});

describe('numbers and other scalars', () => {
  const NUMBERS = [0, 1, -1, 42, -42, 8080, 0.1, -0.5, 1.5e-7, 123.456, -0, NaN, Infinity, -Infinity, 1e21, -1e21, 1e-7, 2 ** 53, 2 ** 53 + 2,
    -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 0o400, 0x1f, 1 / 3];

  test.each(NUMBERS.map((n) => [String(Object.is(n, -0) ? '-0' : n), n]))('%s', (_label, n) => {
    fast({ n });
    fast([n]);
    fast(n);
  });

  test('the written forms', () => {
    expect(fast({ a: -0, b: NaN, c: Infinity, d: -Infinity, e: 1e21, f: 2 ** 53, g: 0.1 })).toBe(
      'a: 0\nb: .nan\nc: .inf\nd: -.inf\ne: 1e+21\nf: 9007199254740992\ng: 0.1\n');
  });

  test('booleans, null and undefined (kept, as null)', () => {
    expect(fast({ t: true, f: false, nil: null, u: undefined })).toBe('t: true\nf: false\nnil: null\nu: null\n');
    // eslint-disable-next-line no-sparse-arrays
    expect(fast([null, undefined, , true])).toBe('- null\n- null\n- null\n- true\n');
    expect(fast(null)).toBe('null\n');
    expect(fast(true)).toBe('true\n');
  });

  test('bigint, functions and symbols are left to cdk8s (which throws for what it cannot write)', () => {
    fallsBack({ big: BigInt(10) });
    for (const doc of [{ f: () => 1 }, { s: Symbol('x') }]) {
      expect(writeDocument(doc)).toBeUndefined();
      const theirs = (() => {
        try {
          return Yaml.stringify(doc);
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(() => stringifyManifests(doc)).toThrow(theirs);
    }
  });
});

describe('collections and documents', () => {
  test('nested sequences, empty collections, maps in sequences', () => {
    const doc = { a: [[1, 2], [3, [4, []]]], b: [{}, {}], c: [[]], d: {}, e: [], f: [{ x: 1, z: [{ w: {} }] }], g: { h: { i: [null] } } };
    expect(fast(doc)).toBe([
      'a:', '  - - 1', '    - 2', '  - - 3', '    - - 4', '      - []', 'b:', '  - {}', '  - {}', 'c:', '  - []', 'd: {}', 'e: []',
      'f:', '  - x: 1', '    z:', '      - w: {}', 'g:', '  h:', '    i:', '      - null', '',
    ].join('\n'));
    expect(fast({})).toBe('{}\n');
    expect(fast([])).toBe('[]\n');
    expect(fast([[['deep']]])).toBe('- - - deep\n');
  });

  test('several documents, undefined documents, no documents', () => {
    expect(same({ a: 1 }, undefined, [1], undefined)).toBe(2);
    expect(stringifyManifests({ a: 1 }, undefined, { b: 2 })).toBe('a: 1\n---\n\n---\nb: 2\n');
    expect(same()).toBe(0);
    expect(stringifyManifests()).toBe('');
    expect(same(undefined)).toBe(0);
  });

  test('one document that falls back leaves the others to the fast writer', () => {
    const docs = [{ a: 'x' }, { b: 'nel\u0085' }, { c: 'y' }];
    expect(same(...docs)).toBe(2);
  });

  test('an object met twice (yaml writes an anchor and an alias) and cycles are left to cdk8s', () => {
    const shared = { app: 'x' };
    fallsBack({ a: shared, b: shared });
    const empty: any[] = [];
    fallsBack({ a: empty, b: [empty] });
    const cyclic: any = { a: 1 };
    cyclic.self = cyclic;
    expect(writeDocument(cyclic)).toBeUndefined();
    // equal but distinct objects are fine
    fast({ a: { app: 'x' }, b: { app: 'x' } });
  });

  test('objects that are not plain objects or arrays are left to cdk8s', () => {
    fallsBack({ d: new Date(0) });
    fallsBack({ m: new Map([['a', 1]]) });
    fallsBack({ s: new Set([1]) });
    fallsBack({ b: Buffer.from('x') });
    fallsBack({ o: { toJSON: () => 'x' } });
    fallsBack({ c: new (class C { x = 1; })() });
    fallsBack({ s: new String('x') });
    fallsBack({ n: new Number(1) });
    fallsBack({ i: { [Symbol.iterator]: function* gen() { yield 1; } } }); // an iterable plain object: a sequence
    // an array with an iterator of its own: yaml writes what the iterator yields
    const own = Object.assign([1, 2], { [Symbol.iterator]: function* gen() { yield 3; } });
    fallsBack({ k: own });
    // an object marked as a yaml node is written as that node
    fallsBack({ k: { a: 1, value: 'x', [Symbol.for('yaml.node.type')]: Symbol.for('yaml.scalar') } });
    // an own "__proto__" key (as JSON.parse makes it), symbol keys and non-enumerable properties: as cdk8s
    expect(fast(JSON.parse('{"__proto__": {"a": 1}, "b": 2}'))).toBe('__proto__:\n  a: 1\nb: 2\n');
    expect(fast(Object.defineProperty({ [Symbol('k')]: 1, a: 1 }, 'hidden', { value: 2, enumerable: false }))).toBe('a: 1\n');
    const nullProto = Object.assign(Object.create(null), { a: 1 });
    expect(fast({ o: nullProto })).toBe('o:\n  a: 1\n');
  });
});

/** A small seeded generator (Park-Miller), so the fuzz is the same on every run. */
function rng(seed: number): () => number {
  let a = seed % 2147483647;
  return () => {
    a = (a * 48271) % 2147483647;
    return (a - 1) / 2147483646;
  };
}

describe('seeded fuzz', () => {
  const random = rng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const ALPHABET = 'abcxyzAZ019 :#-?.,[]{}&*!|>\'"%@`~+_/=\\<';
  const RARE = ['\t', '\u00e9', '\u00a0', '\u2028', '\u3000', '\ud83d\ude00', '\ud800', '\u0085', '\u0001'];
  const NUMS = [0, -0, 1, -7, 3.14, 1e21, 2 ** 53, NaN, Infinity, -Infinity, 1e-7, 65535];

  const randomString = (): string => {
    const r = random();
    if (r < 0.45) return pick(CORPUS.filter((s) => !/[^\x20-\x7e]/.test(s)));
    if (r < 0.5) return pick(CORPUS);
    const len = Math.floor(random() * 12);
    let s = '';
    const newlines = random() < 0.2;
    for (let i = 0; i < len; i++) s += random() < 0.03 ? pick(RARE) : newlines && random() < 0.25 ? '\n' : pick([...ALPHABET]);
    return s;
  };

  const scalar = (): any => {
    const r = random();
    if (r < 0.6) return randomString();
    if (r < 0.8) return pick(NUMS);
    if (r < 0.88) return random() < 0.5;
    if (r < 0.94) return null;
    return undefined;
  };

  const value = (depth: number, shared: object[]): any => {
    const r = random();
    if (depth > 3 || r < 0.45) return scalar();
    if (r < 0.47 && shared.length > 0) return pick(shared); // an object met twice: anchors, left to cdk8s
    if (r < 0.475) return new Date(Math.floor(random() * 1e12));
    let v: any;
    if (r < 0.7) {
      v = [];
      const n = Math.floor(random() * 4);
      for (let i = 0; i < n; i++) v.push(value(depth + 1, shared));
    } else {
      v = {};
      const n = Math.floor(random() * 5);
      for (let i = 0; i < n; i++) v[randomString()] = value(depth + 1, shared);
    }
    shared.push(v);
    return v;
  };

  test('3,000 random documents: cdk8s\'s bytes, both paths taken', () => {
    let fastCount = 0;
    let total = 0;
    const batch: any[] = [];
    for (let i = 0; i < 3000; i++) {
      const doc = random() < 0.02 ? undefined : value(0, []);
      const mine = stringifyManifests(doc);
      const theirs = Yaml.stringify(doc);
      if (mine !== theirs) expect({ doc, mine }).toEqual({ doc, mine: theirs });
      if (doc !== undefined) {
        total++;
        if (writeDocument(doc) !== undefined) fastCount++;
      }
      batch.push(doc);
    }
    expect(stringifyManifests(...batch)).toBe(Yaml.stringify(...batch));
    // most documents take the fast writer; a good share (non-ASCII, newlines, shared objects) falls back
    expect(fastCount / total).toBeGreaterThan(0.5);
    expect(fastCount).toBeLessThan(total);
  });
});

describe('the repository\'s examples', () => {
  /** The manifests of every chart of an app, as cdk8s serializes them, and as read back from the written files. */
  function manifests(app: SecretsApp, build: (app: SecretsApp) => unknown, k8sApps: () => Array<{ charts: Array<{ toJson(): any[] }> }>): any[][] {
    build(app);
    app.synth();
    const fromCharts = k8sApps().flatMap((k) => k.charts.map((c) => c.toJson()));
    const fromFiles: any[][] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          walk(p);
        } else if (e.name.endsWith('.k8s.yaml')) {
          const text = fs.readFileSync(p, 'utf8');
          const docs = YAML.parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());
          // the written file is what the writer wrote for these objects: cdk8s writes the same bytes
          expect(Yaml.stringify(...docs)).toBe(text);
          fromFiles.push(docs);
        }
      }
    };
    walk(app.outdir);
    expect(fromFiles.length).toBeGreaterThan(0);
    return [...fromCharts, ...fromFiles];
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-writer-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let n = 0;
  const hand = (build: (ctx: any) => unknown) => () => {
    const ctx = exampleContext({ outdir: path.join(tmp, `ex-${n++}`), mode: SynthMode.KUBERNETES, printWarnings: false });
    return manifests(ctx.app, () => build(ctx), () => [ctx.k8sApp]);
  };
  const platform = (build: (app: SecretsApp) => unknown) => () => {
    const app = new SecretsApp({ outdir: path.join(tmp, `ex-${n++}`), mode: SynthMode.KUBERNETES, printWarnings: false });
    return manifests(app, build, () => app.node.findAll().filter((c): c is ClusterTarget => c instanceof ClusterTarget).map((t) => t.k8sApp));
  };

  test.each([
    ['eso', hand(buildEso)],
    ['sealed', hand(buildSealed)],
    ['vault', hand(buildVault)],
    ['workloads', hand(buildWorkloads)],
    ['platform/seed-000', platform(buildSeed000)],
    ['platform/seed-001', platform(buildSeed001)],
    ['platform/seed-002', platform(buildSeed002)],
    ['platform/seed-003', platform(buildSeed003)],
    ['platform/seed-004', platform(buildSeed004)],
  ] as Array<[string, () => any[][]]>)('%s: every chart\'s manifests as cdk8s writes them, through the fast writer', (_name, synth) => {
    const charts = synth();
    let docs = 0;
    let fastDocs = 0;
    for (const objects of charts) {
      fastDocs += same(...objects);
      docs += objects.length;
    }
    expect(docs).toBeGreaterThan(0);
    expect(fastDocs).toBe(docs);
  });

  test('a typical Deployment and ExternalSecret take the fast path', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: 'team-a', labels: { 'app.kubernetes.io/name': 'app' }, annotations: { 'secret.reloader.stakater.com/reload': 'db' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'app' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'app' } },
          spec: {
            automountServiceAccountToken: false,
            containers: [{
              name: 'app',
              image: 'ghcr.io/org/app:1.2.3',
              ports: [{ containerPort: 8080 }],
              env: [{ name: 'PORT', value: '8080' }, { name: 'DEBUG', value: 'false' }],
              securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '0.1', memory: '64Mi' } },
              volumeMounts: [{ name: 'db', mountPath: '/var/run/secrets/db', readOnly: true }],
            }],
            volumes: [{ name: 'db', secret: { secretName: 'db', defaultMode: 0o400 } }],
          },
        },
      },
    };
    const externalSecret = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'team-a' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: 'aws' },
        target: { name: 'db', creationPolicy: 'Owner' },
        data: [{ secretKey: 'password', remoteRef: { key: 'prod/db', property: 'password' } }],
      },
    };
    const out = fast(deployment);
    expect(out).toContain('            - name: PORT\n              value: "8080"\n');
    expect(out).toContain('              cpu: "0.1"\n');
    expect(out).toContain('            defaultMode: 256\n');
    fast(externalSecret);
    expect(same(deployment, externalSecret)).toBe(2);
  });
});
