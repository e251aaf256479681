import { CheckSeverity, SecretsChecks } from '../../src';

const only = (ruleId: string, manifests: any[], templates: any = {}, kubernetesVersion?: string) =>
  SecretsChecks.check(manifests, templates, { kubernetesVersion }).filter((f) => f.ruleId === ruleId);

const deploy = (name: string, meta: any = {}, spec: any = {}, ns = 'apps') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, ...meta },
  spec: { selector: {}, template: { metadata: {}, spec: { containers: [{ name: 'app', image: 'x' }], ...spec } } },
});
const secret = (name: string, ns = 'apps', extra: any = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, ...extra });
const es = (name: string, spec: any = {}, ns = 'apps', api = 'external-secrets.io/v1') => ({ apiVersion: api, kind: 'ExternalSecret', metadata: { name, namespace: ns }, spec: { secretStoreRef: { name: 'aws', kind: 'SecretStore' }, ...spec } });
const store = (name: string, ns = 'apps', provider: any = { aws: { service: 'SecretsManager', region: 'eu-west-1' } }, kind = 'SecretStore') =>
  ({ apiVersion: 'external-secrets.io/v1', kind, metadata: { name, ...(kind === 'SecretStore' ? { namespace: ns } : {}) }, spec: { provider } });
const RELOAD = 'secret.reloader.stakater.com/reload';

