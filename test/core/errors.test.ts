import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describeValue, REDACTED, validationError } from '../../src/core/errors';

describe('validationError', () => {
  test('GIVEN a construct THEN the message names its path, the prop, the value and the fix', () => {
    const chart = Testing.chart();
    const c = new Construct(chart, 'Store');
    const err = validationError(c, { prop: 'refreshInterval', value: '5 minutes', problem: 'must be a Go duration', fix: 'write "5m"' });
    expect(err.message).toBe('[test/Store] refreshInterval: must be a Go duration (got "5 minutes"). Fix: write "5m"');
    expect(err.name).toBe('ValidationError');
  });

  test('GIVEN no value THEN the message shows none', () => {
    const err = validationError('a/b', { prop: 'certificate', problem: 'is required', fix: 'pass one' });
    expect(err.message).toBe('[a/b] certificate: is required. Fix: pass one');
  });

  test('GIVEN a redacted value THEN the secret is not shown', () => {
    const err = validationError('a', { prop: 'key', value: REDACTED, problem: 'must be 32 bytes', fix: 'use 32 bytes' });
    expect(err.message).toContain('(got <redacted>)');
  });

  test('long values are cut and non-strings rendered as JSON', () => {
    expect(describeValue('x'.repeat(500)).length).toBeLessThanOrEqual(123);
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(42)).toBe('42');
  });
});
