import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import YAML from 'yaml';
import { run } from '../../src/cli/cli';
import { compareWithInput, importManifests } from '../../src/cli/import';
import { load } from '../../src/cli/load';
import { validateObjects, withDefaults } from '../harness';
import { OTHER_CERT_PEM } from '../sealed/fixtures';

const CORPUS = path.join(__dirname, 'corpus');
const NODE_MODULES = path.join(__dirname, '..', '..', 'node_modules');
const SRC = path.join(__dirname, '..', '..', 'src');
// The operator objects of the corpus (not the CloudFormation, RBAC or GitOps files, which import keeps as they are too).
const INPUT = ['eso', 'sealed-secrets', 'vso', 'csi', 'reloader', 'vault-injector', 'plain/28-secret-committed.yaml', 'kustomize-output'].map((p) => path.join(CORPUS, p));

/** A scratch folder outside the repo whose node_modules is the repo's (cdk8s, cdk8s-plus, constructs). */
function scratch(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.symlinkSync(NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function write(dir: string, file: string, text: string): string {
  fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** Runs a generated program (transpiled) in a folder, as `ts-node main.ts` would. */
function runProgram(dir: string, program: string): void {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true };
  fs.writeFileSync(path.join(dir, 'main.js'), ts.transpileModule(program, { compilerOptions }).outputText);
  const cwd = process.cwd();
  const stderr = process.stderr.write;
  process.chdir(dir);
  process.stderr.write = (() => true) as any;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => { require(path.join(dir, 'main.js')); });
  } finally {
    process.stderr.write = stderr;
    process.chdir(cwd);
  }
}

// ---------------------------------------------------------------- the documented upgrades, written out independently

const UPGRADED: { [apiVersion: string]: string } = {
  'external-secrets.io/v1beta1': 'external-secrets.io/v1',
  'secrets-store.csi.x-k8s.io/v1alpha1': 'secrets-store.csi.x-k8s.io/v1',
};
const WORKLOADS = ['Deployment', 'DaemonSet', 'StatefulSet', 'Job'];
const RELOADER_KEYS = ['reloader.stakater.com/auto', 'secret.reloader.stakater.com/reload', 'secretproviderclass.reloader.stakater.com/reload',
  'secretproviderclass.reloader.stakater.com/auto', 'secrets.exclude.reloader.stakater.com/reload'];

/**
 * The values the operators assume for fields an input omits (the ESO CRD descriptions: "Defaults to Default when
 * omitted", "Defaults to None"; VSO's booleans: Go's zero value), where the CRDs carry no schema default.
 */
function operatorDefaults(o: any): void {
  const refs = (spec: any) => [...(spec?.data ?? []).map((d: any) => d.remoteRef), ...(spec?.dataFrom ?? []).map((d: any) => d.extract)]
    .filter((r) => r);
  const esSpec = o.kind === 'ExternalSecret' ? o.spec : o.kind === 'ClusterExternalSecret' ? o.spec?.externalSecretSpec : undefined;
  // A template without a type makes a Secret without one, which the API server stores as Opaque.
  if (esSpec?.target?.template) esSpec.target.template.type ??= 'Opaque';
  for (const r of refs(esSpec)) {
    r.conversionStrategy ??= 'Default';
    r.decodingStrategy ??= 'None';
    r.metadataPolicy ??= 'None';
  }
  if (o.kind === 'VaultDynamicSecret' || o.kind === 'VaultPKISecret') o.spec.revoke ??= false;
  if (o.kind === 'VaultPKISecret') o.spec.clear ??= false;
}