describe('unserved-api-version', () => {
  test('non-compliant: ESO v1beta1 (error), SecretProviderClass v1alpha1 and Flux v2beta2 (warnings)', () => {
    const f = only('unserved-api-version', [
      es('db', {}, 'apps', 'external-secrets.io/v1beta1'),
      { apiVersion: 'secrets-store.csi.x-k8s.io/v1alpha1', kind: 'SecretProviderClass', metadata: { name: 'spc', namespace: 'apps' } },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2beta2', kind: 'HelmRelease', metadata: { name: 'eso', namespace: 'flux-system' } },
    ]);
    expect(f.map((x) => [x.severity, x.resource])).toEqual([
      [CheckSeverity.ERROR, 'ExternalSecret apps/db'], [CheckSeverity.WARNING, 'SecretProviderClass apps/spc'], [CheckSeverity.WARNING, 'HelmRelease flux-system/eso'],
    ]);
    expect(f[0].message).toBe('uses external-secrets.io/v1beta1: External Secrets Operator no longer serves it (0.17 and later): the apply fails on upgrade. Use external-secrets.io/v1 (`cdk8s-secrets import` rewrites it)');
  });
  test('compliant: ESO v1, PushSecret v1alpha1 (its only version), generators v1alpha1', () => {
    expect(only('unserved-api-version', [es('db'), { apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret', metadata: { name: 'p' } },
      { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', metadata: { name: 'p' } }])).toEqual([]);
  });
});

describe('kubernetes-version', () => {
  const push = { apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret', metadata: { name: 'p', namespace: 'apps' } };
  const argo = (chart: string, targetRevision: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: chart, namespace: 'argocd' }, spec: { source: { chart, targetRevision, repoURL: 'https://x' } } });
  const flux = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'csi', namespace: 'flux-system' }, spec: { chart: { spec: { chart: 'secrets-store-csi-driver', version: '1.6.0' } } } };
  test('non-compliant on 1.28: a PushSecret, ESO chart 2.9.0 (Argo CD), CSI chart 1.6.0 (Flux), batch/v1beta1 CronJob', () => {
    const cron = { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c', namespace: 'apps' } };
    const f = only('kubernetes-version', [push, argo('external-secrets', '2.9.0'), flux, cron], {}, '1.28');
    expect(f.map((x) => x.resource)).toEqual(['PushSecret apps/p', 'Application argocd/external-secrets', 'HelmRelease flux-system/csi', 'CronJob apps/c']);
    expect(f.every((x) => x.severity === CheckSeverity.ERROR)).toBe(true);
    expect(f[0].message).toBe('needs Kubernetes 1.31 or later (declared version 1.28): the ESO 2.9.0 CRD for it exceeds the CEL cost budget of older API servers (1.28 refuses it, 1.31 accepts it). Upgrade the cluster or drop the PushSecret');
    expect(f[1].message).toMatch(/^installs chart external-secrets 2\.9\.0, which needs Kubernetes 1\.30 or later \(declared version 1\.28\): its ExternalSecret CRD uses selectableFields/);
    expect(f[2].message).toMatch(/^installs chart secrets-store-csi-driver 1\.6\.0, which needs Kubernetes 1\.30 .*kubeVersion >= 1\.30/);
    expect(f[3].message).toBe('uses batch/v1beta1, which Kubernetes 1.25 removed (declared version 1.28). Use batch/v1');
  });
  test('on 1.30 only the PushSecret remains; on v1.31.2 nothing', () => {
    expect(only('kubernetes-version', [push, argo('external-secrets', '2.9.0'), flux], {}, '1.30').map((x) => x.resource)).toEqual(['PushSecret apps/p']);
    expect(only('kubernetes-version', [push, argo('external-secrets', '2.9.0'), flux], {}, 'v1.31.2')).toEqual([]);
  });
  test('compliant: older charts on 1.28; no declared version turns the rule off', () => {
    expect(only('kubernetes-version', [argo('external-secrets', '0.10.0')], {}, '1.28')).toEqual([]);
    expect(only('kubernetes-version', [push, argo('external-secrets', '2.9.0')])).toEqual([]);
  });
  test('a declared version that is not a version is an error', () => {
    expect(() => SecretsChecks.check([], {}, { kubernetesVersion: 'latest' }))
      .toThrow('[SecretsChecks] kubernetesVersion: is not a Kubernetes version (got "latest"). Fix: write it as "1.30" or "v1.30.2"');
  });
});

describe('reloader-unknown-secret', () => {
  test('non-compliant: a Reloader annotation names a Secret nothing produces (warning)', () => {
    const f = only('reloader-unknown-secret', [deploy('web', { annotations: { [RELOAD]: 'db, api' } }), es('db')]);
    expect(f).toEqual([{
      ruleId: 'reloader-unknown-secret',
      severity: CheckSeverity.WARNING,
      resource: 'Deployment apps/web',
      message: 'secret.reloader.stakater.com/reload names api, which nothing in the input produces in namespace apps: Reloader will never restart it for them. Correct the names or remove them',
    }]);
  });
  test('non-compliant: produced only in another namespace', () => {
    expect(only('reloader-unknown-secret', [deploy('web', { annotations: { [RELOAD]: 'db' } }), secret('db', 'other')])).toHaveLength(1);
  });
  test('compliant: every name produced (ExternalSecret target name, SealedSecret, VSO destination, CSI secretObjects, ClusterExternalSecret)', () => {
    const objs = [
      deploy('web', { annotations: { [RELOAD]: 'db-creds,sealed,vso,csi,shared' } }),
      es('db', { target: { name: 'db-creds' } }),
      { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'sealed', namespace: 'apps' }, spec: { encryptedData: {} } },
      { apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultStaticSecret', metadata: { name: 'v', namespace: 'apps' }, spec: { destination: { name: 'vso', create: true } } },
      { apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name: 'spc', namespace: 'apps' }, spec: { secretObjects: [{ secretName: 'csi' }] } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', metadata: { name: 'shared' }, spec: { namespaces: ['apps'], externalSecretSpec: {} } },
    ];
    expect(only('reloader-unknown-secret', objs)).toEqual([]);
  });
});

describe('secret-reference-unresolved', () => {
  test('non-compliant: volume, env and envFrom naming unknown Secrets (one warning per workload, places listed)', () => {
    const d = deploy('web', {}, {
      volumes: [{ name: 'creds', secret: { secretName: 'db' } }],
      containers: [{ name: 'app', image: 'x', env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'pw', key: 'k' } } }], envFrom: [{ secretRef: { name: 'all' } }] }],
    });
    const f = only('secret-reference-unresolved', [d]);
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.WARNING, resource: 'Deployment apps/web' })]);
    expect(f[0].message).toMatch(/^names Secrets that nothing in the input produces: volume creds \(secret db\), container app env PW \(secret pw\), container app envFrom \(secret all\)\. /);
  });
  test('compliant: produced Secrets and optional references', () => {
    const d = deploy('web', {}, { volumes: [{ name: 'a', secret: { secretName: 'db' } }, { name: 'b', secret: { secretName: 'maybe', optional: true } }] });
    expect(only('secret-reference-unresolved', [d, es('db')])).toEqual([]);
  });
});

