/**
 * The pieces `import` writes programs from: TypeScript literals, code expressions, and JSON patches between what a
 * construct synthesizes and the object it was imported from.
 */

/** A piece of code written as it is (a call, a reference to a variable), instead of a literal value. */
export class Code {
  public constructor(public readonly text: string) {}
}

/** Code written as it is. */
export const code = (text: string): Code => new Code(text);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A key of an object literal: bare when it is an identifier, else quoted. */
export function propertyKey(k: string): string {
  return IDENT.test(k) ? k : quote(k);
}

/** A string as a single-quoted TypeScript literal (a template literal when it spans lines). */
export function quote(s: string): string {
  if (s.includes('\n')) return `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

/**
 * A value as a TypeScript literal, formatted with two-space indentation, single quotes and trailing commas (the style
 * of the rest of the code). `Code` values are written as they are; `keyOf` may rename object keys (to constants).
 */
export function literal(v: any, indent = '', keyOf: (k: string) => string = propertyKey): string {
  const next = `${indent}  `;
  if (v instanceof Code) return v.text.split('\n').join(`\n${indent}`);
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${next}${literal(x, next, keyOf)},`).join('\n')}\n${indent}]`;
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${next}${keyOf(k)}: ${literal(v[k], next, keyOf)},`).join('\n')}\n${indent}}`;
  }
  return 'undefined';
}

/** A small value on one line: `{ app: 'web' }`. */
export function inline(v: any): string {
  if (v instanceof Code) return v.text;
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${propertyKey(k)}: ${inline(v[k])}`).join(', ')} }`;
  }
  return typeof v === 'string' ? quote(v) : String(v);
}

/** Props without the undefined fields (so the program names only what the input has). */
export function defined(o: { [k: string]: any }): { [k: string]: any } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** One JSON patch operation (RFC 6902), as cdk8s `JsonPatch` writes them. */
export interface PatchOp {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: any;
}

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** A deep copy with object keys sorted, for comparisons. */
export function canonical(v: any): any {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => [k, canonical(v[k])]));
}

export const sameJson = (a: any, b: any): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/**
 * The operations that turn `got` into `want`: objects are compared key by key, arrays of the same length element by
 * element, anything else is replaced whole. Removals of array elements are not needed (arrays of other lengths are
 * replaced whole).
 */
export function diff(got: any, want: any, at = ''): PatchOp[] {
  if (sameJson(got, want)) return [];
  const bothObjects = got !== null && want !== null && typeof got === 'object' && typeof want === 'object';
  if (bothObjects && Array.isArray(got) && Array.isArray(want) && got.length <= want.length && got.length > 0) {
    // Elements the input has in addition are appended.
    return [...got.flatMap((g, i) => diff(g, want[i], `${at}/${i}`)), ...want.slice(got.length).map((w) => ({ op: 'add' as const, path: `${at}/-`, value: w }))];
  }
  if (bothObjects && !Array.isArray(got) && !Array.isArray(want)) {
    const ops: PatchOp[] = [];
    for (const k of Object.keys(got).filter((x) => got[x] !== undefined).sort()) {
      if (want[k] === undefined) ops.push({ op: 'remove', path: `${at}/${escapePointer(k)}` });
    }
    for (const k of Object.keys(want).filter((x) => want[x] !== undefined).sort()) {
      if (got[k] === undefined) ops.push({ op: 'add', path: `${at}/${escapePointer(k)}`, value: want[k] });
      else ops.push(...diff(got[k], want[k], `${at}/${escapePointer(k)}`));
    }
    return ops;
  }
  return [{ op: 'replace', path: at, value: want }];
}

const GO_UNITS: { [unit: string]: number } = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The milliseconds of a Go duration string ("1h", "1h0m0s", "90s", "0"), undefined when it is none. */
export function goDurationMillis(v: any): number | undefined {
  if (typeof v !== 'string') return undefined;
  if (v === '0') return 0;
  const parts = [...v.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== v) return undefined;
  return parts.reduce((acc, p) => acc + Number(p[1]) * GO_UNITS[p[2]], 0);
}

/**
 * A JSON key as the generated cdk8s L1 classes spell the prop (`setHostnameAsFQDN` -> `setHostnameAsFqdn`): patches on
 * a cdk8s-plus workload apply to the L1's props, before they are rendered back to the API's field names.
 */
export function l1Key(k: string): string {
  return k.replace(/([A-Z])([A-Z]+)(?=[A-Z][a-z]|[^A-Za-z]|$)/g, (_m, a: string, b: string) => a + b.toLowerCase());
}

/** A patch for a cdk8s-plus workload: paths and keys in the L1's prop spelling, quantities as L1 `Quantity` objects. */
export function l1Patch(op: PatchOp): PatchOp {
  const path = op.path.split('/').map((seg) => (/^\d+$|^-$/.test(seg) ? seg : l1Key(seg))).join('/');
  const convert = (v: any, at: string[]): any => {
    if (Array.isArray(v)) return v.map((x) => convert(x, at));
    if (v === null || typeof v !== 'object') {
      const parent = at[at.length - 2];
      return typeof v === 'string' && (parent === 'limits' || parent === 'requests') && at[at.length - 3] === 'resources' ? { value: v } : v;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [l1Key(k), convert(x, [...at, k])]));
  };
  return op.value === undefined ? { ...op, path } : { ...op, path, value: convert(op.value, op.path.split('/')) };
}
