import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { run } from '../../src/cli/cli';
import { importManifests } from '../../src/cli/import';
import { load } from '../../src/cli/load';
import { OTHER_CERT_PEM } from '../sealed/fixtures';

const CORPUS = path.join(__dirname, 'corpus');
const NODE_MODULES = path.join(__dirname, '..', '..', 'node_modules');

/** A scratch folder outside the repo whose node_modules is the repo's (cdk8s, constructs). */
function scratch(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.symlinkSync(NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  return dir;
}
const SRC = path.join(__dirname, '..', '..', 'src');
// The operator objects of the corpus (not the CloudFormation, RBAC or GitOps files, which import keeps as they are too).
const INPUT = ['eso', 'sealed-secrets', 'vso', 'csi', 'reloader', 'vault-injector', 'plain/28-secret-committed.yaml', 'kustomize-output'].map((p) => path.join(CORPUS, p));

/** What import documents as upgraded: ESO v1beta1 -> v1, SecretProviderClass v1alpha1 -> v1, Secret -> SealedSecret. */
function expected(o: any): any {
  const copy = JSON.parse(JSON.stringify(o));
  if (copy.apiVersion === 'external-secrets.io/v1beta1') copy.apiVersion = 'external-secrets.io/v1';
  if (copy.apiVersion === 'secrets-store.csi.x-k8s.io/v1alpha1') copy.apiVersion = 'secrets-store.csi.x-k8s.io/v1';
  return copy;
}

describe('import', () => {
  const result = importManifests(INPUT, { libraryModule: SRC });

  test('every object is imported; typed classes for ESO, Sealed Secrets and CSI; upgrades are noted', () => {
    expect(result.errors).toEqual([]);
    const by = (c: string) => result.entries.filter((e) => e.construct === c).map((e) => e.resource);
    expect(result.entries).toHaveLength(load(INPUT).objects.length);
    expect(by('eso.ExternalSecret')).toEqual(['ExternalSecret payments/payments-db', 'ExternalSecret payments/payments-api', 'ExternalSecret legacy/legacy-config',
      'ExternalSecret payments/signing-key', 'ExternalSecret orders/orders-dsn', 'ExternalSecret prod/api-env', 'ExternalSecret observability/shipper-creds']
      .sort((a, b) => result.entries.findIndex((e) => e.resource === a) - result.entries.findIndex((e) => e.resource === b)));
    expect(by('eso.SecretStore')).toEqual(['SecretStore payments/aws-secretsmanager', 'SecretStore legacy/aws-static']);
    expect(by('eso.ClusterSecretStore')).toEqual(['ClusterSecretStore vault-backend']);
    expect(by('eso.ClusterExternalSecret')).toEqual(['ClusterExternalSecret registry-credentials']);
    expect(by('eso.PushSecret')).toEqual(['PushSecret payments/push-signing-key']);
    expect(by('sealed.SealedSecret')).toHaveLength(4);
    expect(by('csi.SecretProviderClass')).toEqual(['SecretProviderClass web/nginx-aws-secrets', 'SecretProviderClass web/azure-sync']);
    expect(by('SealedSecret')).toEqual(['Secret default/mysecret']);
    expect(result.entries.find((e) => e.resource === 'ExternalSecret payments/payments-db')!.notes).toEqual(['apiVersion external-secrets.io/v1beta1 -> external-secrets.io/v1']);
    expect(result.program).toContain('// ExternalSecret payments/payments-db: apiVersion external-secrets.io/v1beta1 -> external-secrets.io/v1 (the served version)');
    // Reloader annotations are written with the library's names for them.
    expect(result.program).toContain("[ReloaderAnnotations.SECRET_RELOAD]: 'payments-db,payments-api,payments-old-token',");
    expect(result.program).toContain(`import { csi, eso, sealed, ReloaderAnnotations, SealedSecret, SealedValue, SealingCertificate } from '${SRC}';`);
  });

  test('re-cased props (accessKeyIDSecretRef -> accessKeyIdSecretRef) render back to the CRD field; fields outside the schema fall back to ApiObject, noted', () => {
    expect(result.program).toContain('accessKeyIdSecretRef: {');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-extra-'));
    fs.writeFileSync(path.join(dir, 'es.yaml'), 'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: { name: x, namespace: a }\nspec: { refreshInterval: 1h, notAField: 1 }\n');
    const r = importManifests([dir]);
    expect(r.entries).toEqual([{
      resource: 'ExternalSecret a/x',
      file: path.join(dir, 'es.yaml'),
      construct: 'ApiObject',
      notes: ['fields outside the external-secrets.io/v1 schema: kept as written in an ApiObject; apiVersion external-secrets.io/v1beta1 -> external-secrets.io/v1'],
    }]);
    expect(r.program).toContain("apiVersion: 'external-secrets.io/v1',");
    expect(r.program).toContain('notAField: 1,');
  });

  test('Secret values are never copied into the program: files (default) or environment variables', () => {
    expect(result.program).not.toMatch(/t0p-Secret|YWRtaW4=|admin/);
    expect(result.program).toContain("password: SealedValue.fromFile('secrets/default/mysecret/password'),");
    expect(result.program).toContain('// Secret default/mysecret: its 2 value(s) were NOT copied into this program.');
    const env = importManifests([path.join(CORPUS, 'plain/28-secret-committed.yaml')], { secretValues: 'env' }).program;
    expect(env).toContain("username: SealedValue.fromEnvironmentVariable('DEFAULT_MYSECRET_USERNAME'),");
    expect(env).toContain("import { SealedSecret, SealedValue, SealingCertificate } from 'cdk8s-secrets';");
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

  test('synthesizing the program gives back the input objects (modulo the documented upgrades); the Secret comes back sealed', () => {
    const dir = scratch('import-synth-');
    fs.writeFileSync(path.join(dir, 'sealed-secrets-cert.pem'), OTHER_CERT_PEM);
    fs.mkdirSync(path.join(dir, 'secrets', 'default', 'mysecret'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'secrets', 'default', 'mysecret', 'password'), 'pw-from-file');
    fs.writeFileSync(path.join(dir, 'secrets', 'default', 'mysecret', 'username'), 'admin');
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true };
    const js = ts.transpileModule(result.program, { compilerOptions }).outputText;
    fs.writeFileSync(path.join(dir, 'main.js'), js);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => { require(path.join(dir, 'main.js')); });
    } finally {
      process.chdir(cwd);
    }
    const out = load([path.join(dir, 'dist')]).objects.map((o) => o.object);
    const input = load(INPUT).objects.map((o) => o.object);
    expect(out).toHaveLength(input.length);
    const key = (o: any) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const outByKey = new Map(out.map((o) => [key(o), o]));
    const mismatches: string[] = [];
    for (const o of input) {
      if (o.apiVersion === 'v1' && o.kind === 'Secret' && (o.data || o.stringData)) {
        const s = outByKey.get(`SealedSecret ${o.metadata.namespace}/${o.metadata.name}`);
        expect(s.apiVersion).toBe('bitnami.com/v1alpha1');
        expect(Object.keys(s.spec.encryptedData).sort()).toEqual(['password', 'username']);
        expect(JSON.stringify(s)).not.toMatch(/pw-from-file|admin/);
        continue;
      }
      const got = outByKey.get(key(o));
      try {
        expect(got).toEqual(expected(o));
      } catch {
        mismatches.push(key(o));
      }
    }
    expect(mismatches).toEqual([]);
  }, 240_000);

  test('through the command line: the program on stdout, the report on stderr; unreadable input exits 2', () => {
    let out = ''; let err = '';
    const code = run(['import', 'eso/02-externalsecret-v1beta1.yaml'], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, cwd: CORPUS });
    expect(code).toBe(0);
    expect(out).toMatch(/^\/\/ Generated by `cdk8s-secrets import` from 1 file\(s\): 02-externalsecret-v1beta1\.yaml\./);
    expect(out).toContain("import { eso } from 'cdk8s-secrets';");
    expect(out).toContain("new eso.ExternalSecret(chart, 'ExternalSecret-payments-payments-db', {");
    expect(err).toBe('eso.ExternalSecret        ExternalSecret payments/payments-db  (apiVersion external-secrets.io/v1beta1 -> external-secrets.io/v1)\nimported 1 object(s)\n');
    let err2 = '';
    expect(run(['import', 'nope.yaml'], { stdout: () => undefined, stderr: (s) => { err2 += s; }, cwd: CORPUS })).toBe(2);
    expect(err2).toMatch(/nope\.yaml: cannot be read \(ENOENT\)/);
  });
});