describe('duplicate-secret-producer', () => {
  test('non-compliant: an ExternalSecret and a SealedSecret create the same Secret', () => {
    const f = only('duplicate-secret-producer', [es('db'), { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'db', namespace: 'apps' }, spec: {} }]);
    expect(f).toEqual([{
      ruleId: 'duplicate-secret-producer',
      severity: CheckSeverity.ERROR,
      resource: 'SealedSecret apps/db',
      message: 'creates Secret apps/db, which ExternalSecret apps/db also creates: the owners overwrite each other. Keep one producer (or make the others fill it with creationPolicy Merge)',
    }]);
  });
  test('compliant: a second ExternalSecret that merges; same name in other namespaces', () => {
    expect(only('duplicate-secret-producer', [es('db'), es('db-extra', { target: { name: 'db', creationPolicy: 'Merge' } }), es('db', {}, 'other')])).toEqual([]);
  });
});

describe('sealed-secret-scope-mismatch', () => {
  const ss = (meta: any, tmpl: any) => ({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'db', ...meta }, spec: { encryptedData: { a: 'Ag==' }, template: { metadata: tmpl } } });
  test('non-compliant: template in another namespace (Kustomize moved it), scope only in the template, strict without namespace, renamed', () => {
    expect(only('sealed-secret-scope-mismatch', [ss({ namespace: 'prod' }, { name: 'db', namespace: 'staging' })])[0].message)
      .toBe('will not unseal: it is strict and sits in namespace prod, but its template names namespace staging (sealed for another namespace). Re-seal it for the name and namespace where it is applied (or seal it namespace-wide / cluster-wide on purpose)');
    expect(only('sealed-secret-scope-mismatch', [ss({ namespace: 'a' }, { annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } })])[0].message)
      .toMatch(/its template says cluster-wide but its own metadata says strict/);
    expect(only('sealed-secret-scope-mismatch', [ss({}, { name: 'db' })])[0].message).toMatch(/it is strict but names no namespace/);
    const renamed = only('sealed-secret-scope-mismatch', [ss({ namespace: 'a', name: 'db2' }, { name: 'db', namespace: 'a' })]);
    expect(renamed).toEqual([expect.objectContaining({ severity: CheckSeverity.ERROR, resource: 'SealedSecret a/db2' })]);
  });
  test('compliant: kubeseal shapes for all three scopes', () => {
    const cw = { 'sealedsecrets.bitnami.com/cluster-wide': 'true' };
    const nw = { 'sealedsecrets.bitnami.com/namespace-wide': 'true' };
    expect(only('sealed-secret-scope-mismatch', [
      ss({ namespace: 'a' }, { name: 'db', namespace: 'a' }),
      ss({ annotations: cw }, { annotations: cw }),
      ss({ namespace: 'a', name: 'other', annotations: nw }, { name: 'db', namespace: 'a', annotations: nw }),
    ])).toEqual([]);
  });
});

