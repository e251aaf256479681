import { Chart, Cron, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { artifact, parseHcl, validateTree } from './util';
import {
  VaultAgentInjection,
  VaultAgentLogLevel,
  VaultAgentMode,
  VaultCapability,
  VaultConfiguration,
  VaultInstall,
  VaultKvVersion,
  VaultPolicy,
  VaultSecretPath,
} from '../../src';
import { expectValid } from '../harness';

function setup(options: { automount?: boolean; serviceAccount?: boolean } = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'prod', { namespace: 'production' });
  const config = new VaultConfiguration(chart, 'Vault');
  const kv = config.addKvMount('Secret', { path: 'secret' });
  const auth = config.addKubernetesAuth('K8s');
  const deployment = new kplus.Deployment(chart, 'App', {
    metadata: { name: 'app' },
    serviceAccount: options.serviceAccount === false ? undefined : new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'app' } }),
    automountServiceAccountToken: options.automount ?? true,
    containers: [{ name: 'app', image: 'myapp:1.0.0', portNumber: 8080 }],
  });
  return { app, chart, config, kv, auth, deployment };
}

const SEED_001_TEMPLATE = [
  '{{- with secret "secret/data/production/database" -}}',
  'postgresql://{{ .Data.data.username }}:{{ .Data.data.password }}@postgres:5432/mydb',
  '{{- end }}',
].join('\n');

function deploymentOf(chart: Chart): any {
  return Testing.synth(chart).find((o: any) => o.kind === 'Deployment');
}