/** What the API server stores for a core workload the input leaves at its defaults (the fields the library writes). */
function workloadDefaults(o: any): void {
  if (!WORKLOADS.includes(o.kind)) return;
  const spec = o.spec;
  if (o.kind === 'Deployment') {
    spec.replicas ??= 1;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  }
  const pod = spec.template.spec;
  pod.dnsPolicy ??= 'ClusterFirst';
  if (o.kind !== 'Job') pod.restartPolicy ??= 'Always';
  pod.terminationGracePeriodSeconds ??= 30;
  if (pod.setHostnameAsFQDN === false) delete pod.setHostnameAsFQDN;
  for (const v of pod.volumes ?? []) if (v.secret) v.secret.defaultMode ??= 420;
  for (const c of pod.containers ?? []) c.imagePullPolicy ??= /:[^/:]+$/.test(c.image) && !c.image.endsWith(':latest') ? 'IfNotPresent' : 'Always';
}

/**
 * An object in a form where the documented upgrades make no difference: served apiVersion, the schema's defaults,
 * the workload defaults, volumes named by their source, volumes, mounts and variables in name order, and the parsed
 * objects of a SecretProviderClass.
 */
function normal(o: any): any {
  const c = withDefaults({ ...JSON.parse(JSON.stringify(o)), apiVersion: UPGRADED[o.apiVersion] ?? o.apiVersion });
  workloadDefaults(c);
  operatorDefaults(c);
  const pod = WORKLOADS.includes(c.kind) ? c.spec.template.spec : undefined;
  if (pod) {
    const names = new Map<string, string>();
    for (const v of pod.volumes ?? []) {
      const source = v.secret ? `secret:${v.secret.secretName}` : v.csi ? `csi:${v.csi.volumeAttributes?.secretProviderClass}` : v.name;
      names.set(v.name, source);
      v.name = source;
    }
    const byName = (a: any, b: any) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    pod.volumes?.sort(byName);
    for (const ct of pod.containers ?? []) {
      for (const m of ct.volumeMounts ?? []) m.name = names.get(m.name) ?? m.name;
      ct.volumeMounts?.sort(byName);
      ct.env?.sort(byName);
    }
  }
  if (c.kind === 'SecretProviderClass' && typeof c.spec?.parameters?.objects === 'string') c.spec.parameters.objects = YAML.parse(c.spec.parameters.objects);
  return sorted(c);
}

/** Object keys in order, so that equal objects print equal. */
function sorted(v: any): any {
  if (Array.isArray(v)) return v.map(sorted);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
}

/** The output object without what the program adds on purpose: carried-over suppressions, derived Reloader wiring. */
function withoutAdditions(out: any, input: any): any {
  const c = JSON.parse(JSON.stringify(out));
  const a = c.metadata.annotations ?? {};
  for (const k of Object.keys(a)) {
    if (k.startsWith('suppress.cdk8s-secrets.io/')) {
      expect(a[k]).toMatch(/^carried over by cdk8s-secrets import: /);
      delete a[k];
    }
    if (WORKLOADS.includes(c.kind) && RELOADER_KEYS.includes(k) && input.metadata.annotations?.[k] === undefined) delete a[k];
  }
  if (Object.keys(a).length === 0) delete c.metadata.annotations;
  return c;
}

