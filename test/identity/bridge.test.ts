import * as cdk from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { fitName, partitionOfRegion, requireConcreteManifest } from '../../src/identity/bridge';

describe('requireConcreteManifest', () => {
  const scope = new Construct(new cdk.App(), 'Scope');

  test('GIVEN concrete nested values THEN it passes', () => {
    expect(() => requireConcreteManifest(scope, 'spec', { a: ['x', 1, { b: true, c: null }], d: undefined })).not.toThrow();
  });

  test('GIVEN a token number THEN it throws naming the path', () => {
    const n = cdk.Token.asNumber(cdk.Fn.importValue('Replicas'));
    expect(() => requireConcreteManifest(scope, 'spec', { a: [{ replicas: n }] }))
      .toThrow(/\[Scope\] spec\.a\[0\]\.replicas: is an unresolved CDK token/);
  });

  test('GIVEN a token map key THEN it throws naming the key', () => {
    expect(() => requireConcreteManifest(scope, 'labels', { [cdk.Aws.ACCOUNT_ID]: 'x' }))
      .toThrow(/labels\.\$\{Token\[AWS\.AccountId\.\d+\]\}: is an unresolved CDK token/);
  });
});

describe('names and partitions', () => {
  test('GIVEN a short name THEN fitName keeps it; a long one is cut with a stable hash', () => {
    expect(fitName('abc', 64)).toBe('abc');
    const long = fitName('x'.repeat(80), 64);
    expect(long).toHaveLength(64);
    expect(long).toBe(fitName('x'.repeat(80), 64));
  });

  test('GIVEN regions THEN partitions follow them', () => {
    expect(partitionOfRegion('eu-west-1')).toBe('aws');
    expect(partitionOfRegion('cn-north-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-gov-west-1')).toBe('aws-us-gov');
  });
});