describe('VaultAgentInjection', () => {
  test('seed 001: annotations on the pod template, never on the Deployment\'s own metadata', () => {
    // GIVEN
    const { chart, kv, auth, deployment } = setup();
    auth.addRole('Role', { roleName: 'app' });
    // WHEN
    VaultAgentInjection.addTo(deployment, {
      role: 'app',
      secrets: [{ name: 'database.txt', secret: VaultSecretPath.kv(kv, 'production/database'), template: SEED_001_TEMPLATE }],
    });
    // THEN
    const d = deploymentOf(chart);
    expect(d.metadata.annotations).toBeUndefined();
    expect(d.spec.template.metadata.annotations).toEqual({
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': 'app',
      'vault.hashicorp.com/auth-path': 'auth/kubernetes',
      'vault.hashicorp.com/agent-inject-secret-database.txt': 'secret/data/production/database',
      'vault.hashicorp.com/agent-inject-template-database.txt': SEED_001_TEMPLATE,
    });
    expectValid(chart);
  });

  test('GIVEN a pod whose namespace nothing sets THEN synth fails instead of assuming "default"', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'nons');
    const config = new VaultConfiguration(chart, 'Vault');
    const kv = config.addKvMount('Secret', { path: 'secret' });
    config.addKubernetesAuth('K8s').addRole('Role', { roleName: 'app' });
    const deployment = new kplus.Deployment(chart, 'App', {
      metadata: { name: 'app' },
      serviceAccount: new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'app' } }),
      automountServiceAccountToken: true,
      containers: [{ name: 'app', image: 'myapp:1.0.0', portNumber: 8080 }],
    });
    VaultAgentInjection.addTo(deployment, { role: 'app', secrets: [{ name: 'db', secret: VaultSecretPath.kv(kv, 'db') }] });
    expect(() => app.synth()).toThrow(/pod\.metadata\.namespace: is required because the chart has no namespace; the pod's namespace decides the Vault role binding/);
  });

  test('seed 001: the role binds the pod\'s ServiceAccount and the policy reads the secret', async () => {
    const { chart, kv, auth, deployment } = setup();
    auth.addRole('Role', { roleName: 'app', ttl: Duration.hours(1) });
    VaultAgentInjection.addTo(deployment, {
      role: 'app',
      secrets: [{ name: 'database.txt', secret: VaultSecretPath.kv(kv, 'production/database'), template: SEED_001_TEMPLATE }],
    });
    expect(JSON.parse(artifact(chart, 'vault/roles/kubernetes/app.json'))).toEqual({
      bound_service_account_names: ['app'],
      bound_service_account_namespaces: ['production'],
      token_policies: ['app'],
      token_ttl: '1h',
    });
    expect(await parseHcl(artifact(chart, 'vault/policies/app.hcl'))).toEqual({
      path: { 'secret/data/production/database': [{ capabilities: ['read'] }] },
    });
  });

  test('seeds 003/004: update mode and dynamic database credentials', async () => {
    // GIVEN
    const { chart, kv, auth, deployment } = setup();
    auth.addRole('Role', { roleName: 'my-app-role' });
    const jdbc = '{{- with secret "database/creds/my-role" -}}\njdbc:postgresql://db/app?user={{ .Data.username }}&password={{ .Data.password }}\n{{- end }}';
    // WHEN
    VaultAgentInjection.addTo(deployment, {
      role: 'my-app-role',
      reinjectOnUpdate: true,
      secrets: [
        { name: 'config', secret: VaultSecretPath.kv(kv, 'my-app/config') },
        { name: 'db-creds', secret: VaultSecretPath.fromApiPath('database/creds/my-role'), template: jdbc },
      ],
    });
    // THEN
    const ann = deploymentOf(chart).spec.template.metadata.annotations;
    expect(ann['vault.hashicorp.com/agent-inject-status']).toBe('update');
    expect(ann['vault.hashicorp.com/agent-inject-secret-config']).toBe('secret/data/my-app/config');
    expect(ann['vault.hashicorp.com/agent-inject-secret-db-creds']).toBe('database/creds/my-role');
    expect(ann['vault.hashicorp.com/agent-inject-template-db-creds']).toBe(jdbc);
    expect(await parseHcl(artifact(chart, 'vault/policies/my-app-role.hcl'))).toEqual({
      path: {
        'database/creds/my-role': [{ capabilities: ['read'] }],
        'secret/data/my-app/config': [{ capabilities: ['read'] }],
      },
    });
    expectValid(chart);
  });

  test('GIVEN a template WHEN derived THEN only its paths are granted (the agent renders only the template); a pkiCert or a secret with parameters writes', async () => {
    const { chart, kv, auth, deployment } = setup();
    auth.addRole('Role', { roleName: 'app' });
    VaultAgentInjection.addTo(deployment, {
      role: 'app',
      secrets: [{
        name: 'bundle',
        secret: VaultSecretPath.kv(kv, 'app/a'),
        template: '{{ with secret "secret/data/app/b" }}{{ .Data.data.x }}{{ end }}{{ with pkiCert "pki/issue/web" "common_name=web.example.com" }}{{ .Cert }}{{ end }}{{ with secret "aws/sts/deploy" "ttl=15m" }}{{ .Data.access_key }}{{ end }}',
      }],
    });
    expect(await parseHcl(artifact(chart, 'vault/policies/app.hcl'))).toEqual({
      path: {
        'aws/sts/deploy': [{ capabilities: ['create', 'update'] }],
        'pki/issue/web': [{ capabilities: ['create', 'update'] }],
        'secret/data/app/b': [{ capabilities: ['read'] }],
      },
    });
  });

  test('GIVEN a template that names no literal path WHEN derived THEN the annotation\'s path is granted', async () => {
    // GIVEN
    const { chart, kv, auth, deployment } = setup();
    auth.addRole('Role', { roleName: 'app' });
    // WHEN
    VaultAgentInjection.addTo(deployment, {
      role: 'app',
      secrets: [{ name: 'env', secret: VaultSecretPath.kv(kv, 'app/env'), template: '{{ with secret (printf "secret/data/app/%s" "env") }}{{ .Data.data.x }}{{ end }}' }],
    });
    // THEN
    expect(await parseHcl(artifact(chart, 'vault/policies/app.hcl'))).toEqual({
      path: { 'secret/data/app/env': [{ capabilities: ['read'] }] },
    });
  });

  test('modes, TLS, resources and the other common annotations are typed', () => {
    const { chart, auth, deployment } = setup();
    auth.addRole('Role', { roleName: 'app' });
    VaultAgentInjection.addTo(deployment, {
      role: 'app',
      authPath: 'kubernetes',
      mode: VaultAgentMode.INIT_ONLY,
      initFirst: true,
      secretVolumePath: '/etc/secrets',
      vaultAddress: 'https://vault.example.com:8200',
      vaultNamespace: 'team-a',
      caCert: '/vault/tls/ca.crt',
      tlsSecret: 'vault-ca',
      tlsSkipVerify: false,
      cpuLimit: '250m',
      memoryLimit: '64Mi',
      cpuRequest: '50m',
      memoryRequest: '32Mi',
      runAsSameUser: true,
      revokeOnShutdown: true,
      cache: true,
      logLevel: VaultAgentLogLevel.WARN,
      agentImage: 'registry.example.com/hashicorp/vault:1.21.1',
      containers: ['app'],
      secrets: [{ name: 'app.env', secret: VaultSecretPath.fromApiPath('secret/data/app'), fileName: 'conf/app.env', filePermissions: '0440', command: 'kill -HUP 1' }],
    });
    const ann = deploymentOf(chart).spec.template.metadata.annotations;
    expect(ann).toEqual({
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': 'app',
      'vault.hashicorp.com/auth-path': 'auth/kubernetes',
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
      'vault.hashicorp.com/agent-init-first': 'true',
      'vault.hashicorp.com/secret-volume-path': '/etc/secrets',
      'vault.hashicorp.com/service': 'https://vault.example.com:8200',
      'vault.hashicorp.com/namespace': 'team-a',
      'vault.hashicorp.com/ca-cert': '/vault/tls/ca.crt',
      'vault.hashicorp.com/tls-secret': 'vault-ca',
      'vault.hashicorp.com/tls-skip-verify': 'false',
      'vault.hashicorp.com/agent-limits-cpu': '250m',
      'vault.hashicorp.com/agent-limits-mem': '64Mi',
      'vault.hashicorp.com/agent-requests-cpu': '50m',
      'vault.hashicorp.com/agent-requests-mem': '32Mi',
      'vault.hashicorp.com/agent-run-as-same-user': 'true',
      'vault.hashicorp.com/agent-revoke-on-shutdown': 'true',
      'vault.hashicorp.com/agent-cache-enable': 'true',
      'vault.hashicorp.com/log-level': 'warn',
      'vault.hashicorp.com/agent-image': 'registry.example.com/hashicorp/vault:1.21.1',
      'vault.hashicorp.com/agent-inject-containers': 'app',
      'vault.hashicorp.com/agent-inject-secret-app.env': 'secret/data/app',
      'vault.hashicorp.com/agent-inject-file-app.env': 'conf/app.env',
      'vault.hashicorp.com/agent-inject-perms-app.env': '0440',
      'vault.hashicorp.com/agent-inject-command-app.env': 'kill -HUP 1',
    });
    expectValid(chart);
  });

  test('GIVEN a Job or a CronJob WHEN no mode is set THEN the agent only pre-populates (a sidecar would keep the pods from completing)', () => {
    // GIVEN
    const { chart, auth } = setup();
    auth.addRole('Role', { roleName: 'app' });
    const sa = new kplus.ServiceAccount(chart, 'JobSa', { metadata: { name: 'migrate' } });
    const job = new kplus.Job(chart, 'Migrate', { metadata: { name: 'migrate' }, serviceAccount: sa, automountServiceAccountToken: true, containers: [{ image: 'migrate:1' }] });
    const cron = new kplus.CronJob(chart, 'Nightly', { metadata: { name: 'nightly' }, schedule: Cron.daily(), serviceAccount: sa, automountServiceAccountToken: true, containers: [{ image: 'report:1' }] });
    // WHEN
    VaultAgentInjection.addTo(job, { role: 'app' });
    VaultAgentInjection.addTo(cron, { role: 'app' });
    // THEN
    const objects = Testing.synth(chart);
    const jobAnn = objects.find((o: any) => o.kind === 'Job').spec.template.metadata.annotations;
    expect(jobAnn['vault.hashicorp.com/agent-pre-populate-only']).toBe('true');
    const cronAnn = objects.find((o: any) => o.kind === 'CronJob').spec.jobTemplate.spec.template.metadata.annotations;
    expect(cronAnn['vault.hashicorp.com/agent-pre-populate-only']).toBe('true');
    expect(objects.find((o: any) => o.kind === 'CronJob').metadata.annotations ?? {}).toEqual({});
    expectValid(chart);
  });

  test('sidecar-only mode turns pre-population off', () => {
    const { chart, auth, deployment } = setup();
    auth.addRole('Role', { roleName: 'app' });
    VaultAgentInjection.addTo(deployment, { role: 'app', mode: VaultAgentMode.SIDECAR_ONLY });
    const ann = deploymentOf(chart).spec.template.metadata.annotations;
    expect(ann['vault.hashicorp.com/agent-pre-populate']).toBe('false');
    expect(ann['vault.hashicorp.com/agent-pre-populate-only']).toBeUndefined();
  });

  test('the auth path is derived from the program\'s role', () => {
    const { chart, config, deployment } = setup();
    config.addKubernetesAuth('Other', { path: 'kubernetes-auth' }).addRole('Role', { roleName: 'app' });
    VaultAgentInjection.addTo(deployment, { role: 'app' });
    expect(deploymentOf(chart).spec.template.metadata.annotations['vault.hashicorp.com/auth-path']).toBe('auth/kubernetes-auth');
  });

  test('GIVEN one role used by pods in two namespaces WHEN the pairs cross THEN synth fails naming the ServiceAccounts the binding would also admit', () => {
    // GIVEN
    const world = (allow: boolean) => {
      const { app, chart, auth, deployment } = setup();
      auth.addRole('Role', { roleName: 'app', allowUnusedBindingPairs: allow || undefined });
      VaultAgentInjection.addTo(deployment, { role: 'app' });
      const staging = new Chart(app, 'staging', { namespace: 'staging' });
      const other = new kplus.Deployment(staging, 'Worker', {
        serviceAccount: new kplus.ServiceAccount(staging, 'Sa', { metadata: { name: 'worker' } }),
        automountServiceAccountToken: true,
        containers: [{ image: 'worker:1' }],
      });
      VaultAgentInjection.addTo(other, { role: 'app' });
      return chart;
    };
    // WHEN / THEN: production/app and staging/worker log in; Vault would also admit production/worker and staging/app
    const strict = world(false);
    const message = /\[prod\/Vault\/K8s\/Role\] serviceAccounts: role "app" binds the names \[app, worker\] in the namespaces \[production, staging\]; Vault accepts every name in every namespace.* \(got \["production\/worker","staging\/app"\]\)\. Fix: give each namespace \(or team\) its own role, or set allowUnusedBindingPairs: true/;
    expect(() => artifact(strict, 'vault/roles/kubernetes/app.json')).toThrow(message);
    expect(() => validateTree(strict)).toThrow(message);
    // WHEN the wider binding is accepted THEN the pod's ServiceAccount and every pod namespace are bound
    const role = JSON.parse(artifact(world(true), 'vault/roles/kubernetes/app.json'));
    expect(role.bound_service_account_names).toEqual(['app', 'worker']);
    expect(role.bound_service_account_namespaces).toEqual(['production', 'staging']);
  });

  describe('errors', () => {
    test('a role the program does not define', () => {
      const { chart, deployment } = setup();
      VaultAgentInjection.addTo(deployment, { role: 'missing' });
      expect(() => Testing.synth(chart)).toThrow(/role: names a Vault role the program does not define.*\(got "missing"\).*set `externalRole` to true/);
      expect(() => validateTree(chart)).toThrow(/names a Vault role the program does not define/);
    });

    test('an external role is the escape hatch: annotated, not derived', () => {
      const { chart, deployment } = setup();
      VaultAgentInjection.addTo(deployment, { role: 'managed-elsewhere', externalRole: true });
      const ann = deploymentOf(chart).spec.template.metadata.annotations;
      expect(ann).toEqual({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'managed-elsewhere' });
      expect(() => validateTree(chart)).not.toThrow();
    });

    test('a role name defined on two auth paths needs authPath', () => {
      const { chart, config, auth, deployment } = setup();
      auth.addRole('Role', { roleName: 'app' });
      const otherPolicy = config.addPolicy('OtherPolicy', { policyName: 'other-app' }); // the derived "app" policy is taken
      config.addKubernetesAuth('Other', { path: 'other' }).addRole('Role', { roleName: 'app', policies: [otherPolicy] });
      VaultAgentInjection.addTo(deployment, { role: 'app' });
      expect(() => Testing.synth(chart)).toThrow(/matches roles on several auth paths \(kubernetes, other\).*Fix: set authPath/);
    });

    test('a raw path into a kv-v2 mount without data/ does not match the mount\'s version', () => {
      const { deployment, auth, chart } = setup();
      auth.addRole('Role', { roleName: 'app' });
      VaultAgentInjection.addTo(deployment, { role: 'app', secrets: [{ name: 'db', secret: VaultSecretPath.fromApiPath('secret/production/database') }] });
      expect(() => artifact(chart, 'vault/policies/app.hcl')).toThrow(/reads kv-v2 mount "secret" without "data\/".*Fix: write "secret\/data\/production\/database"/);
    });

    test('a fixed policy that does not cover the template\'s path', () => {
      const { chart, config, kv, auth, deployment } = setup();
      const fixed = config.addPolicy('Fixed', { policyName: 'fixed', derive: false, statements: [{ path: 'secret/data/app/*', capabilities: [VaultCapability.READ] }] });
      auth.addRole('Role', { roleName: 'app', policies: [fixed] });
      VaultAgentInjection.addTo(deployment, {
        role: 'app',
        secrets: [{ name: 'a', secret: VaultSecretPath.kv(kv, 'app/a'), template: '{{ with secret "secret/data/other" }}{{ end }}' }],
      });
      expect(() => validateTree(chart)).toThrow(/\[prod\/App\/VaultAgentInjection\] path: is read with capabilities \[read\] that the policies of role "app" \("fixed", fixed with derive: false\) do not grant \(got "secret\/data\/other"\)/);
      expect(() => artifact(chart, 'vault/vault-config.sh')).toThrow(/secret\/data\/other/);
    });

    test('a role that requires a token audience the pod\'s token does not carry', () => {
      const { chart, auth, deployment } = setup();
      auth.addRole('Role', { roleName: 'app', audience: 'vault' });
      VaultAgentInjection.addTo(deployment, { role: 'app' });
      expect(() => validateTree(chart)).toThrow(/role: requires the token audience "vault", but the Vault Agent logs in with the pod's default ServiceAccount token/);
    });

    test('the program installs Vault without the injector', () => {
      const { chart, auth, deployment } = setup();
      auth.addRole('Role', { roleName: 'app' });
      VaultAgentInjection.addTo(deployment, { role: 'app' });
      new VaultInstall(chart, 'VaultServer', { injector: false });
      expect(() => validateTree(chart)).toThrow(/annotates the pod for the Agent Injector, but the program installs Vault with injector: false \(prod\/VaultServer\).*Fix: set injector: true/);
      new VaultInstall(chart, 'Injector', { server: false, externalVaultAddress: 'https://vault.example.com', namespace: 'vault-injector' });
      expect(() => validateTree(chart)).not.toThrow();
    });

    test('a pod without its ServiceAccount token', () => {
      const { deployment } = setup({ automount: false });
      expect(() => VaultAgentInjection.addTo(deployment, { role: 'app' })).toThrow(/automountServiceAccountToken: is false on .*the Vault Agent logs in with the pod's ServiceAccount token/);
    });

    test('a pod running as the default ServiceAccount', () => {
      const { deployment } = setup({ serviceAccount: false });
      expect(() => VaultAgentInjection.addTo(deployment, { role: 'app' })).toThrow(/runs as its namespace's default ServiceAccount.*Fix: give the workload its own ServiceAccount/);
    });

    test('bad file names, duplicates, permissions, quantities and paths', () => {
      const { deployment, kv } = setup();
      const inj = VaultAgentInjection.addTo(deployment, { role: 'app', externalRole: true });
      expect(() => inj.addSecret({ name: 'Database.txt', secret: VaultSecretPath.kv(kv, 'a') })).toThrow(/secrets.name: must be lower-case letters/);
      expect(() => inj.addSecret({ name: 'a'.repeat(42), secret: VaultSecretPath.kv(kv, 'a') })).toThrow(/at most 41 characters/);
      inj.addSecret({ name: 'one', secret: VaultSecretPath.kv(kv, 'a') });
      expect(() => inj.addSecret({ name: 'one', secret: VaultSecretPath.kv(kv, 'b') })).toThrow(/is used twice/);
      expect(() => inj.addSecret({ name: 'two', secret: VaultSecretPath.kv(kv, 'a'), filePermissions: '777x' })).toThrow(/must be octal permissions/);
      expect(() => inj.addSecret({ name: 'three', secret: VaultSecretPath.kv(kv, 'a'), fileName: '../etc/passwd' })).toThrow(/relative file path inside the secrets volume/);
      expect(() => inj.addSecret({ name: 'four', secret: VaultSecretPath.kv(kv, 'data/a') })).toThrow(/starts with "data\/", the kv-v2 API prefix/);
      expect(() => inj.addSecret({ name: 'five', secret: VaultSecretPath.fromApiPath('/secret/data/a') })).toThrow(/must be a literal Vault path/);
    });

    test('bad props', () => {
      const mk = (props: any) => () => VaultAgentInjection.addTo(setup().deployment, { role: 'app', externalRole: true, ...props });
      expect(mk({ cpuLimit: 'lots' })).toThrow(/cpuLimit: must be a Kubernetes quantity/);
      expect(mk({ secretVolumePath: 'relative' })).toThrow(/secretVolumePath: must be an absolute path/);
      expect(mk({ vaultAddress: 'vault:8200' })).toThrow(/vaultAddress: must be an http or https URL/);
      expect(mk({ role: 'bad role' })).toThrow(/role: must be a Vault name/);
      expect(mk({ agentImage: 'Vault Image' })).toThrow(/agentImage: must be a container image reference \(got "Vault Image"\)/);
      expect(mk({ containers: [] })).toThrow(/containers: is empty: no container would see the secrets/);
      expect(mk({ containers: ['Bad_Name'] })).toThrow(/containers\[0\]: must be a DNS-1123 label/);
    });

    test('GIVEN containers naming one the pod does not have WHEN synthesized THEN it fails listing the pod\'s containers', () => {
      // GIVEN
      const { chart, deployment } = setup();
      // WHEN
      VaultAgentInjection.addTo(deployment, { role: 'app', externalRole: true, containers: ['app', 'sidecar'] });
      // THEN
      expect(() => validateTree(chart)).toThrow(/\[prod\/App\/VaultAgentInjection\] containers: names containers that prod\/App does not have \(it has "app"\) \(got \["sidecar"\]\)/);
      deployment.addContainer({ name: 'sidecar', image: 'envoy:1.30' });
      expect(() => validateTree(chart)).not.toThrow();
    });
  });
});

describe('VaultSecretPath and kv versions', () => {
  test('kv-v1 paths are read as they are', async () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'ns' });
    const config = new VaultConfiguration(chart, 'Vault');
    const kv1 = config.addKvMount('Kv1', { path: 'legacy', version: VaultKvVersion.V1 });
    config.addKubernetesAuth('K8s').addRole('Role', { roleName: 'app' });
    const d = new kplus.Deployment(chart, 'D', {
      serviceAccount: new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'app' } }),
      automountServiceAccountToken: true,
      containers: [{ image: 'x:1' }],
    });
    VaultAgentInjection.addTo(d, { role: 'app', secrets: [{ name: 'cfg', secret: VaultSecretPath.kv(kv1, 'app/config') }] });
    expect(await parseHcl(artifact(chart, 'vault/policies/app.hcl'))).toEqual({ path: { 'legacy/app/config': [{ capabilities: ['read'] }] } });
    expect(VaultPolicy.isVaultPolicy(config.policies[0])).toBe(true);
  });
});

describe('VaultAgentInjection accessors', () => {
  test('isVaultAgentInjection and readPaths', () => {
    const { kv, deployment } = setup();
    const inj = VaultAgentInjection.addTo(deployment, {
      role: 'x',
      externalRole: true,
      secrets: [{ name: 'a', secret: VaultSecretPath.kv(kv, 'a'), template: '{{ with secret "database/creds/r" }}{{ end }}' }],
    });
    expect(VaultAgentInjection.isVaultAgentInjection(inj)).toBe(true);
    expect(VaultAgentInjection.isVaultAgentInjection(deployment)).toBe(false);
    // the template is what the agent renders: the annotation's own path is not read
    expect(inj.readPaths).toEqual(['database/creds/r']);
  });
});
