import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { validationError } from './errors';
import { lazy } from './lazy';

// Shared checks for values where they enter the library. Each returns the value so it can be used inline.
// Checks skip values that are still unresolved CDK tokens; use requireConcrete() where a token must not pass.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** Go's time.ParseDuration grammar, as used by ESO, VSO and Reloader. */
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** @internal */
export function isUnresolved(value: unknown): boolean {
  return typeof value === 'string' ? isUnresolvedScalar(value) : false;
}

/**
 * Whether a string or number is an unresolved CDK token: aws-cdk-lib's `Token.isUnresolved`, asked only when the
 * value could be one. Every string token holds `Token[` (`${Token[...]}`, `#{Token[...]}`) or is a number token
 * written as a string (`-1.8881545897087626e+289`); every number token is a double of magnitude near 1e289.
 * Checked against `Token.isUnresolved` in the tests; it spares loading aws-cdk-lib and its regular expressions for
 * the thousands of plain values of a manifest.
 * @internal
 */
export function isUnresolvedScalar(value: string | number): boolean {
  if (typeof value === 'string') {
    if (!value.includes('Token[') && !value.includes('e+289')) return false;
  } else if (typeof value === 'number') {
    if (!(Math.abs(value) > 1e280)) return false;
  }
  return lazy.cdk.Token.isUnresolved(value);
}

/**
 * A DNS-1123 label: at most 63 characters of lower-case letters, digits and '-', starting and ending
 * alphanumeric. Namespaces, Service names and most object names.
 * @internal
 */
export function checkDnsLabel(scope: IConstruct, prop: string, value: string): string {
  if (isUnresolved(value)) return value;
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw validationError(scope, {
      code: 'CS-CORE-006',
      prop,
      value,
      problem: 'must be a DNS-1123 label (at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit)',
      fix: `use a name such as "${suggestName(value, 63)}"`,
    });
  }
  return value;
}

/**
 * A DNS-1123 subdomain: at most 253 characters, labels separated by '.'. Secret and ConfigMap names,
 * custom resource names.
 * @internal
 */
export function checkDnsSubdomain(scope: IConstruct, prop: string, value: string): string {
  if (isUnresolved(value)) return value;
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw validationError(scope, {
      code: 'CS-CORE-007',
      prop,
      value,
      problem: 'must be a DNS-1123 subdomain (at most 253 characters: lower-case letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit)',
      fix: `use a name such as "${suggestName(value, 253)}"`,
    });
  }
  return value;
}

/**
 * A key of a Kubernetes Secret's data: letters, digits, '-', '_' and '.'.
 * @internal
 */
export function checkSecretKey(scope: IConstruct, prop: string, value: string): string {
  if (isUnresolved(value)) return value;
  if (value.length === 0 || value.length > 253 || !SECRET_KEY.test(value) || value === '.' || value === '..') {
    throw validationError(scope, {
      code: 'CS-CORE-008',
      prop,
      value,
      problem: 'must be a valid Secret data key (letters, digits, \'-\', \'_\' and \'.\', at most 253 characters)',
      fix: 'rename the key, for example replace \'/\' and spaces with \'-\'',
    });
  }
  return value;
}

/**
 * A Go duration string ("1h", "30s", "1h30m"), as ESO's refreshInterval and VSO's refreshAfter take.
 * @internal
 */
export function checkGoDuration(scope: IConstruct, prop: string, value: string, options: { allowZero?: boolean } = {}): string {
  if (isUnresolved(value)) return value;
  const ok = value === '0' ? options.allowZero === true : GO_DURATION.test(value);
  if (!ok) {
    throw validationError(scope, {
      code: 'CS-CORE-009',
      prop,
      value,
      problem: 'must be a Go duration: numbers with units ns, us, ms, s, m or h, such as "1h", "30s" or "1h30m"',
      fix: 'write the duration with units, for example "5m" for five minutes',
    });
  }
  return value;
}

/**
 * Throws when a value that must reach a manifest is still an unresolved CDK token.
 * Manifests are files in Git: every value crossing from the AWS side must be concrete at synth.
 * @internal
 */
export function requireConcrete(scope: IConstruct, prop: string, value: string, fix: string): string {
  if (isUnresolved(value)) {
    throw validationError(scope, {
      code: 'CS-CORE-010',
      prop,
      value,
      problem: 'is an unresolved CDK token, but it must be written into a Kubernetes manifest as a concrete string at synth time',
      fix,
    });
  }
  return value;
}

/**
 * The namespace a namespaced object goes into: the prop, else its chart's; an error when neither is set. The one
 * place the library falls back to the chart's namespace (never to "default": the namespace decides RBAC, Vault
 * bindings and sealing, so it must be known at synth).
 * @param reason why the namespace matters for this object, appended to the error
 * @internal
 */
export function resolveNamespace(scope: IConstruct, prop: string, value: string | undefined, reason?: string): string {
  const ns = value ?? Chart.of(scope).namespace;
  if (ns === undefined) {
    throw validationError(scope, {
      code: 'CS-CORE-011',
      prop,
      problem: `is required because the chart has no namespace${reason ? `; ${reason}` : ''}`,
      fix: `set ${prop}, or give the chart a namespace`,
    });
  }
  return ns;
}

/** @internal */
export function suggestName(value: string, max: number): string {
  const s = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/g, '');
  return s.length > 0 ? s : 'my-name';
}
