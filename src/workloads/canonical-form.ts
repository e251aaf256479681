import { IResolver, ResolutionContext } from 'cdk8s';

/**
 * Writes workload fields in the form the Kubernetes API server stores them, so a GitOps tool that compares the
 * manifest with the live object (Argo CD, Flux) sees no drift.
 *
 * The API server rewrites what it receives: resource quantities become canonical (`2048Mi` is stored as `2Gi`,
 * `1000m` as `1`), and zero values of fields it omits when empty (`minReadySeconds: 0`, `hostNetwork: false`)
 * disappear. cdk8s-plus writes exactly those values by default, so every Deployment it makes drifts forever.
 *
 * Register it on the cdk8s App (`new App({ resolvers: [new CanonicalFormResolver()] })`); it changes only the
 * spelling, never the meaning: the server treats both forms as the same value.
 */
export class CanonicalFormResolver implements IResolver {
  /**
   * The canonical form of a Kubernetes resource quantity, as the API server stores it (`2048Mi` is `2Gi`, `1000m`
   * is `1`, `1536Mi` stays `1536Mi`); `undefined` when the string is not a quantity (or is below `1n`).
   */
  public static canonicalQuantity(quantity: string): string | undefined {
    return canonicalQuantity(quantity);
  }

  public resolve(context: ResolutionContext): void {
    const key = context.key;
    const value = context.value;
    const last = key[key.length - 1];
    // A quantity under resources.limits / resources.requests: a plain string (raw objects), or the `value` of the
    // Quantity object the generated L1 types wrap it in.
    const q = typeof value === 'string' && last === 'value' ? key.slice(0, -1) : key;
    if (typeof value === 'string' && q.length >= 3 && q[q.length - 3] === 'resources'
      && (q[q.length - 2] === 'limits' || q[q.length - 2] === 'requests')) {
      const canonical = canonicalQuantity(value);
      if (canonical !== undefined && canonical !== value) context.replaceValue(canonical);
      return;
    }
    if (!WORKLOAD_KINDS.has(context.obj.kind)) return;
    if (value === 0 && last === 'minReadySeconds' && key.length === 2 && key[0] === 'spec') {
      context.replaceValue(undefined);
    } else if (value === false && OMIT_FALSE_POD_FIELDS.has(last) && key[key.length - 2] === 'spec' && isPodSpecPath(key)) {
      context.replaceValue(undefined);
    } else if (value === false && OMIT_FALSE_CONTAINER_FIELDS.has(last) && isContainerPath(key)) {
      context.replaceValue(undefined);
    }
  }
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
/** PodSpec booleans that are plain `bool` with `omitempty` in the Go types (so `false` is never stored). */
const OMIT_FALSE_POD_FIELDS = new Set(['hostNetwork', 'hostPID', 'hostIPC']);
/** Container booleans that are plain `bool` with `omitempty`. */
const OMIT_FALSE_CONTAINER_FIELDS = new Set(['stdin', 'stdinOnce', 'tty']);

/** `spec` (Pod), `spec.template.spec`, `spec.jobTemplate.spec.template.spec`, ending in the field's parent `spec`. */
function isPodSpecPath(key: string[]): boolean {
  const parent = key.slice(0, -1).join('.');
  return parent === 'spec' || parent === 'spec.template.spec' || parent === 'spec.jobTemplate.spec.template.spec';
}

function isContainerPath(key: string[]): boolean {
  const k = key.slice(0, -1);
  return k.length >= 3 && /^\d+$/.test(k[k.length - 1]) && (k[k.length - 2] === 'containers' || k[k.length - 2] === 'initContainers')
    && isPodSpecPath([...k.slice(0, -2), 'x']);
}

const DECIMAL_SUFFIXES: { [suffix: string]: number } = { 'n': -9, 'u': -6, 'm': -3, '': 0, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
const BINARY_SUFFIXES: { [suffix: string]: number } = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT: { [exp: string]: string } = Object.fromEntries(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [String(e), s]));

/** resource.Quantity's canonical form (see CanonicalFormResolver.canonicalQuantity). */
function canonicalQuantity(text: string): string | undefined {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(text);
  if (!m) return undefined;
  const [, sign, num, suffix = ''] = m;
  const [intPart, fracPart = ''] = num.split('.');
  let mantissa = BigInt((intPart || '0') + fracPart);
  let exp10 = -fracPart.length;
  let format: 'decimal' | 'binary' | 'exponent';
  let exp2 = 0;
  if (suffix in BINARY_SUFFIXES) {
    format = 'binary';
    exp2 = BINARY_SUFFIXES[suffix];
  } else if (suffix in DECIMAL_SUFFIXES) {
    format = 'decimal';
    exp10 += DECIMAL_SUFFIXES[suffix];
  } else {
    format = 'exponent';
    exp10 += Number(suffix.slice(1));
  }
  if (mantissa === 0n) return '0';
  const neg = sign === '-';

  if (format === 'binary') {
    // value = mantissa * 2^exp2 * 10^exp10 (exp10 <= 0 here)
    const num2 = mantissa * (2n ** BigInt(exp2));
    const den = 10n ** BigInt(-exp10);
    const bytes = num2 / den;
    if (num2 % den === 0n && bytes >= 1024n) {
      let n = bytes;
      let e = 0;
      while (n % 1024n === 0n && e < 60) { n /= 1024n; e += 10; }
      const binSuffix = Object.keys(BINARY_SUFFIXES).find((s) => BINARY_SUFFIXES[s] === e) ?? '';
      return `${neg ? '-' : ''}${n}${binSuffix}`;
    }
    // below 1024, or not a whole number of bytes: the server writes it as a decimal quantity
    if (num2 % den === 0n) {
      mantissa = bytes;
      exp10 = 0;
    } else {
      mantissa = num2; // value = num2 * 10^exp10
    }
    format = 'decimal';
  }
  // value = mantissa * 10^exp10: drop trailing zeros, then the largest multiple-of-3 exponent with an integer mantissa
  while (mantissa % 10n === 0n) { mantissa /= 10n; exp10 += 1; }
  if (exp10 < -9) return undefined; // the server rounds values below 1n; leave such a value to the user
  let e3 = Math.floor(exp10 / 3) * 3;
  if (format === 'decimal' && e3 > 18) e3 = 18;
  const n = mantissa * 10n ** BigInt(exp10 - e3);
  const out = format === 'exponent' ? (e3 === 0 ? '' : `e${e3}`) : DECIMAL_BY_EXPONENT[String(e3)];
  return `${neg ? '-' : ''}${n}${out}`;
}
