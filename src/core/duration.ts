import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/**
 * Renders a cdk8s `Duration` as a Go duration with a single unit ("1h", "90m", "45s", "500ms"), the form
 * every consumer of this library's durations accepts: Helm values, ESO, the Vault Secrets Operator (whose
 * CRDs take one number and one unit) and Vault's HTTP API.
 * @internal
 */
export function goDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/**
 * Checks a duration prop and renders it as a single-unit Go duration.
 * @internal
 */
export function durationProp(scope: IConstruct, prop: string, d: Duration, options: DurationPropOptions = {}): string {
  const ms = d.toMilliseconds();
  const text = goDuration(d);
  if (ms === 0 && !options.allowZero) {
    throw validationError(scope, { code: 'CS-CORE-003', prop, value: text, problem: 'must be longer than zero', fix: 'use a period such as `Duration.minutes(5)`' });
  }
  if (ms % 1000 !== 0 && options.wholeSeconds) {
    throw validationError(scope, { code: 'CS-CORE-004', prop, value: text, problem: 'must be a whole number of seconds', fix: 'round it to seconds, for example `Duration.seconds(1)`' });
  }
  return text;
}

/** @internal */
export interface DurationPropOptions {
  /** Zero is allowed (it means "never" for ESO's refreshInterval). */
  readonly allowZero?: boolean;
  /** Sub-second durations are refused (Kubernetes CRDs that take s, m or h only). */
  readonly wholeSeconds?: boolean;
}