describe('external-secret-store-missing', () => {
  test('non-compliant: SecretStore in another namespace, unknown ClusterSecretStore in a PushSecret', () => {
    const push = { apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret', metadata: { name: 'p', namespace: 'apps' }, spec: { secretStoreRefs: [{ name: 'vault', kind: 'ClusterSecretStore' }] } };
    const f = only('external-secret-store-missing', [es('db'), store('aws', 'other'), push]);
    expect(f.map((x) => [x.severity, x.resource, x.message])).toEqual([
      [CheckSeverity.WARNING, 'ExternalSecret apps/db', 'refers to SecretStore aws, which the input does not define (a SecretStore must be in namespace apps). Define the store or correct the reference'],
      [CheckSeverity.WARNING, 'PushSecret apps/p', 'refers to ClusterSecretStore vault, which the input does not define (a SecretStore must be in namespace apps). Define the store or correct the reference'],
    ]);
  });
  test('compliant: store in the namespace; ClusterSecretStore; ClusterExternalSecret with a SecretStore (per namespace, not judged)', () => {
    const ces = { apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', metadata: { name: 'c' }, spec: { externalSecretSpec: { secretStoreRef: { name: 'aws', kind: 'SecretStore' } } } };
    expect(only('external-secret-store-missing', [es('db'), store('aws'), es('x', { secretStoreRef: { name: 'cs', kind: 'ClusterSecretStore' } }), store('cs', '', undefined, 'ClusterSecretStore'), ces])).toEqual([]);
  });
});

describe('store-static-credentials', () => {
  test('non-compliant: AWS access keys and a Vault token in Secrets (warning)', () => {
    const f = only('store-static-credentials', [
      store('aws', 'apps', { aws: { service: 'SecretsManager', region: 'eu-west-1', auth: { secretRef: { accessKeyIDSecretRef: { name: 'k', key: 'id' } } } } }),
      store('v', 'apps', { vault: { server: 'https://v', auth: { tokenSecretRef: { name: 't', key: 'token' } } } }),
    ]);
    expect(f.map((x) => x.severity)).toEqual([CheckSeverity.WARNING, CheckSeverity.WARNING]);
    expect(f[0].message).toBe('authenticates with long-lived credentials from a Secret: aws.auth.secretRef (access keys). Use workload identity (IRSA or Pod Identity, Vault Kubernetes auth) instead');
    expect(f[1].message).toMatch(/vault\.auth\.tokenSecretRef \(a static token\)/);
  });
  test('compliant: IRSA (jwt serviceAccountRef) and Vault Kubernetes auth', () => {
    expect(only('store-static-credentials', [
      store('aws', 'apps', { aws: { service: 'SecretsManager', region: 'r', auth: { jwt: { serviceAccountRef: { name: 'sa' } } } } }),
      store('v', 'apps', { vault: { server: 'https://v', auth: { kubernetes: { role: 'r', mountPath: 'kubernetes' } } } }),
    ])).toEqual([]);
  });
});

describe('vault-plain-http', () => {
  test('non-compliant: an ESO Vault store and a VSO VaultConnection over http:// (warning)', () => {
    const f = only('vault-plain-http', [
      store('v', 'apps', { vault: { server: 'http://vault.vault.svc:8200' } }),
      { apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultConnection', metadata: { name: 'c', namespace: 'apps' }, spec: { address: 'http://vault:8200' } },
    ]);
    expect(f.map((x) => [x.severity, x.resource])).toEqual([[CheckSeverity.WARNING, 'SecretStore apps/v'], [CheckSeverity.WARNING, 'VaultConnection apps/c']]);
    expect(f[0].message).toBe('spec.provider.vault.server is http://vault.vault.svc:8200: tokens and secrets cross the network unencrypted. Serve Vault over https:// (with caBundle / caCertSecretRef)');
  });
  test('compliant: https and loopback', () => {
    expect(only('vault-plain-http', [store('v', 'apps', { vault: { server: 'https://vault:8200' } }), store('w', 'apps', { vault: { server: 'http://127.0.0.1:8200' } })])).toEqual([]);
  });
});

describe('vault-injector-without-role', () => {
  const withPodAnn = (ann: any) => { const d: any = deploy('web'); d.spec.template.metadata.annotations = ann; return d; };
  test('non-compliant: agent-inject without role', () => {
    expect(only('vault-injector-without-role', [withPodAnn({ 'vault.hashicorp.com/agent-inject': 'true' })])).toEqual([{
      ruleId: 'vault-injector-without-role',
      severity: CheckSeverity.ERROR,
      resource: 'Deployment apps/web',
      message: 'asks for the Vault Agent Injector without vault.hashicorp.com/role: the agent cannot log in and the pod never starts. Add the Kubernetes-auth role annotation',
    }]);
  });
  test('compliant: with a role, with an agent ConfigMap, or not injected', () => {
    expect(only('vault-injector-without-role', [
      withPodAnn({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'web' }),
      withPodAnn({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/agent-configmap': 'cfg' }),
      withPodAnn({ 'vault.hashicorp.com/agent-inject': 'false' }),
    ])).toEqual([]);
  });
});

const spc = (secretObjects?: any[]) => ({ apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name: 'aws', namespace: 'apps' }, spec: { provider: 'aws', parameters: {}, ...(secretObjects ? { secretObjects } : {}) } });
const csiPod = (spcName: string) => deploy('web', {}, { volumes: [{ name: 'store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: spcName } } }] });

describe('csi-sync-without-mount', () => {
  test('non-compliant: secretObjects with no mounting pod', () => {
    expect(only('csi-sync-without-mount', [spc([{ secretName: 'db', type: 'Opaque', data: [] }])])).toEqual([expect.objectContaining({
      severity: CheckSeverity.WARNING,
      resource: 'SecretProviderClass apps/aws',
      message: 'syncs db but no pod in the input mounts it: the driver makes synced Secrets only while a pod mounts the class. Mount it in the consuming workload',
    })]);
  });
  test('compliant: mounted; or nothing to sync', () => {
    expect(only('csi-sync-without-mount', [spc([{ secretName: 'db' }]), csiPod('aws')])).toEqual([]);
    expect(only('csi-sync-without-mount', [spc()])).toEqual([]);
  });
});

describe('csi-unknown-provider-class', () => {
  test('non-compliant: the mounted class is not defined', () => {
    expect(only('csi-unknown-provider-class', [csiPod('missing'), spc()])).toEqual([expect.objectContaining({
      severity: CheckSeverity.WARNING,
      resource: 'Deployment apps/web',
      message: 'volume store mounts SecretProviderClass missing, which the input does not define in namespace apps: the mount fails. Define it in the pod\'s namespace',
    })]);
  });
  test('compliant: defined in the pod\'s namespace', () => {
    expect(only('csi-unknown-provider-class', [csiPod('aws'), spc()])).toEqual([]);
  });
});

describe('cluster-external-secret-all-namespaces', () => {
  const ces = (spec: any) => ({ apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', metadata: { name: 'c' }, spec: { externalSecretSpec: {}, ...spec } });
  test('non-compliant: empty selector, or none at all', () => {
    const f = only('cluster-external-secret-all-namespaces', [ces({ namespaceSelectors: [{}] }), ces({})]);
    expect(f.map((x) => [x.severity, x.resource])).toEqual([[CheckSeverity.ERROR, 'ClusterExternalSecret c'], [CheckSeverity.ERROR, 'ClusterExternalSecret c']]);
    expect(f[0].message).toMatch(/^selects every namespace/);
  });
  test('compliant: label selector or a namespace list', () => {
    expect(only('cluster-external-secret-all-namespaces', [ces({ namespaceSelectors: [{ matchLabels: { team: 'a' } }] }), ces({ namespaces: ['a'] })])).toEqual([]);
  });
});

describe('secret-volume-permissions', () => {
  test('non-compliant: defaultMode 0777 and an item 0666 (warning)', () => {
    const d = deploy('web', {}, { volumes: [{ name: 'v', secret: { secretName: 's', defaultMode: 0o777, items: [{ key: 'k', path: 'k', mode: 0o666 }] } }] });
    expect(only('secret-volume-permissions', [d])).toEqual([expect.objectContaining({
      severity: CheckSeverity.WARNING,
      message: 'secret volume v has defaultMode 0777, items k mode 0666: group or others may write (or execute) the secret files. Use 0400 or 0440',
    })]);
  });
  test('compliant: 0400, 0440, default', () => {
    expect(only('secret-volume-permissions', [deploy('web', {}, { volumes: [{ name: 'v', secret: { secretName: 's', defaultMode: 0o400, items: [{ key: 'k', path: 'k', mode: 0o440 }] } }, { name: 'w', secret: { secretName: 't' } }] })])).toEqual([]);
  });
});

describe('rbac-secret-access-for-everyone', () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'read' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] }] };
  const binding = (subjects: any[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'read' }, subjects });
  test('non-compliant: bound to system:authenticated and all ServiceAccounts of a namespace', () => {
    expect(only('rbac-secret-access-for-everyone', [role, binding([{ kind: 'Group', name: 'system:authenticated' }, { kind: 'Group', name: 'system:serviceaccounts:apps' }])])).toEqual([{
      ruleId: 'rbac-secret-access-for-everyone',
      severity: CheckSeverity.ERROR,
      resource: 'ClusterRoleBinding b',
      message: 'binds ClusterRole read, which reads Secrets, to system:authenticated, system:serviceaccounts:apps: everyone in the group reads them. Bind it to the ServiceAccounts that need it',
    }]);
  });
  test('compliant: bound to one ServiceAccount; a role without Secrets bound to everyone', () => {
    const view = { ...role, metadata: { name: 'view' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] };
    const b2 = { ...binding([{ kind: 'Group', name: 'system:authenticated' }]), roleRef: { kind: 'ClusterRole', name: 'view' } };
    expect(only('rbac-secret-access-for-everyone', [role, view, binding([{ kind: 'ServiceAccount', name: 'app', namespace: 'apps' }]), b2])).toEqual([]);
  });
});

describe('service-account-token-secret', () => {
  test('non-compliant: a long-lived token Secret (warning)', () => {
    const s = secret('tok', 'apps', { type: 'kubernetes.io/service-account-token', metadata: { name: 'tok', namespace: 'apps', annotations: { 'kubernetes.io/service-account.name': 'ci' } } });
    expect(only('service-account-token-secret', [s])).toEqual([expect.objectContaining({
      severity: CheckSeverity.WARNING,
      resource: 'Secret apps/tok',
      message: 'requests a long-lived token for ServiceAccount ci that never expires. Use projected tokens or the TokenRequest API',
    })]);
  });
  test('compliant: other Secret types', () => {
    expect(only('service-account-token-secret', [secret('a', 'apps', { type: 'Opaque' }), secret('b')])).toEqual([]);
  });
});

const template = (resources: any) => ({ Resources: resources });
const policy = (statement: any) => ({ Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [statement] } } });
const role = (statement: any) => ({ Type: 'AWS::IAM::Role', Properties: { RoleName: 'r', AssumeRolePolicyDocument: { Statement: [statement] } } });

describe('iam-kms-decrypt-wildcard', () => {
  test('non-compliant: kms:Decrypt on "*" (error); with kms:ViaService (warning)', () => {
    const f = only('iam-kms-decrypt-wildcard', [], {
      s: template({
        A: policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }),
        B: policy({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } }),
      }),
    });
    expect(f.map((x) => [x.severity, x.resource])).toEqual([[CheckSeverity.ERROR, 's/A'], [CheckSeverity.WARNING, 's/B']]);
    expect(f[0].message).toBe('PolicyDocument.Statement[0] allows kms:Decrypt on Resource "*": every key whose policy trusts IAM. Scope it to the keys\' ARNs');
  });
  test('compliant: a key ARN', () => {
    expect(only('iam-kms-decrypt-wildcard', [], { s: template({ A: policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:1:key/abc' }) }) })).toEqual([]);
  });
});

describe('iam-trust-any-principal', () => {
  test('non-compliant: Principal "*" and AWS "*" without condition', () => {
    const f = only('iam-trust-any-principal', [], { s: template({ R: role({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' } }) }) });
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.ERROR, resource: 's/R' })]);
    expect(f[0].message).toMatch(/^trust Statement\[0\] admits Principal "\*" without a condition/);
    expect(only('iam-trust-any-principal', [], { s: template({ R: role({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*' }) }) })).toHaveLength(1);
  });
  test('compliant: a named principal; "*" with a condition', () => {
    expect(only('iam-trust-any-principal', [], {
      s: template({
        R: role({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'pods.eks.amazonaws.com' } }),
        Q: role({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }),
      }),
    })).toEqual([]);
  });
});

describe('pod-identity-trust-actions', () => {
  test('non-compliant: pods.eks.amazonaws.com without sts:TagSession', () => {
    expect(only('pod-identity-trust-actions', [], { s: template({ R: role({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'pods.eks.amazonaws.com' } }) }) })).toEqual([expect.objectContaining({
      severity: CheckSeverity.ERROR,
      resource: 's/R',
      message: 'trust Statement[0] admits pods.eks.amazonaws.com without sts:TagSession: EKS Pod Identity cannot assume the role. Allow sts:AssumeRole and sts:TagSession',
    })]);
  });
  test('compliant: both actions', () => {
    expect(only('pod-identity-trust-actions', [], { s: template({ R: role({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'pods.eks.amazonaws.com' } }) }) })).toEqual([]);
  });
});

describe('suppression by annotation', () => {
  const annotated = (ann: any) => ({ ...secret('s', 'apps', { stringData: { a: 'b' } }), metadata: { name: 's', namespace: 'apps', annotations: ann } });
  test('GIVEN suppress.cdk8s-secrets.io/<rule> with a reason THEN the finding is suppressed with that reason', () => {
    const f = SecretsChecks.check([annotated({ 'suppress.cdk8s-secrets.io/plaintext-secret-data': 'a test fixture' })]).filter((x) => x.ruleId === 'plaintext-secret-data');
    expect(f[0].suppressedBecause).toBe('a test fixture');
    expect(SecretsChecks.errorsOf(f)).toEqual([]);
  });
  test('GIVEN the annotation without a reason THEN nothing is suppressed and the message says why', () => {
    const f = SecretsChecks.check([annotated({ 'suppress.cdk8s-secrets.io/plaintext-secret-data': ' ' })]).filter((x) => x.ruleId === 'plaintext-secret-data');
    expect(f[0].suppressedBecause).toBeUndefined();
    expect(f[0].message).toMatch(/\(annotation suppress\.cdk8s-secrets\.io\/plaintext-secret-data has no reason: not applied\)$/);
  });
  test('the prefix is public', () => {
    expect(SecretsChecks.SUPPRESS_ANNOTATION_PREFIX).toBe('suppress.cdk8s-secrets.io/');
  });
});
