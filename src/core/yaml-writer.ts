import { Yaml } from 'cdk8s';

// The manifest writer: the same bytes as cdk8s's `Yaml.stringify(...docs)` (the `yaml` package's
// `stringify(doc, { keepUndefined: true, lineWidth: 0, version: '1.1' })` per document, joined by `---\n`), written
// directly for the plain JSON-like objects that Kubernetes manifests are. Anything this writer does not provably
// write the same way (a string that needs escapes, a document marker or a quoted multi-line form, a multi-line key
// or top-level string, a control character or lone surrogate, a tab, an object that is not a plain object or array,
// an object met twice, which yaml writes as an anchor and alias, a bigint, ...) makes it hand that whole document to
// cdk8s's writer instead.
//
// What it reproduces, from the yaml package's rules for block collections with lineWidth 0 and the YAML 1.1 schema:
// - maps as `key: value` lines, a collection value on the next lines indented by two spaces, sequences indented
//   under their key (`key:\n  - a`), sequences in sequences as `- - a`, empty collections as `{}` / `[]`;
// - null, undefined (kept) and array holes as `null`, booleans as `true` / `false`, finite numbers as JSON writes
//   them (`-0` as `0`, `1e+21`), NaN and the infinities as `.nan`, `.inf`, `-.inf`;
// - a multi-line string (below the top level) as a literal block scalar;
// - a one-line string plain, unless it starts with an indicator, contains `: ` or ` #`, ends in a
//   space or a colon, is `-` / `?` or starts with `- ` / `? `, or reads as another YAML 1.1 value (null, a boolean,
//   an integer in any base, a float, a sexagesimal number, a timestamp): then single-quoted when it contains `"`
//   and no `'`, else double-quoted as JSON writes it (only `"` and `\` are escaped: strings with control characters
//   or lone surrogates, which JSON and yaml escape, are left to cdk8s; other non-ASCII characters are written as
//   they are, as yaml writes them).

/** The key the yaml package marks its own nodes with (`Scalar`, `YAMLMap`, ... and look-alikes). */
const YAML_NODE_TYPE = Symbol.for('yaml.node.type');
const ARRAY_ITERATOR = Array.prototype[Symbol.iterator];

/** The members by which the yaml package writes an object as something other than its own keys. */
interface WrittenAsSomethingElse {
  readonly toJSON?: unknown;
  readonly [YAML_NODE_TYPE]?: unknown;
  readonly [Symbol.iterator]?: unknown;
}

/** Thrown inside the fast writer when a document needs cdk8s's writer. */
const FALLBACK = Symbol('yaml-writer fallback');

/**
 * The manifests of `docs` as one YAML stream, byte-identical to cdk8s's `Yaml.stringify(...docs)`.
 * @internal
 */
export function stringifyManifests(...docs: any[]): string {
  let out = '';
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) out += '---\n';
    const doc = docs[i];
    out += doc === undefined ? '\n' : (writeDocument(doc) ?? Yaml.stringify(doc));
  }
  return out;
}

/**
 * One document as the fast writer writes it, or undefined when it has to be written by cdk8s's writer.
 * Exported for the tests, which check which path a document takes.
 * @internal
 */
export function writeDocument(doc: any): string | undefined {
  try {
    const seen = new Set<object>();
    if (doc !== null && typeof doc === 'object') {
      enter(doc, seen);
      if (Array.isArray(doc)) return (doc.length === 0 ? '[]' : writeSeq(doc, '', seen)) + '\n';
      const keys = Object.keys(doc);
      return (keys.length === 0 ? '{}' : writeMap(doc, keys, '', seen)) + '\n';
    }
    return writeScalar(doc, '') + '\n';
  } catch (e) {
    if (e === FALLBACK) return undefined;
    throw e;
  }
}

/** Checks that `o` is a plain object or array the yaml package writes as a plain collection, met once. */
function enter(o: object, seen: Set<object>): void {
  const proto = Object.getPrototypeOf(o);
  if (Array.isArray(o)) {
    if (proto !== Array.prototype) throw FALLBACK;
  } else if (proto !== Object.prototype && proto !== null) {
    throw FALLBACK;
  }
  // yaml calls toJSON() on objects it has no tag for, writes any iterable as a sequence (an array through its own
  // iterator, if it has one), writes an object marked as one of its nodes as that node, and an object met twice as
  // an anchor and its aliases.
  const probe = o as WrittenAsSomethingElse;
  if (typeof probe.toJSON === 'function' || seen.has(o) || probe[YAML_NODE_TYPE] !== undefined) throw FALLBACK;
  if (Array.isArray(o) ? probe[Symbol.iterator] !== ARRAY_ITERATOR : Symbol.iterator in o) throw FALLBACK;
  seen.add(o);
}