describe('import', () => {
  const result = importManifests(INPUT, { libraryModule: SRC });
  const by = (mode: string) => result.entries.filter((e) => e.mode === mode).map((e) => `${e.construct} ${e.resource}`).sort();

  test('every object is imported; the library\'s constructs where they can express it, with the reason where not', () => {
    expect(result.errors).toEqual([]);
    expect(result.entries).toHaveLength(load(INPUT).objects.length);
    expect(by('construct')).toEqual([
      'AwsSecretProviderClass SecretProviderClass web/nginx-aws-secrets',
      'ClusterExternalSecret ClusterExternalSecret registry-credentials',
      'ClusterSecretStore ClusterSecretStore vault-backend',
      'ExternalSecret ExternalSecret legacy/legacy-config',
      'ExternalSecret ExternalSecret orders/orders-dsn',
      'ExternalSecret ExternalSecret payments/payments-api',
      'ExternalSecret ExternalSecret payments/payments-db',
      'ExternalSecret ExternalSecret prod/api-env',
      'PushSecret PushSecret payments/push-signing-key',
      'SecretStore SecretStore legacy/aws-static',
      'VaultAuth VaultAuth app/static-auth',
      'VaultConnection VaultConnection app/vault-connection',
      'VaultDynamicSecret VaultDynamicSecret app/db-creds',
      'VaultPKISecret VaultPKISecret app/webapp-tls',
      'VaultStaticSecret VaultStaticSecret app/vault-kv-app',
    ]);
    expect(by('escape-hatch')).toEqual([
      'ExternalSecret ExternalSecret observability/shipper-creds',
      'SecretStore SecretStore payments/aws-secretsmanager',
      'kplus.DaemonSet + SecretConsumer DaemonSet observability/log-shipper',
      'kplus.Deployment + SecretConsumer Deployment app/webapp',
      'kplus.Deployment + SecretConsumer Deployment hr/orgchart',
      'kplus.Deployment + SecretConsumer Deployment payments/checkout',
      'kplus.Deployment + SecretConsumer Deployment prod/api',
      'kplus.Deployment + SecretConsumer Deployment web/nginx-csi',
      'kplus.Job + SecretConsumer Job hr/payroll-export',
    ]);
    expect(by('sealed')).toEqual(['SealedSecret Secret default/mysecret']);
    const reasons = Object.fromEntries(result.entries.filter((e) => e.mode === 'api-object').map((e) => [e.resource, e.notes.find((n) => n.startsWith('kept as an ApiObject')) ?? '']));
    expect(reasons).toEqual({
      'ExternalSecret payments/signing-key': expect.stringContaining('names no secretStoreRef'),
      'Password payments/signing-key': '',
      'Pod web/busybox-secrets-store': expect.stringContaining('a bare Pod'),
      'SealedSecret ingress/shared-tls': expect.stringContaining('sealed already'),
      'SealedSecret shop-staging/shop-db': expect.stringContaining('sealed already'),
      'SealedSecret shop/mysecret': expect.stringContaining('sealed already'),
      'SealedSecret shop/shop-api': expect.stringContaining('sealed already'),
      'SecretProviderClass web/azure-sync': expect.stringContaining('its provider is azure'),
      'StatefulSet payments/ledger': expect.stringContaining('creates its own headless Service'),
    });
    // The reason is in the program, above the object.
    expect(result.program).toContain('// SecretProviderClass web/azure-sync: written as an ApiObject because its provider is azure;');
    expect(result.program).toContain('// Password payments/signing-key: no construct of this library models Password; kept as it is.');
  });

  test('the program uses SecretsApp and ClusterTarget, and none of the generated CRD classes', () => {
    expect(result.program).toContain('const app = new SecretsApp();\n');
    expect(result.program).toContain("const cluster = new ClusterTarget(app, 'imported');\nconst chart = cluster.addChart('imported');\n");
    expect(result.program).toMatch(/\napp\.synth\(\);\n$/);
    expect(result.program).not.toMatch(/\b(eso|esoGenerators|sealed|csi|argocd|fluxHelm|fluxSource)\.[A-Z]/);
    expect(result.program).not.toMatch(/from 'cdk8s';[\s\S]*\bApp\b.*from 'cdk8s'/);
    expect(result.program).toContain("import * as kplus from 'cdk8s-plus-28';");
  });

  test('upgrades are noted: apiVersions, explicit defaults, derived wiring', () => {
    const notes = (r: string) => result.entries.find((e) => e.resource === r)!.notes;
    expect(notes('ExternalSecret payments/payments-db')).toEqual([
      'apiVersion external-secrets.io/v1beta1 -> external-secrets.io/v1',
      'defaults written explicitly: /spec/data/0/remoteRef/conversionStrategy, /spec/data/0/remoteRef/decodingStrategy, '
        + '/spec/data/0/remoteRef/metadataPolicy, /spec/data/1/remoteRef/conversionStrategy, /spec/data/1/remoteRef/decodingStrategy, '
        + '/spec/data/1/remoteRef/metadataPolicy, /spec/target/deletionPolicy',
    ]);
    expect(result.program).toContain('// ExternalSecret payments/payments-db: apiVersion external-secrets.io/v1beta1 -> external-secrets.io/v1.');
    expect(notes('Deployment web/nginx-csi')).toContain('secretproviderclass.reloader.stakater.com/reload: "nginx-aws-secrets" derived by SecretConsumer from what the workload consumes');
    expect(notes('Deployment app/webapp')).toContain('volume "config" is named "secret-secretkv" (SecretConsumer names the volumes it adds)');
  });

  test('stores, secrets and workloads are connected through variables; Secrets produced elsewhere are named as existing', () => {
    expect(result.program).toContain('const paymentsDbExternalSecret = new ExternalSecret(chart, \'ExternalSecret-payments-payments-db\', {');
    expect(result.program).toMatch(/const paymentsDbExternalSecret = new ExternalSecret\([^;]*\n {2}store: awsSecretsmanagerSecretStore,\n/);
    expect(result.program).toContain('checkoutConsumer.mount(checkoutDeployment.containers[0], paymentsDbExternalSecret, {\n  path: \'/var/run/secrets/db\',\n  defaultMode: 0o644,\n});');
    expect(result.program).toContain('checkoutConsumer.envFrom(checkoutDeployment.containers[0], paymentsApiExternalSecret);');
    expect(result.program).toContain("webappConsumer.env(webappDeployment.containers[0], dbCredsVaultDynamicSecret, { variables: { DB_USER: 'username' } });");
    expect(result.program).toContain("nginxCsiConsumer.mountSecretProviderClass(nginxCsiDeployment.containers[0], nginxAwsSecretsAwsSecretProviderClass, { path: '/mnt/secrets-store' });");
    expect(result.program).toContain("const apiEnv5h9f7t2k8mSecret = KubernetesSecret.fromSecretName(chart, 'Secret-ref-prod-api-env-5h9f7t2k8m', { name: 'api-env-5h9f7t2k8m', namespace: 'prod' });");
    expect(result.program).toMatch(/const staticAuthVaultAuth = new VaultAuth\([^;]*connection: vaultConnectionVaultConnection,/);
  });

  test('fields a construct does not model are kept through its escape hatch, and said so', () => {
    expect(result.entries.find((e) => e.resource === 'SecretStore payments/aws-secretsmanager')!.patched).toEqual(['/spec/provider/aws/auth']);
    expect(result.program).toContain('// Note: its auth block is kept as written (escape hatch): AwsAuth.serviceAccount() takes a WorkloadIdentity');
    expect(result.program).toContain("awsSecretsmanagerSecretStore.apiObject.addJsonPatch(JsonPatch.add('/spec/provider/aws/auth', {\n  jwt: {\n    serviceAccountRef: {\n      name: 'payments-eso',\n");
    expect(result.program).toContain("shipperCredsExternalSecret.apiObject.metadata.addAnnotation('reloader.stakater.com/match', 'true');");
    // The input's stale Reloader name is kept as written (doctor reports it); cdk8s-plus hardening the input lacks is removed.
    expect(result.program).toContain("ApiObject.of(checkoutDeployment).addJsonPatch(JsonPatch.replace('/metadata/annotations/secret.reloader.stakater.com~1reload', 'payments-db,payments-api,payments-old-token'));");
    expect(result.program).toContain("ApiObject.of(checkoutDeployment).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/securityContext'));");
  });

  test('a field outside the schema a construct renders, and what a construct refuses, fall back to ApiObject with the reason', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-extra-'));
    write(dir, 'es.yaml', [
      'apiVersion: external-secrets.io/v1beta1',
      'kind: ExternalSecret',
      'metadata: { name: x, namespace: a }',
      'spec: { refreshInterval: 1h, notAField: 1, secretStoreRef: { name: s, kind: SecretStore }, data: [{ secretKey: k, remoteRef: { key: r } }] }',
      '---',
      'apiVersion: secrets.hashicorp.com/v1beta1',
      'kind: VaultAuth',
      'metadata: { name: jwt, namespace: a }',
      'spec: { method: jwt, mount: jwt, jwt: { role: r } }',
    ].join('\n'));
    const r = importManifests([dir]);
    expect(r.entries.map((e) => [e.resource, e.mode, e.patched])).toEqual([
      ['ExternalSecret a/x', 'api-object', []],
      ['VaultAuth a/jwt', 'api-object', []],
    ]);
    // The ESO constructs render through the CRD's generated class, which writes only the fields of the schema: the
    // escape hatch cannot add one the schema lacks (the API server would prune it too), so the object is kept as it is.
    expect(r.program).toContain('// ExternalSecret a/x: written as an ApiObject because ExternalSecret cannot write /spec/notAField (outside the schema it renders).');
    expect(r.program).toContain('  notAField: 1,');
    expect(r.program).toContain('// VaultAuth a/jwt: written as an ApiObject because method: jwt auth needs exactly one of serviceAccount and secretRef.');
  });

  test.each([
    ['ExternalSecret without a store', 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: g, namespace: a }\nspec: { dataFrom: [{ sourceRef: { generatorRef: { kind: Password, name: p } } }] }',
      'it names no secretStoreRef'],
    ['ExternalSecret through another kind of store', 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: g, namespace: a }\nspec: { secretStoreRef: { name: s, kind: Other }, data: [{ secretKey: k, remoteRef: { key: r } }] }',
      'its store kind Other is not a SecretStore or ClusterSecretStore'],
    ['store with two backends', 'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: s, namespace: a }\nspec: { provider: { aws: { service: SecretsManager, region: eu-west-1 }, vault: { server: "http://v:8200", path: kv } } }',
      'its provider names 2 backends'],
    ['store of another AWS service', 'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: s, namespace: a }\nspec: { provider: { aws: { service: Other, region: eu-west-1 } } }',
      'its AWS service Other is neither SecretsManager nor ParameterStore'],
    ['Vault store with AppRole auth', 'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: s, namespace: a }\nspec: { provider: { vault: { server: "http://v:8200", path: kv, auth: { appRole: { roleId: r } } } } }',
      'its Vault auth (appRole) is neither kubernetes nor tokenSecretRef'],
    ['store of another provider', 'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: s, namespace: a }\nspec: { provider: { gcpsm: { projectID: p } } }',
      'its provider gcpsm has no StoreProvider factory'],
    ['PushSecret through two stores', 'apiVersion: external-secrets.io/v1alpha1\nkind: PushSecret\nmetadata: { name: p, namespace: a }\nspec: { secretStoreRefs: [{ name: x }, { name: y }], selector: { secret: { name: s } }, data: [] }',
      'it pushes through 2 store references'],
    ['PushSecret of a generator', 'apiVersion: external-secrets.io/v1alpha1\nkind: PushSecret\nmetadata: { name: p, namespace: a }\nspec: { secretStoreRefs: [{ name: x }], selector: { generatorRef: { kind: Password, name: g } }, data: [] }',
      'its source is not a Secret'],
    ['SecretProviderClass object of another type', 'apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: { name: c, namespace: a }\nspec: { provider: aws, parameters: { objects: "- objectName: x\\n  objectType: other\\n" } }',
      'its object x has the objectType "other", which AwsCsiObject does not model'],
    ['SecretProviderClass whose objects are no list', 'apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: { name: c, namespace: a }\nspec: { provider: aws, parameters: { objects: "x: 1" } }',
      'its parameters.objects is not a YAML list'],
    ['VaultAuth of kubernetes without a role', 'apiVersion: secrets.hashicorp.com/v1beta1\nkind: VaultAuth\nmetadata: { name: v, namespace: a }\nspec: { method: kubernetes, mount: k, kubernetes: { serviceAccount: s } }',
      'its kubernetes method names no role or serviceAccount'],
    ['VaultAuth of another method', 'apiVersion: secrets.hashicorp.com/v1beta1\nkind: VaultAuth\nmetadata: { name: v, namespace: a }\nspec: { method: gcp, mount: g }',
      'its method gcp is not one VaultAuthMethod models'],
    ['VaultDynamicSecret on the default VaultAuth', 'apiVersion: secrets.hashicorp.com/v1beta1\nkind: VaultDynamicSecret\nmetadata: { name: d, namespace: a }\nspec: { mount: db, path: creds/x }',
      'it uses the operator\'s default VaultAuth'],
    ['VaultStaticSecret of another engine', 'apiVersion: secrets.hashicorp.com/v1beta1\nkind: VaultStaticSecret\nmetadata: { name: s, namespace: a }\nspec: { type: other, mount: m, path: p, vaultAuthRef: x }',
      'its type other or mount m is not a KV mount the construct can name'],
    ['workload without a namespace', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: { selector: { matchLabels: { a: b } }, template: { spec: { containers: [{ name: c, image: i }] } } }',
      'it has no namespace'],
    ['workload without containers', 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j, namespace: a }\nspec: { template: { spec: { containers: [] } } }',
      'its pod template has no containers'],
  ])('%s is written as an ApiObject with the reason', (_name, yaml, reason) => {
    const dir = write(fs.mkdtempSync(path.join(os.tmpdir(), 'import-fallback-')), 'x.yaml', yaml);
    const r = importManifests([dir]);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].mode).toBe('api-object');
    expect(r.entries[0].notes.join(' ')).toContain(`kept as an ApiObject: ${reason}`);
    expect(r.program).toContain(`written as an ApiObject because ${reason}`);
  });

  test('input text never leaves a comment: a line break in a name does not turn the rest of it into code', () => {
    const dir = write(fs.mkdtempSync(path.join(os.tmpdir(), 'import-inject-')), 'x.yaml',
      'apiVersion: example.com/v1\nkind: "Widget\\nthrow new Error(\'injected\')"\nmetadata: { name: w, namespace: a }\nspec: { restartPolicy: x }\n');
    const r = importManifests([dir]);
    expect(r.entries.map((e) => e.mode)).toEqual(['api-object']);
    // (It ran in-process without throwing; the kind is written as a template literal in the object.)
    expect(r.program).not.toMatch(/^throw new Error\('injected'\);?$/m);
    expect(r.program).toContain("  kind: `Widget\nthrow new Error('injected')`,");
    expect(r.program).toContain("// Widget throw new Error('injected') a/w: no construct of this library models Widget throw new Error('injected'); kept as it is.");
  });

  test('Secret values are never copied into the program: files (default) or environment variables', () => {
    expect(result.program).not.toMatch(/t0p-Secret|YWRtaW4=|admin/);
    expect(result.program).toContain("password: SealedValue.fromFile('secrets/default/mysecret/password'),");
    expect(result.program).toContain('// Secret default/mysecret: its 2 value(s) were NOT copied into this program.');
    const env = importManifests([path.join(CORPUS, 'plain/28-secret-committed.yaml')], { secretValues: 'env' }).program;
    expect(env).toContain("username: SealedValue.fromEnvironmentVariable('DEFAULT_MYSECRET_USERNAME'),");
    expect(env).toContain("import { ClusterTarget, SealedSecret, SealedValue, SealingCertificate, SecretsApp } from 'cdk8s-secrets';");
    expect(env).not.toMatch(/t0p-Secret|YWRtaW4=/);
  });

  test('the program is formatted (two-space indentation, single quotes, trailing commas) and type-checks against the library', () => {
    expect(result.program.split('\n').filter((l) => /^\s/.test(l)).every((l) => /^( {2})+\S/.test(l))).toBe(true);
    expect(result.program).not.toMatch(/^\s+"[A-Za-z]+":/m);
    const dir = scratch('import-tsc-');
    const file = path.join(dir, 'main.ts');
    fs.writeFileSync(file, result.program);
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      types: [],
      experimentalDecorators: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file)
      .map((d) => `${d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  }, 240_000);

  test('the program synthesizes (posture checks included) back to the input, object by object, apart from the documented upgrades', () => {
    const dir = scratch('import-synth-');
    write(dir, 'sealed-secrets-cert.pem', OTHER_CERT_PEM);
    fs.mkdirSync(path.join(dir, 'secrets', 'default', 'mysecret'), { recursive: true });
    write(path.join(dir, 'secrets', 'default', 'mysecret'), 'password', 'pw-from-file');
    write(path.join(dir, 'secrets', 'default', 'mysecret'), 'username', 'admin');
    runProgram(dir, result.program);
    const out = load([path.join(dir, 'dist')]).objects.map((o) => o.object);
    const input = load(INPUT).objects.map((o) => o.object);
    expect(out).toHaveLength(input.length);
    const key = (o: any) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const outByKey = new Map(out.map((o) => [key(o), o]));
    const equal: string[] = [];
    const differ: string[] = [];
    for (const o of input) {
      if (o.apiVersion === 'v1' && o.kind === 'Secret') {
        const s = outByKey.get(`SealedSecret ${o.metadata.namespace}/${o.metadata.name}`);
        expect(s.apiVersion).toBe('bitnami.com/v1alpha1');
        expect(Object.keys(s.spec.encryptedData).sort()).toEqual(['password', 'username']);
        expect(JSON.stringify(s)).not.toMatch(/pw-from-file|admin/);
        continue;
      }
      const got = outByKey.get(key(o));
      const same = got !== undefined && JSON.stringify(normal(withoutAdditions(got, o))) === JSON.stringify(normal(o));
      (same ? equal : differ).push(same ? key(o) : `${key(o)}: ${JSON.stringify(normal(withoutAdditions(got, o)))} vs ${JSON.stringify(normal(o))}`);
      // The importer's own comparison (the one CI runs on the packed tarball's output) agrees.
      expect(compareWithInput(got, o)).toEqual([]);
    }
    expect(differ).toEqual([]);
    expect(equal).toHaveLength(input.length - 1);
    // What the library's constructs write is valid against the upstream schemas.
    const written = out.filter((o) => !['Password', 'Pod', 'SealedSecret'].includes(o.kind) && !(o.kind === 'SecretProviderClass' && o.spec.provider === 'azure'));
    expect(validateObjects(written)).toEqual([]);
  }, 240_000);

  test('through the command line: the program on stdout, the report on stderr; unreadable input exits 2', () => {
    let out = ''; let err = '';
    const code = run(['import', 'eso/02-externalsecret-v1beta1.yaml'], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, cwd: CORPUS });
    expect(code).toBe(0);
    expect(out).toMatch(/^\/\/ Generated by `cdk8s-secrets import` from 1 file\(s\): 02-externalsecret-v1beta1\.yaml\./);
    expect(out).toContain("import { ClusterTarget, CreationPolicy, ExternalSecret, SecretsApp, SecretStore } from 'cdk8s-secrets';");
    expect(out).toContain("const paymentsDbExternalSecret = new ExternalSecret(chart, 'ExternalSecret-payments-payments-db', {");
    expect(err.split('\n')[0]).toBe('construct     ExternalSecret            ExternalSecret payments/payments-db  (apiVersion external-secrets.io/v1beta1 -> external-secrets.io/v1; '
      + 'defaults written explicitly: /spec/data/0/remoteRef/conversionStrategy, /spec/data/0/remoteRef/decodingStrategy, '
      + '/spec/data/0/remoteRef/metadataPolicy, /spec/data/1/remoteRef/conversionStrategy, /spec/data/1/remoteRef/decodingStrategy, '
      + '/spec/data/1/remoteRef/metadataPolicy, /spec/target/deletionPolicy)');
    expect(err).toContain('imported 1 object(s): 1 as the library\'s constructs (0 of them with an escape hatch), 0 as ApiObject, 0 sealed from a Secret\n');
    let err2 = '';
    expect(run(['import', 'nope.yaml'], { stdout: () => undefined, stderr: (s) => { err2 += s; }, cwd: CORPUS })).toBe(2);
    expect(err2).toMatch(/nope\.yaml: cannot be read \(ENOENT\)/);
  });
});
