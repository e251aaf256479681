import { IConstruct } from 'constructs';

/**
 * What went wrong with one prop, for `validationError`.
 */
export interface ValidationProblem {
  /**
   * The stable code of the rule, `CS-<AREA>-<NNN>` (listed in docs/errors.md). A literal, one per rule:
   * `scripts/error-codes.ts --assign` gives a new call the next free code of its area.
   */
  readonly code: string;
  /** The prop (or prop path, such as `data[0].secretKey`) that holds the bad value. */
  readonly prop: string;
  /**
   * The offending value as the user wrote it. Never pass secret material here: use
   * `REDACTED` or omit the value when the prop carries a secret.
   * @default - the message shows no value
   */
  readonly value?: unknown;
  /** What is wrong, as a sentence fragment ("must be a DNS-1123 label"). */
  readonly problem: string;
  /** How to fix it, as an instruction ("use lower-case letters, digits and '-'"). */
  readonly fix: string;
}

/** Shown instead of a value that must never be printed. */
export const REDACTED = '<redacted>';

const MAX_VALUE_CHARS = 120;

/**
 * Renders a user-supplied value for an error message: strings quoted, long values cut.
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === REDACTED) return REDACTED;
  let text: string;
  if (typeof value === 'string') {
    text = JSON.stringify(value);
  } else if (value === undefined) {
    text = 'undefined';
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}...` : text;
}

const PATH_PREFIX = Symbol.for('cdk8s-secrets.pathPrefix');

/**
 * Marks the root of a construct tree whose paths should be shown with a prefix (a cluster target's Kubernetes
 * app: its charts' paths start at the target's id, so errors of equal charts in two targets are told apart).
 * @internal
 */
export function setPathPrefix(root: IConstruct, prefix: string): void {
  Object.defineProperty(root, PATH_PREFIX, { value: prefix });
}

/**
 * A construct's path as errors show it: prefixed with its cluster target's id when it is in a target's
 * Kubernetes app.
 * @internal
 */
export function constructPath(scope: IConstruct): string {
  const prefix: string | undefined = Object.getOwnPropertyDescriptor(scope.node.root, PATH_PREFIX)?.value;
  const own = scope.node.path;
  if (prefix === undefined) return own || '<root>';
  return own ? `${prefix}/${own}` : prefix;
}

/**
 * The error thrown for bad input: a plain `Error` (its `name` is `ValidationError`) that also carries the
 * rule's stable code, the construct path and the prop.
 *
 * Not part of the jsii API: jsii refuses exported classes that extend `Error`. Other languages read the
 * code from the message, which ends in `[CS-<AREA>-<NNN>]` (docs/errors.md).
 * @internal
 */
export class SecretsValidationError extends Error {
  /** Whether `x` is an error of this library's validation (also across copies of the library). */
  public static isSecretsValidationError(x: unknown): x is SecretsValidationError {
    return x instanceof Error && (x as any)[VALIDATION_ERROR] === true;
  }

  /** The stable code of the rule, such as `CS-ESO-004`. */
  public readonly code: string;
  /** The path of the construct (or the API entry point) that got the bad value. */
  public readonly constructPath: string;
  /** The prop (or prop path) that holds the bad value. */
  public readonly prop: string;

  constructor(path: string, problem: ValidationProblem) {
    const got = Object.prototype.hasOwnProperty.call(problem, 'value') ? ` (got ${describeValue(problem.value)})` : '';
    super(`[${path}] ${problem.prop}: ${problem.problem}${got}. Fix: ${problem.fix} [${problem.code}]`);
    this.name = 'ValidationError';
    this.code = problem.code;
    this.constructPath = path;
    this.prop = problem.prop;
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
  }
}

const VALIDATION_ERROR = Symbol.for('cdk8s-secrets.ValidationError');

/**
 * The one error style of this library: the construct path, the prop, the offending value, the fix and the
 * rule's code.
 *
 * `[app/chart/store] spec.refreshInterval: must be a Go duration such as "1h" or "30s" (got "5 minutes"). Fix: write it as "5m" [CS-ESO-001]`
 *
 * @internal
 */
export function validationError(scope: IConstruct | string, problem: ValidationProblem): SecretsValidationError {
  return new SecretsValidationError(typeof scope === 'string' ? scope : constructPath(scope), problem);
}