/** A map's lines at `indent` (the first without it). */
function writeMap(obj: any, keys: string[], indent: string, seen: Set<object>): string {
  const inner = indent + '  ';
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const k = writeString(key);
    // a key written longer than 1,024 characters becomes an explicit `? key` entry
    if (k.length > 1024) throw FALLBACK;
    if (i > 0) out += '\n' + indent;
    out += k + ':' + writeValue(obj[key], inner, seen);
  }
  return out;
}

/** What follows `key:` for value `v`, whose nested lines go at `inner`. */
function writeValue(v: any, inner: string, seen: Set<object>): string {
  if (v !== null && typeof v === 'object') {
    enter(v, seen);
    if (Array.isArray(v)) return v.length === 0 ? ' []' : '\n' + inner + writeSeq(v, inner, seen);
    const keys = Object.keys(v);
    return keys.length === 0 ? ' {}' : '\n' + inner + writeMap(v, keys, inner, seen);
  }
  return ' ' + writeScalar(v, inner);
}

/** A sequence's `- item` lines at `indent` (the first without it). */
function writeSeq(arr: any[], indent: string, seen: Set<object>): string {
  const inner = indent + '  ';
  let out = '';
  for (let i = 0; i < arr.length; i++) {
    if (i > 0) out += '\n' + indent;
    const v = arr[i];
    if (v !== null && typeof v === 'object') {
      enter(v, seen);
      if (Array.isArray(v)) {
        out += v.length === 0 ? '- []' : '- ' + writeSeq(v, inner, seen);
      } else {
        const keys = Object.keys(v);
        out += keys.length === 0 ? '- {}' : '- ' + writeMap(v, keys, inner, seen);
      }
    } else {
      out += '- ' + writeScalar(v, inner);
    }
  }
  return out;
}

/** A scalar; a multi-line string becomes a literal block scalar whose lines go at `indent` (not at the top level). */
function writeScalar(v: any, indent: string): string {
  switch (typeof v) {
    case 'string':
      return v.includes('\n') && indent !== '' ? writeBlock(v, indent) : writeString(v);
    case 'number':
      if (Number.isFinite(v)) return String(v);
      return Number.isNaN(v) ? '.nan' : v < 0 ? '-.inf' : '.inf';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      if (v === null) return 'null';
      throw FALLBACK; // bigint, symbol, function
  }
}

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;

/** Characters a plain scalar cannot start with: `,[]{}#&*!|>'"%@` and backquote, and a space. */
const START_INDICATOR: boolean[] = (() => {
  const t: boolean[] = [];
  for (const ch of ' ,[]{}#&*!|>\'"%@`') t[ch.charCodeAt(0)] = true;
  return t;
})();

/** A string value or key: plain when yaml writes it plain, else quoted the way yaml quotes it. */
function writeString(s: string): string {
  const n = s.length;
  if (n === 0) return '""'; // the empty string reads as null
  const c0 = s.charCodeAt(0);
  let quote = START_INDICATOR[c0] === true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // control characters, tabs, newlines (block scalars), escaped characters: cdk8s's writer
    if (c < SPACE || c > 0x7e) {
      i = checkPrintable(s, i, c);
      continue;
    }
    if (c === SPACE) {
      if (i === n - 1 || s.charCodeAt(i + 1) === HASH) quote = true;
    } else if (c === COLON) {
      if (i === n - 1 || s.charCodeAt(i + 1) === SPACE) quote = true;
    }
  }
  // `-`, `?`, `- x`, `? x` (the indicators that may start a plain scalar only when a non-space follows)
  if ((c0 === 0x2d || c0 === 0x3f) && (n === 1 || s.charCodeAt(1) === SPACE)) quote = true;
  // document markers: yaml indents or quotes these depending on where they stand
  if ((c0 === 0x2d || c0 === 0x2e) && (s.startsWith('---') || s.startsWith('...'))) throw FALLBACK;
  if (!quote && readsAsOtherValue(s, c0)) quote = true;
  if (!quote) return s;
  return s.includes('"') && !s.includes("'") ? `'${s}'` : JSON.stringify(s);
}

