import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { SecretsChecks } from '../../src';
import { run } from '../../src/cli/cli';
import { load } from '../../src/cli/load';

const CORPUS = path.join(__dirname, 'corpus');

function cli(args: string[], cwd = CORPUS) {
  let out = '';
  let err = '';
  const code = run(args, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, cwd });
  return { code, out, err };
}

function scratch(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('doctor on the corpus', () => {
  const json = () => JSON.parse(cli(['doctor', '--format', 'json', '.']).out);

  test('reads every file: Kubernetes YAML (multi-document, Helm-rendered, Kustomize output) and both templates', () => {
    const r = json();
    expect([r.files, r.objects, r.templates]).toEqual([39, 45, 2]);
  });

  test('the report: every finding, by rule, resource and severity (the corpus README of what doctor finds)', () => {
    const got = json().findings.map((f: any) => `${f.suppressedBecause !== undefined ? 'suppressed' : f.severity} ${f.ruleId} ${f.resource} @${f.location?.file}`);
    expect(got).toEqual([
      'error annotation-placement StatefulSet payments/ledger @reloader/24-statefulset-auto-misplaced.yaml',
      'error annotation-placement Job hr/payroll-export @vault-injector/27-job-inject-no-role.yaml',
      'warning cluster-store-conditions ClusterSecretStore vault-backend @eso/04-clustersecretstore-vault.yaml',
      'warning csi-sync-without-mount SecretProviderClass web/azure-sync @csi/21-secretproviderclass-v1alpha1-unmounted.yaml',
      'warning csi-unknown-provider-class Pod web/busybox-secrets-store @csi/22-pod-unknown-class.yaml',
      'error duplicate-secret-producer SealedSecret shop/shop-api @sealed-secrets/11-sealedsecret-namespace-wide.yaml',
      'error iam-kms-decrypt-wildcard 34-pod-identity/CsiReaderRole @cloudformation/34-pod-identity.template.json',
      'error iam-secret-read-wildcard 33-eso-irsa-role/EsoReadPolicy @cloudformation/33-eso-irsa-role.template.yaml',
      'error irsa-service-account-mismatch Application argocd/external-secrets (Helm values serviceAccount) @gitops/35-argocd-eso-application.yaml',
      'error irsa-service-account-mismatch ServiceAccount external-secrets/external-secrets @helm-rendered/32-external-secrets-chart.yaml',
      'error plaintext-secret-data Secret default/mysecret @plain/28-secret-committed.yaml',
      'error pod-identity-trust-actions 34-pod-identity/CsiReaderRole @cloudformation/34-pod-identity.template.json',
      'suppressed rbac-broad-secret-access ClusterRole external-secrets-controller @helm-rendered/32-external-secrets-chart.yaml',
      'error rbac-broad-secret-access ClusterRole secret-reader @plain/29-rbac-secret-reader.yaml',
      'error rbac-secret-access-for-everyone ClusterRoleBinding read-secrets-global @plain/29-rbac-secret-reader.yaml',
      'warning reloader-unknown-secret Deployment prod/api @kustomize-output/prod/apps_v1_deployment_api.yaml',
      'warning reloader-unknown-secret Deployment payments/checkout @reloader/23-deployment-reload-named.yaml',
      'error sealed-secret-scope-mismatch SealedSecret shop-staging/shop-db @sealed-secrets/12-sealedsecret-moved-namespace.yaml',
      'error sealed-secret-scope-mismatch SealedSecret ingress/shared-tls @sealed-secrets/13-sealedsecret-cluster-wide-template-only.yaml',
      'warning secret-in-env Deployment prod/api @kustomize-output/prod/apps_v1_deployment_api.yaml',
      'warning secret-in-env Deployment payments/checkout @reloader/23-deployment-reload-named.yaml',
      'warning secret-in-env Deployment app/webapp @vso/18-webapp-deployment.yaml',
      'warning secret-reference-unresolved Deployment prod/api @kustomize-output/prod/apps_v1_deployment_api.yaml',
      'warning secret-volume-permissions StatefulSet payments/ledger @reloader/24-statefulset-auto-misplaced.yaml',
      'suppressed service-account-token-secret Secret ci/build-robot-secret @plain/30-serviceaccount-token.yaml',
      'warning store-static-credentials SecretStore legacy/aws-static @eso/06-secretstore-static-keys-v1beta1.yaml',
      'warning unserved-api-version SecretProviderClass web/azure-sync @csi/21-secretproviderclass-v1alpha1-unmounted.yaml',
      'error unserved-api-version ExternalSecret payments/payments-db @eso/02-externalsecret-v1beta1.yaml',
      'error unserved-api-version SecretStore legacy/aws-static @eso/06-secretstore-static-keys-v1beta1.yaml',
      'error unserved-api-version ExternalSecret legacy/legacy-config @eso/06-secretstore-static-keys-v1beta1.yaml',
      'warning unserved-api-version HelmRepository flux-system/secrets-store-csi-driver @gitops/36-flux-csi-helmrelease.yaml',
      'warning unserved-api-version HelmRelease flux-system/csi-secrets-store @gitops/36-flux-csi-helmrelease.yaml',
      'error unserved-api-version ExternalSecret prod/api-env @kustomize-output/prod/external-secrets.io_v1beta1_externalsecret_api-env.yaml',
      'error vault-injector-without-role Job hr/payroll-export @vault-injector/27-job-inject-no-role.yaml',
      'warning vault-plain-http ClusterSecretStore vault-backend @eso/04-clustersecretstore-vault.yaml',
    ]);
  });

  test('no plaintext from the corpus reaches any report format', () => {
    for (const format of ['text', 'json', 'sarif']) {
      const { out } = cli(['doctor', '--format', format, '.']);
      expect(out).not.toMatch(/t0p-Secret|YWRtaW4=/);
    }
  });

  test('text: one line per finding with file:line, then a summary; exit code 1 on errors', () => {
    const r = cli(['doctor', '.']);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toContain('plain/28-secret-committed.yaml:2  error  plaintext-secret-data  Secret default/mysecret: carries password, username in the manifest: the values end up in Git. '
      + 'Produce the Secret with an ExternalSecret, a VSO secret, a SealedSecret or a CSI secretObjects sync instead');
    expect(lines[lines.length - 1]).toBe('18 error(s), 15 warning(s), 2 suppressed; 45 object(s) and 2 template(s) in 39 file(s); 27 rules (no --kubernetes-version: kubernetes-version rule off)');
  });

  test('--kubernetes-version 1.28 adds the kubernetes-version findings (ESO 2.9.0 chart, CSI 1.6.0 chart, PushSecret)', () => {
    const f = JSON.parse(cli(['doctor', '--format', 'json', '--kubernetes-version', '1.28', '.']).out).findings.filter((x: any) => x.ruleId === 'kubernetes-version');
    expect(f.map((x: any) => x.resource)).toEqual(['PushSecret payments/push-signing-key', 'Application argocd/external-secrets', 'HelmRelease flux-system/csi-secrets-store']);
    expect(JSON.parse(cli(['doctor', '--format', 'json', '-k', '1.31', '.']).out).findings.filter((x: any) => x.ruleId === 'kubernetes-version')).toEqual([]);
  });
});

describe('SARIF', () => {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // The published schema is draft-04; one `pattern` (language) is not valid under the `u` flag, so unicodeRegExp is off.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  test('the corpus report validates against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(cli(['doctor', '--format', 'sarif', '.']).out);
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(log.version).toBe('2.1.0');
  });

  test('every rule is listed; results carry level, file and line, and suppressions their justification', () => {
    const run0 = JSON.parse(cli(['doctor', '--format', 'sarif', '.']).out).runs[0];
    expect(run0.tool.driver.rules.map((r: any) => r.id)).toEqual(SecretsChecks.ruleIds);
    expect(run0.tool.driver.rules.every((r: any) => r.shortDescription.text.length > 10 && r.helpUri.endsWith(`#${r.id}`))).toBe(true);
    const plain = run0.results.find((r: any) => r.ruleId === 'plaintext-secret-data');
    expect(plain).toMatchObject({
      level: 'error',
      ruleIndex: SecretsChecks.ruleIds.indexOf('plaintext-secret-data'),
      locations: [{ physicalLocation: { artifactLocation: { uri: 'plain/28-secret-committed.yaml' }, region: { startLine: 2 } } }],
    });
    const suppressed = run0.results.find((r: any) => r.ruleId === 'service-account-token-secret');
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', justification: expect.stringMatching(/^the legacy CI server/) }]);
  });

  test('an empty report is valid SARIF too', () => {
    const dir = scratch({ 'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n' });
    const log = JSON.parse(cli(['doctor', '--format', 'sarif', '.'], dir).out);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });
});

