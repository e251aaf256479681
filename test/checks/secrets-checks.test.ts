import { Template } from 'aws-cdk-lib/assertions';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CheckSeverity, ClusterTarget, SecretsApp, SecretsChecks, WorkloadIdentity } from '../../src';

const badSecret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'apps' }, stringData: { a: 'b' } };

describe('SecretsChecks', () => {
  test('the pack has one rule per file, listed by id', () => {
    expect(SecretsChecks.ruleIds).toEqual([
      'annotation-placement', 'cluster-external-secret-all-namespaces', 'cluster-store-conditions', 'csi-sync-without-mount',
      'csi-unknown-provider-class', 'duplicate-secret-producer', 'external-secret-store-missing', 'iam-kms-decrypt-wildcard',
      'iam-secret-read-wildcard', 'iam-trust-any-principal', 'irsa-service-account-mismatch', 'irsa-trust-without-sub',
      'kubernetes-version', 'plaintext-secret-data', 'pod-identity-trust-actions', 'rbac-broad-secret-access',
      'rbac-secret-access-for-everyone', 'reloader-unknown-secret', 'sealed-secret-scope-mismatch', 'secret-in-env',
      'secret-reference-unresolved', 'secret-volume-permissions', 'service-account-token-secret', 'store-static-credentials',
      'unserved-api-version', 'vault-injector-without-role', 'vault-plain-http',
    ]);
    expect(SecretsChecks.ruleIds.length).toBeGreaterThanOrEqual(25);
  });

  test('GIVEN a suppression with a reason THEN the finding stays in the report but no longer fails', () => {
    const findings = SecretsChecks.check([badSecret], {}, { suppressions: [{ ruleId: 'plaintext-secret-data', resource: 'Secret apps/s', reason: 'test fixture' }] });
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'plaintext-secret-data', suppressedBecause: 'test fixture' })]);
    expect(SecretsChecks.errorsOf(findings)).toEqual([]);
    expect(SecretsChecks.format(findings)[0]).toMatch(/^suppressed {2}plaintext-secret-data {2}Secret apps\/s: .* \(suppressed: test fixture\)$/);
  });

  test('a suppression for another resource does not apply', () => {
    const findings = SecretsChecks.check([badSecret], {}, { suppressions: [{ ruleId: 'plaintext-secret-data', resource: 'Secret apps/other', reason: 'x' }] });
    expect(SecretsChecks.errorsOf(findings)).toHaveLength(1);
  });

  test('a suppression without a reason, or for an unknown rule, is an error', () => {
    expect(() => SecretsChecks.check([], {}, { suppressions: [{ ruleId: 'plaintext-secret-data', reason: ' ' }] }))
      .toThrow(/\[SecretsChecks\] suppressions\[0\]\.reason: is empty .* Fix: say why the finding is acceptable/);
    expect(() => SecretsChecks.check([], {}, { suppressions: [{ ruleId: 'no-such-rule', reason: 'x' }] }))
      .toThrow(/\[SecretsChecks\] suppressions\[0\]\.ruleId: is not a rule of the pack \(got "no-such-rule"\)\. Fix: use one of annotation-placement/);
  });

  test('a rule that fails on unexpected input is reported as an error finding, not swallowed', () => {
    const hostile = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['secrets'], get verbs(): string[] { throw new Error('boom'); } }] };
    const f = SecretsChecks.check([hostile]).filter((x) => x.ruleId === 'rbac-broad-secret-access');
    expect(f).toEqual([{ ruleId: 'rbac-broad-secret-access', severity: CheckSeverity.ERROR, resource: '<rule>', message: 'the rule failed: boom' }]);
  });

  test('GIVEN a WorkloadIdentity WHEN its ServiceAccount is used as is THEN no finding; a hand-made SA with its ARN elsewhere is caught', () => {
    const app = new SecretsApp();
    const target = new ClusterTarget(app, 'platform', { env: { account: '111122223333', region: 'eu-west-1' }, irsa: { issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE' } });
    const chart = new Chart(target.k8sApp, 'apps');
    const identity = new WorkloadIdentity(chart, 'Id', { namespace: 'apps', serviceAccountName: 'api' });
    const templates = { platform: Template.fromStack(target.stack).toJSON() };
    expect(SecretsChecks.check(Testing.synth(chart), templates)).toEqual([]);

    new kplus.ServiceAccount(chart, 'Copy', { metadata: { name: 'api-v2', namespace: 'apps', annotations: { 'eks.amazonaws.com/role-arn': identity.roleArn } } });
    const errors = SecretsChecks.errorsOf(SecretsChecks.check(Testing.synth(chart), templates));
    expect(errors).toEqual([expect.objectContaining({ ruleId: 'irsa-service-account-mismatch', resource: 'ServiceAccount apps/api-v2' })]);
  });
});