const NEWLINE = 0x0a;

/**
 * Checks the character at `i` (code unit `c`, outside printable ASCII) is one yaml writes as it is: from U+00A0 on,
 * a surrogate only as half of a pair. Control characters (C0 but for the caller's newline, DEL, C1) and lone
 * surrogates, which yaml double-quotes with escapes, throw FALLBACK, and so do the line and paragraph separators
 * U+2028 / U+2029, after which yaml's document-marker test (a multiline regular expression) sees a new line.
 * Returns the index of the character's last code unit.
 */
function checkPrintable(s: string, i: number, c: number): number {
  if (c < 0xa0 || c === 0x2028 || c === 0x2029) throw FALLBACK;
  if (c < 0xd800 || c > 0xdfff) return i;
  const d = s.charCodeAt(i + 1); // NaN past the end
  if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) throw FALLBACK;
  return i + 1;
}

/**
 * A multi-line string as yaml writes it with lineWidth 0: a literal block scalar (`|`), with the chomping indicator
 * its trailing newlines call for (`-` none, clip one, `+` more, or trailing spaces among them) and an indentation
 * indicator when it starts with a space. A string with a control character other than the newline (a tab, a CR),
 * a lone surrogate, a last line of only spaces, or only whitespace (all of which yaml double-quotes) is left to cdk8s.
 */
function writeBlock(s: string, indent: string): string {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < SPACE || c > 0x7e) {
      if (c !== NEWLINE) i = checkPrintable(s, i, c);
    }
  }
  // yaml double-quotes a string whose last line holds only spaces, or that holds only whitespace (JavaScript's \s)
  if (/\n +$/.test(s) || /^\s*$/.test(s)) throw FALLBACK;
  // trailing spaces and newlines: the chomping indicator
  let endStart = n;
  while (endStart > 0 && (s.charCodeAt(endStart - 1) === NEWLINE || s.charCodeAt(endStart - 1) === SPACE)) endStart--;
  let end = s.slice(endStart);
  const endNl = end.indexOf('\n');
  const chomp = endNl === -1 ? '-' : endNl !== end.length - 1 ? '+' : '';
  let body = s.slice(0, endStart);
  if (end) {
    if (end.endsWith('\n')) end = end.slice(0, -1);
    end = end.replace(/\n+(?=[^\n])/g, `$&${indent}`);
  }
  // leading spaces and newlines: whole leading lines go before the body, a leading space needs an indentation indicator
  let startWithSpace = false;
  let startEnd = 0;
  let lastNl = -1;
  for (; startEnd < body.length; startEnd++) {
    const c = body.charCodeAt(startEnd);
    if (c === SPACE) startWithSpace = true;
    else if (c === NEWLINE) lastNl = startEnd;
    else break;
  }
  let start = body.slice(0, lastNl + 1);
  if (start) {
    body = body.slice(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${body.replace(/\n+/g, `$&${indent}`)}${end}`;
}

// The plain scalars that YAML 1.1 reads as something other than a string (the yaml package's 1.1 schema tests).
const NULL_OR_BOOL = /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INTEGER = /^[-+]?(?:0b[0-1_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/;
const FLOAT = /^[-+]?(?:(?:[0-9][0-9_]*)?\.[0-9_]*|(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+|\.(?:inf|Inf|INF))$|^\.(?:nan|NaN|NAN)$/;
const SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|T|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:[ \t]*(?:Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/;

function readsAsOtherValue(s: string, c0: number): boolean {
  // digits, + - . ~ and e/E (`e3` is a float in YAML 1.1): numbers, timestamps, .inf/.nan, ~
  if ((c0 >= 0x30 && c0 <= 0x39) || c0 === 0x2b || c0 === 0x2d || c0 === 0x2e || c0 === 0x7e || c0 === 0x65 || c0 === 0x45) {
    return s === '~' || INTEGER.test(s) || FLOAT.test(s) || SEXAGESIMAL.test(s) || TIMESTAMP.test(s);
  }
  return s.length <= 5 && NULL_OR_BOOL.test(s);
}
