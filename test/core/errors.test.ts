import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describeValue, REDACTED, SecretsValidationError, validationError } from '../../src/core/errors';

describe('validationError', () => {
  test('GIVEN a construct THEN the message names its path, the prop, the value and the fix', () => {
    const chart = Testing.chart();
    const c = new Construct(chart, 'Store');
    const err = validationError(c, { code: 'CS-ESO-999', prop: 'refreshInterval', value: '5 minutes', problem: 'must be a Go duration', fix: 'write "5m"' });
    expect(err.message).toBe('[test/Store] refreshInterval: must be a Go duration (got "5 minutes"). Fix: write "5m" [CS-ESO-999]');
    expect(err.name).toBe('ValidationError');
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(SecretsValidationError);
    expect(err.code).toBe('CS-ESO-999');
    expect(err.constructPath).toBe('test/Store');
    expect(err.prop).toBe('refreshInterval');
  });

  test('GIVEN no value THEN the message shows none', () => {
    const err = validationError('a/b', { code: 'CS-CORE-999', prop: 'certificate', problem: 'is required', fix: 'pass one' });
    expect(err.message).toBe('[a/b] certificate: is required. Fix: pass one [CS-CORE-999]');
    expect(err.constructPath).toBe('a/b');
  });

  test('GIVEN a redacted value THEN the secret is not shown', () => {
    const err = validationError('a', { code: 'CS-CORE-999', prop: 'key', value: REDACTED, problem: 'must be 32 bytes', fix: 'use 32 bytes' });
    expect(err.message).toContain('(got <redacted>)');
  });

  test('isSecretsValidationError tells library errors from others, whatever copy of the library threw them', () => {
    expect(SecretsValidationError.isSecretsValidationError(validationError('a', { code: 'CS-CORE-999', prop: 'p', problem: 'x', fix: 'y' }))).toBe(true);
    expect(SecretsValidationError.isSecretsValidationError(new Error('[a] p: x. Fix: y [CS-CORE-999]'))).toBe(false);
    expect(SecretsValidationError.isSecretsValidationError('CS-CORE-999')).toBe(false);
    const foreign = Object.defineProperty(new Error('m'), Symbol.for('cdk8s-secrets.ValidationError'), { value: true });
    expect(SecretsValidationError.isSecretsValidationError(foreign)).toBe(true);
  });

  test('long values are cut and non-strings rendered as JSON', () => {
    expect(describeValue('x'.repeat(500)).length).toBeLessThanOrEqual(123);
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(42)).toBe('42');
  });
});
