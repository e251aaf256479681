import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkGoDuration, checkSecretKey, isUnresolvedScalar, resolveNamespace, requireConcrete, suggestName } from '../../src/core/validate';

const scope = (): Construct => new Construct(Testing.chart(), 'Thing');

describe('checkDnsLabel', () => {
  test.each(['a', 'secrets-demo', 'a1', 'x'.repeat(63)])('accepts %s', (v) => {
    expect(checkDnsLabel(scope(), 'namespace', v)).toBe(v);
  });
  test.each(['Secrets', 'a_b', '-a', 'a-', 'a.b', '', 'x'.repeat(64)])('rejects %j', (v) => {
    expect(() => checkDnsLabel(scope(), 'namespace', v)).toThrow(/\[test\/Thing\] namespace: must be a DNS-1123 label .* Fix: use a name such as/);
  });
});

describe('checkDnsSubdomain', () => {
  test.each(['a', 'a.b-c', 'ext-postgres-secret'])('accepts %s', (v) => {
    expect(checkDnsSubdomain(scope(), 'name', v)).toBe(v);
  });
  test.each(['A', 'a..b', 'a_b', '.a', 'x'.repeat(254)])('rejects %j', (v) => {
    expect(() => checkDnsSubdomain(scope(), 'name', v)).toThrow(/name: must be a DNS-1123 subdomain/);
  });
});

describe('checkSecretKey', () => {
  test.each(['password', 'tls.crt', 'a_b-C'])('accepts %s', (v) => {
    expect(checkSecretKey(scope(), 'secretKey', v)).toBe(v);
  });
  test.each(['a/b', 'has space', '', '.', '..'])('rejects %j', (v) => {
    expect(() => checkSecretKey(scope(), 'secretKey', v)).toThrow(/secretKey: must be a valid Secret data key/);
  });
});

describe('checkGoDuration', () => {
  test.each(['1h', '30s', '1h30m', '1.5h', '500ms', '1h0m0s'])('accepts %s', (v) => {
    expect(checkGoDuration(scope(), 'refreshInterval', v)).toBe(v);
  });
  test.each(['5 minutes', '1d', 'h', '10', '-1h', ''])('rejects %j', (v) => {
    expect(() => checkGoDuration(scope(), 'refreshInterval', v)).toThrow(/refreshInterval: must be a Go duration.* Fix: write the duration with units/);
  });
  test('"0" only when allowed', () => {
    expect(() => checkGoDuration(scope(), 'refreshInterval', '0')).toThrow(/Go duration/);
    expect(checkGoDuration(scope(), 'refreshInterval', '0', { allowZero: true })).toBe('0');
  });
});

describe('requireConcrete (the bridge guard)', () => {
  test('GIVEN a token THEN it fails naming the construct, the prop and the fix', () => {
    const stack = new cdk.Stack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('x.amazonaws.com') });
    expect(() => requireConcrete(scope(), 'roleArn', role.roleArn, 'give the stack an env'))
      .toThrow(/\[test\/Thing\] roleArn: is an unresolved CDK token.*Fix: give the stack an env/);
  });
  test('GIVEN a concrete string THEN it passes through', () => {
    expect(requireConcrete(scope(), 'region', 'eu-west-1', 'x')).toBe('eu-west-1');
  });
  test('token-aware checks skip tokens instead of misjudging them', () => {
    const token = cdk.Lazy.string({ produce: () => 'Not_A_Label' });
    expect(checkDnsLabel(scope(), 'namespace', token)).toBe(token);
  });
});

test('suggestName makes a usable DNS name', () => {
  expect(suggestName('My_App Name', 63)).toBe('my-app-name');
  expect(suggestName('___', 63)).toBe('my-name');
});

describe('resolveNamespace', () => {
  test('the given namespace wins, else the chart\'s', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'withns', { namespace: 'default' });
    const thing = new Construct(chart, 'Thing');
    expect(resolveNamespace(thing, 'namespace', 'apps')).toBe('apps');
    expect(resolveNamespace(thing, 'namespace', undefined)).toBe('default');
  });
  test('neither: an error naming the prop, the reason and the fix', () => {
    expect(() => resolveNamespace(scope(), 'namespace', undefined))
      .toThrow(/\[test\/Thing\] namespace: is required because the chart has no namespace\. Fix: set namespace, or give the chart a namespace/);
    expect(() => resolveNamespace(scope(), 'podNamespace', undefined, 'it is bound into the ciphertext'))
      .toThrow(/podNamespace: is required because the chart has no namespace; it is bound into the ciphertext\. Fix: set podNamespace/);
  });
});

describe('isUnresolvedScalar (the fast token test)', () => {
  const stack = new cdk.Stack(new cdk.App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
  const tokens: Array<string | number> = [
    cdk.Token.asString(cdk.Lazy.string({ produce: () => 'x' })),
    `prefix-${cdk.Aws.ACCOUNT_ID}-suffix`,
    role.roleArn,
    cdk.Fn.join('-', ['a', cdk.Aws.REGION]),
    cdk.Token.asNumber(cdk.Lazy.number({ produce: () => 1 })),
    String(cdk.Token.asNumber(cdk.Lazy.number({ produce: () => 2 }))),
    `port-${cdk.Token.asNumber(cdk.Lazy.number({ produce: () => 3 }))}`,
    JSON.stringify({ arn: role.roleArn }),
  ];
  const plain: Array<string | number> = [
    // A list token's element: Token.isUnresolved says no for the string alone (only for the one-element list).
    cdk.Token.asList(cdk.Lazy.list({ produce: () => ['a'] }))[0],
    '', 'db', 'ghcr.io/example/app:1.4.2', 'Token', '${Token}', 'Token [1]', '1e+289', 'e+289', '-1.5e+289',
    0, -0, 1, -1, 8080, 2 ** 53, -(2 ** 53), 1.5, 1e21, 1e280, -1e280, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, NaN,
  ];
  test.each(tokens.map((t) => [String(t).slice(0, 40), t]))('a token (%s) is unresolved, as Token.isUnresolved says', (_name, t) => {
    expect(cdk.Token.isUnresolved(t)).toBe(true);
    expect(isUnresolvedScalar(t)).toBe(true);
  });
  test.each(plain.map((p) => [String(p), p]))('a plain value (%s) agrees with Token.isUnresolved', (_name, p) => {
    expect(isUnresolvedScalar(p)).toBe(cdk.Token.isUnresolved(p));
  });
  test('every double near a token double agrees with Token.isUnresolved', () => {
    const t = cdk.Token.asNumber(cdk.Lazy.number({ produce: () => 4 }));
    for (const x of [t, t * 1.0000001, t / 1.0000001, -t, t * 10, t / 10, t / 1e9]) expect(isUnresolvedScalar(x)).toBe(cdk.Token.isUnresolved(x));
  });
});
