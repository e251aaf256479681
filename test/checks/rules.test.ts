import { CheckSeverity, SecretsChecks } from '../../src';

const only = (ruleId: string, manifests: any[], templates: any = {}) =>
  SecretsChecks.check(manifests, templates).filter((f) => f.ruleId === ruleId);

const deployment = (meta: any = {}, podMeta: any = {}, container: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', ...meta },
  spec: { selector: {}, template: { metadata: podMeta, spec: { containers: [{ name: 'web', image: 'x', ...container }] } } },
});

describe('plaintext-secret-data', () => {
  test('non-compliant: a Secret with data or stringData (keys named, values never)', () => {
    const f = only('plaintext-secret-data', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'apps' }, stringData: { password: 'hunter2' }, data: { user: 'YWRtaW4=' } }]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: CheckSeverity.ERROR, resource: 'Secret apps/s' });
    expect(f[0].message).toMatch(/carries password, user in the manifest/);
    expect(f[0].message).not.toMatch(/hunter2|YWRtaW4=/);
  });
  test('compliant: a Secret without data (filled by a controller), or another kind', () => {
    expect(only('plaintext-secret-data', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }])).toEqual([]);
  });
});

describe('secret-in-env', () => {
  test('non-compliant: env valueFrom.secretKeyRef and envFrom.secretRef (a warning)', () => {
    const d = deployment({}, {}, { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }], envFrom: [{ secretRef: { name: 'api' } }] });
    const f = only('secret-in-env', [d]);
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.WARNING, resource: 'Deployment apps/web' })]);
    expect(f[0].message).toBe('container web reads secrets from environment variables: PW (secret db), all keys of secret api. Mount them as a read-only volume instead');
  });
  test('also in CronJobs and init containers', () => {
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'apps' }, spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'x' } }] }], containers: [] } } } } } };
    expect(only('secret-in-env', [cron])).toHaveLength(1);
  });
  test('compliant: plain env values and ConfigMap refs', () => {
    expect(only('secret-in-env', [deployment({}, {}, { env: [{ name: 'A', value: 'b' }, { name: 'C', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }] })])).toEqual([]);
  });
});

describe('rbac-broad-secret-access', () => {
  const role = (rules: any[], kind = 'Role') => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'apps' } : {}) }, rules });
  test.each([
    [['list'], 'list'], [['watch', 'get'], 'watch'], [['*'], '\\*'],
  ])('non-compliant: verbs %j on secrets', (verbs, shown) => {
    const f = only('rbac-broad-secret-access', [role([{ apiGroups: [''], resources: ['secrets'], verbs }])]);
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.ERROR, resource: 'Role apps/r' })]);
    expect(f[0].message).toMatch(new RegExp(`rules\\[0\\] grants ${shown}.* on secrets: that reads every Secret in the namespace`));
  });
  test('non-compliant: a ClusterRole with * resources', () => {
    const f = only('rbac-broad-secret-access', [role([{ apiGroups: ['*'], resources: ['*'], verbs: ['list'] }], 'ClusterRole')]);
    expect(f[0].message).toMatch(/every Secret in the cluster/);
  });
  test('warning: get on every Secret (no resourceNames)', () => {
    const f = only('rbac-broad-secret-access', [role([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])]);
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.WARNING, message: 'rules[0] grants get on every Secret: list the Secrets in resourceNames' })]);
  });
  test('compliant: get with resourceNames; list on other resources', () => {
    expect(only('rbac-broad-secret-access', [role([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] },
    ])])).toEqual([]);
  });
});

describe('cluster-store-conditions', () => {
  const css = (spec: any) => ({ apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'aws' }, spec });
  test('non-compliant: no conditions (warning)', () => {
    expect(only('cluster-store-conditions', [css({ provider: {} })])).toEqual([expect.objectContaining({ severity: CheckSeverity.WARNING, resource: 'ClusterSecretStore aws' })]);
    expect(only('cluster-store-conditions', [css({ provider: {}, conditions: [] })])).toHaveLength(1);
  });
  test('compliant: namespace conditions', () => {
    expect(only('cluster-store-conditions', [css({ provider: {}, conditions: [{ namespaces: ['apps'] }] })])).toEqual([]);
  });
});

describe('annotation-placement', () => {
  test('non-compliant: Vault injector annotations on the Deployment, Reloader annotations on the pod template', () => {
    const d = deployment({ annotations: { 'vault.hashicorp.com/agent-inject': 'true' } }, { annotations: { 'secret.reloader.stakater.com/reload': 'db', 'reloader.stakater.com/auto': 'true' } });
    const f = only('annotation-placement', [d]);
    expect(f.map((x) => x.message)).toEqual([
      'Vault Agent Injector annotations on the Deployment\'s own metadata are ignored (vault.hashicorp.com/agent-inject): put them on the pod template',
      'Reloader annotations on the pod template are ignored (reloader.stakater.com/auto, secret.reloader.stakater.com/reload): put them on the Deployment\'s own metadata',
    ]);
    expect(f.every((x) => x.severity === CheckSeverity.ERROR)).toBe(true);
  });
  test('compliant: each on its own object', () => {
    const d = deployment({ annotations: { 'secret.reloader.stakater.com/reload': 'db' } }, { annotations: { 'vault.hashicorp.com/agent-inject': 'true' } });
    expect(only('annotation-placement', [d])).toEqual([]);
  });
});