describe('--fail-on and exit codes', () => {
  const warnOnly = () => scratch({ 'w.yaml': 'apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata: { name: s }\nspec: { provider: {} }\n' });
  test('warnings: exit 0 by default, 1 with --fail-on warning; errors: exit 0 with --fail-on none', () => {
    expect(cli(['doctor', '.'], warnOnly()).code).toBe(0);
    expect(cli(['doctor', '--fail-on', 'warning', '.'], warnOnly()).code).toBe(1);
    expect(cli(['doctor', '--fail-on', 'none', '.']).code).toBe(0);
  });
  test('failOn from the config file; the flag wins', () => {
    const dir = warnOnly();
    fs.writeFileSync(path.join(dir, '.cdk8s-secrets.yaml'), 'failOn: warning\n');
    expect(cli(['doctor', '.'], dir).code).toBe(1);
    expect(cli(['doctor', '--fail-on', 'error', '.'], dir).code).toBe(0);
  });
  test('exit 2: unknown option, bad --fail-on, missing path, invalid YAML', () => {
    expect(cli(['doctor', '--nope']).code).toBe(2);
    const bad = cli(['doctor', '--fail-on', 'sometimes']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/error: option '--fail-on <level>' argument 'sometimes' is invalid\. Allowed choices are error, warning, none\./);
    const missing = cli(['doctor', 'no-such-dir']);
    expect([missing.code, missing.err]).toEqual([2, `error: ${path.join(CORPUS, 'no-such-dir')}: cannot be read (ENOENT)\n`]);
    const dir = scratch({ 'broken.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: [\n' });
    const broken = cli(['doctor', '.'], dir);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(new RegExp(`^error: ${path.join(dir, 'broken.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
  });
  test('exit 2: a bad config (unknown key, suppression without reason, unknown rule, bad version)', () => {
    const dir = scratch({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n' });
    const withConfig = (text: string) => { fs.writeFileSync(path.join(dir, '.cdk8s-secrets.yaml'), text); return cli(['doctor', '.'], dir); };
    expect(withConfig('failon: error\n')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown keys failon \(known: kubernetesVersion, failOn, suppressions\)/) });
    expect(withConfig('suppressions:\n  - ruleId: plaintext-secret-data\n    reason: ""\n')).toMatchObject({ code: 2, err: expect.stringMatching(/suppressions\[0\]\.reason: is empty/) });
    expect(withConfig('suppressions:\n  - ruleId: nope\n    reason: x\n')).toMatchObject({ code: 2, err: expect.stringMatching(/suppressions\[0\]\.ruleId: is not a rule of the pack \(got "nope"\)/) });
    expect(withConfig('kubernetesVersion: latest\n')).toMatchObject({ code: 2, err: expect.stringMatching(/kubernetesVersion: is not a Kubernetes version \(got "latest"\)/) });
    expect(withConfig('suppressions: {}\n')).toMatchObject({ code: 2, err: expect.stringMatching(/suppressions must be a list/) });
    expect(withConfig('failOn: sometimes\n')).toMatchObject({ code: 2, err: expect.stringMatching(/failOn must be error, warning or none \(got "sometimes"\)/) });
    expect(withConfig('- a\n')).toMatchObject({ code: 2, err: expect.stringMatching(/must be a mapping/) });
  });
  test('--config names another file; --output writes the report there', () => {
    const dir = scratch({ 's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: a }\nstringData: { k: v }\n', 'cfg/doctor.json': JSON.stringify({ suppressions: [{ ruleId: 'plaintext-secret-data', reason: 'fixture' }] }) });
    const r = cli(['doctor', '--config', 'cfg/doctor.json', '--output', 'report.json', '--format', 'json', 's.yaml'], dir);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).findings[0].suppressedBecause).toBe('fixture');
    expect(cli(['doctor', '--config', 'missing.yaml', '.'], dir)).toMatchObject({ code: 2, err: expect.stringMatching(/config .*missing\.yaml: cannot be read \(ENOENT\)/) });
  });
});

describe('help and rules', () => {
  test('--help names the commands; doctor --help documents formats, suppressions and exit codes', () => {
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/^Usage: cdk8s-secrets \[options\] \[command\]/);
    expect(top.out).toMatch(/doctor \[options\] \[paths\.\.\.\]/);
    expect(top.out).toMatch(/import \[options\] <paths\.\.\.>/);
    const doc = cli(['doctor', '--help']).out;
    expect(doc).toMatch(/-f, --format <format>\s+report format \(choices: "text", "json", "sarif", default: "text"\)/);
    expect(doc).toMatch(/suppress\.cdk8s-secrets\.io\/<rule-id>/);
    expect(doc).toMatch(/Exit codes:\n {2}0 {2}no finding at or above --fail-on[^\n]*\n {2}1 {2}findings at or above --fail-on\n {2}2 {2}usage error/);
  });
  test('--version prints the package version; --list-rules one line per rule', () => {
    const v = cli(['--version']);
    expect([v.code, v.out.trim()]).toEqual([0, JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version]);
    const rules = cli(['doctor', '--list-rules']).out.trimEnd().split('\n');
    expect(rules.map((l) => l.split(' ')[0])).toEqual(SecretsChecks.ruleIds);
  });
  test('every rule has a documentation entry in docs/checks.md', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'checks.md'), 'utf8');
    const headings = [...doc.matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]).sort();
    expect(headings).toEqual(SecretsChecks.ruleIds);
  });
});

describe('standard input', () => {
  test('doctor - reads the piped YAML (helm template | cdk8s-secrets doctor -)', () => {
    const root = path.join(__dirname, '..', '..');
    const script = `require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(path.join(root, 'tsconfig.json'))} });`
      + `process.exitCode = require(${JSON.stringify(path.join(root, 'src', 'cli', 'cli.ts'))}).run(['doctor', '--format', 'json', '-'],`
      + '{ stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd() });';
    const r = spawnSync(process.execPath, ['-e', script], {
      cwd: root, input: fs.readFileSync(path.join(CORPUS, 'plain', '28-secret-committed.yaml')), encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => [f.ruleId, f.location])).toEqual([['plaintext-secret-data', { file: '-', line: 2 }]]);
  }, 60_000);
});

describe('load', () => {
  test('CloudFormation YAML short forms become the long forms; Lists are flattened; kustomization.yaml is skipped', () => {
    const dir = scratch({
      'stack.template.yaml': 'Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Sub "${Env}-r"\n      Path: !Join ["", ["/", !Ref Env]]\n      Arn: !GetAtt Key.Arn\n      Other: !If [C, !Ref A, !Ref B]\n',
      'list.yaml': 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: b }\n',
      'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
      'notes.txt': 'ignored',
    });
    const l = load([dir]);
    expect(l.errors).toEqual([]);
    expect(l.templates.stack.Resources.R.Properties).toEqual({
      RoleName: { 'Fn::Sub': '${Env}-r' },
      Path: { 'Fn::Join': ['', ['/', { Ref: 'Env' }]] },
      Arn: { 'Fn::GetAtt': ['Key', 'Arn'] },
      Other: { 'Fn::If': ['C', { Ref: 'A' }, { Ref: 'B' }] },
    });
    expect(l.objects.map((o) => o.object.metadata.name)).toEqual(['a', 'b']);
    expect(l.files.map((f) => path.basename(f))).toEqual(['kustomization.yaml', 'list.yaml', 'stack.template.yaml']);
  });
  test('YAML 1.1 octal modes, as kubectl reads them', () => {
    const dir = scratch({ 'd.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  volumes:\n    - name: s\n      secret: { secretName: s, defaultMode: 0400 }\n' });
    expect(load([dir]).objects[0].object.spec.volumes[0].secret.defaultMode).toBe(0o400);
  });
});