const template = (resources: any) => ({ Resources: resources });
const policy = (statement: any) => ({ Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [statement] } } });

describe('iam-secret-read-wildcard', () => {
  test.each([
    ['secretsmanager:GetSecretValue'], [['ssm:GetParameters', 'ssm:DescribeParameters']], ['secretsmanager:*'], ['*'],
  ])('non-compliant: %j on Resource "*"', (action) => {
    const f = only('iam-secret-read-wildcard', [], { s: template({ P: policy({ Effect: 'Allow', Action: action, Resource: '*' }) }) });
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.ERROR, resource: 's/P' })]);
    expect(f[0].message).toMatch(/PolicyDocument\.Statement\[0\] allows .* on Resource "\*": every secret in the account/);
  });
  test('inline role policies are checked too', () => {
    const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] }, Policies: [{ PolicyName: 'x', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ['*'] }] } }] } };
    expect(only('iam-secret-read-wildcard', [], { s: template({ R: role }) })[0].message).toMatch(/^Policies\[0\]\.Statement\[0\]/);
  });
  test('compliant: scoped ARNs, ListSecrets on "*", Deny statements', () => {
    expect(only('iam-secret-read-wildcard', [], {
      s: template({
        A: policy({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-??????' }),
        B: policy({ Effect: 'Allow', Action: ['secretsmanager:ListSecrets', 'secretsmanager:BatchGetSecretValue'], Resource: '*' }),
        C: policy({ Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: '*' }),
      }),
    })).toEqual([]);
  });
});

const trustRole = (conditions: any, name = 'app') => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    RoleName: name,
    AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: 'arn:aws:iam::1:oidc-provider/x' }, Condition: conditions }] },
  },
});
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC';

describe('irsa-trust-without-sub', () => {
  test('non-compliant: no sub condition (error), no aud (warning)', () => {
    const f = only('irsa-trust-without-sub', [], { s: template({ R: trustRole({}) }) });
    expect(f.map((x) => [x.severity, x.message.slice(0, 60)])).toEqual([
      [CheckSeverity.ERROR, 'trust Statement[0] has no <issuer>:sub condition: every Serv'],
      [CheckSeverity.WARNING, 'trust Statement[0] has no <issuer>:aud = sts.amazonaws.com c'],
    ]);
  });
  test('warning: sub matched by a pattern', () => {
    const f = only('irsa-trust-without-sub', [], { s: template({ R: trustRole({ StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:apps:*' } }) }) });
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.WARNING, message: 'trust Statement[0] matches ServiceAccounts by pattern (system:serviceaccount:apps:*): pin one with StringEquals' })]);
  });
  test('compliant: StringEquals on aud and sub; non-IRSA roles ignored', () => {
    const ok = trustRole({ StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: 'system:serviceaccount:apps:app' } });
    const lambda = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] } } };
    expect(only('irsa-trust-without-sub', [], { s: template({ R: ok, L: lambda }) })).toEqual([]);
  });
});

describe('irsa-service-account-mismatch', () => {
  const templates = { s: template({ R: trustRole({ StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: 'system:serviceaccount:external-secrets:external-secrets' } }, 'eso') }) };
  const arn = 'arn:aws:iam::111122223333:role/eso';
  test('non-compliant: a ServiceAccount in another namespace carries the role ARN', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'external-secrets', namespace: 'eso', annotations: { 'eks.amazonaws.com/role-arn': arn } } };
    const f = only('irsa-service-account-mismatch', [sa], templates);
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.ERROR, resource: 'ServiceAccount eso/external-secrets' })]);
    expect(f[0].message).toMatch(/^is annotated with role eso, whose trust admits system:serviceaccount:external-secrets:external-secrets, not system:serviceaccount:eso:external-secrets/);
  });
  test('non-compliant: Helm values of an Argo CD Application name another ServiceAccount', () => {
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'eso', namespace: 'argocd' }, spec: { destination: { namespace: 'external-secrets' }, source: { helm: { valuesObject: { serviceAccount: { name: 'eso-controller', annotations: { 'eks.amazonaws.com/role-arn': arn } } } } } } };
    expect(only('irsa-service-account-mismatch', [app], templates)[0].resource).toBe('Application argocd/eso (Helm values serviceAccount)');
  });
  test('compliant: Flux values naming the trusted account; roles defined elsewhere are not judged', () => {
    const hr = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'eso', namespace: 'flux-system' }, spec: { targetNamespace: 'external-secrets', values: { serviceAccount: { name: 'external-secrets', annotations: { 'eks.amazonaws.com/role-arn': arn } } } } };
    const other = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', namespace: 'y', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/elsewhere' } } };
    expect(only('irsa-service-account-mismatch', [hr, other], templates)).toEqual([]);
  });
});
