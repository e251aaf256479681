import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import { Charts, InstallDelivery, SealedSecretsInstall } from '../../src';
import { expectValid } from '../harness';

describe('SealedSecretsInstall (seed 000: helm install sealed-secrets -n kube-system --set-string fullnameOverride=sealed-secrets-controller)', () => {
  test('GIVEN defaults THEN an Argo CD Application installs the pinned chart into kube-system as sealed-secrets-controller', () => {
    const chart = Testing.chart();
    const c = new SealedSecretsInstall(chart, 'SealedSecrets');
    expect(c.controllerName).toBe('sealed-secrets-controller');
    expect(c.namespace).toBe('kube-system');
    const objs = Testing.synth(chart);
    expect(objs).toHaveLength(1);
    const app = objs[0];
    expect(app.kind).toBe('Application');
    expect(app.metadata).toMatchObject({ name: 'sealed-secrets', namespace: 'argocd' });
    expect(app.spec.source).toEqual({
      repoURL: 'https://bitnami-labs.github.io/sealed-secrets',
      chart: 'sealed-secrets',
      targetRevision: '2.18.5',
      helm: {
        releaseName: 'sealed-secrets',
        valuesObject: { fullnameOverride: 'sealed-secrets-controller', namespace: 'kube-system' },
      },
    });
    expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'kube-system' });
    expect(c.helmInstall.chart).toBe(Charts.SEALED_SECRETS);
    expect(Charts.SEALED_SECRETS.appVersion).toBe('0.36.6');
    expectValid(chart);
  });

  test('GIVEN a custom name and namespace THEN the values, the install namespace and the kubeseal flags share them', () => {
    const chart = Testing.chart();
    const c = new SealedSecretsInstall(chart, 'SS', { controllerName: 'sealer', namespace: 'sealed-system', releaseName: 'sealer' });
    const app = Testing.synth(chart)[0];
    expect(app.spec.source.helm.valuesObject).toEqual({ fullnameOverride: 'sealer', namespace: 'sealed-system' });
    expect(app.spec.destination.namespace).toBe('sealed-system');
    expect(c.helmInstall.namespace).toBe('sealed-system');
    expect(c.kubesealArgs).toEqual(['--controller-name=sealer', '--controller-namespace=sealed-system']);
    expect(c.fetchCertCommand('sealed-secrets-cert.pem')).toBe('kubeseal --controller-name=sealer --controller-namespace=sealed-system --fetch-cert > sealed-secrets-cert.pem');
    expect(c.fetchCertCommand('my certs/cert.pem')).toBe('kubeseal --controller-name=sealer --controller-namespace=sealed-system --fetch-cert > \'my certs/cert.pem\'');
    expectValid(chart);
  });

  test('GIVEN Flux delivery THEN a HelmRelease targets the controller namespace with the same values', () => {
    const chart = Testing.chart();
    new SealedSecretsInstall(chart, 'SS', { delivery: InstallDelivery.fluxHelmRelease() });
    const objs = Testing.synth(chart);
    const rel = objs.find((o) => o.kind === 'HelmRelease');
    expect(rel.spec.targetNamespace).toBe('kube-system');
    expect(rel.spec.chart.spec).toMatchObject({ chart: 'sealed-secrets', version: '2.18.5' });
    expect(rel.spec.values).toEqual({ fullnameOverride: 'sealed-secrets-controller', namespace: 'kube-system' });
    expect(objs.find((o) => o.kind === 'HelmRepository').spec.url).toBe('https://bitnami-labs.github.io/sealed-secrets');
    expectValid(chart);
  });

  test('GIVEN helmTemplate delivery THEN helm renders the pinned chart into the controller namespace with the same values', () => {
    // A stand-in helm that records its arguments and the values file it is given, and prints one manifest.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fakehelm-sealed-'));
    try {
      const helm = path.join(dir, 'helm');
      fs.writeFileSync(helm, [
        '#!/bin/sh',
        `echo "$@" > ${dir}/args`,
        `prev=; for a in "$@"; do [ "$prev" = "-f" ] && cp "$a" ${dir}/values; prev="$a"; done`,
        "cat <<'Y'",
        'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: sealed-secrets-controller', '  namespace: kube-system',
        'Y', '',
      ].join('\n'), { mode: 0o755 });
      const chart = Testing.chart();
      new SealedSecretsInstall(chart, 'SS', { delivery: InstallDelivery.helmTemplate({ helmExecutable: helm }) });
      const objs = Testing.synth(chart);
      expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toContain('ServiceAccount/sealed-secrets-controller');
      const args = fs.readFileSync(path.join(dir, 'args'), 'utf8');
      expect(args).toMatch(/template/);
      expect(args).toMatch(/--version 2\.18\.5/);
      expect(args).toMatch(/--repo https:\/\/bitnami-labs\.github\.io\/sealed-secrets/);
      expect(args).toMatch(/--namespace kube-system/);
      expect(fs.readFileSync(path.join(dir, 'values'), 'utf8')).toMatch(/fullnameOverride: sealed-secrets-controller[\s\S]*namespace: kube-system|namespace: kube-system[\s\S]*fullnameOverride: sealed-secrets-controller/);
      expectValid(chart);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN keyRenewPeriod, networkPolicy and extra values THEN they become the chart values', () => {
    const chart = Testing.chart();
    const c = new SealedSecretsInstall(chart, 'SS', {
      keyRenewPeriod: Duration.days(7),
      networkPolicy: true,
      values: { resources: { requests: { cpu: '50m' } }, networkPolicy: { egress: { enabled: true } } },
    });
    expect(c.helmInstall.helmValues).toEqual({
      fullnameOverride: 'sealed-secrets-controller',
      namespace: 'kube-system',
      keyrenewperiod: '168h',
      networkPolicy: { enabled: true, egress: { enabled: true } },
      resources: { requests: { cpu: '50m' } },
    });
    expectValid(chart);
  });

  test('GIVEN keyRenewPeriod of zero THEN renewal is turned off with the chart\'s "0"', () => {
    const c = new SealedSecretsInstall(Testing.chart(), 'SS', { keyRenewPeriod: Duration.seconds(0) });
    expect(c.helmInstall.helmValues.keyrenewperiod).toBe('0');
  });

  test('GIVEN values that set what a typed prop owns THEN it fails', () => {
    expect(() => new SealedSecretsInstall(Testing.chart(), 'SS', { values: { fullnameOverride: 'x' } }))
      .toThrow(/\[test\/SS\] values\.fullnameOverride: is set by a typed prop of SealedSecretsInstall \(got "x"\)/);
    expect(() => new SealedSecretsInstall(Testing.chart(), 'SS', { values: { networkPolicy: { enabled: false } } }))
      .toThrow(/values\.networkPolicy\.enabled: is set by a typed prop/);
    expect(() => new SealedSecretsInstall(Testing.chart(), 'SS', { values: { namespace: 'y' } })).toThrow(/values\.namespace: is set by a typed prop/);
    expect(() => new SealedSecretsInstall(Testing.chart(), 'SS', { values: { keyrenewperiod: '1h' } })).toThrow(/values\.keyrenewperiod: is set by a typed prop/);
  });

  test('GIVEN an invalid controller name or namespace THEN it fails', () => {
    expect(() => new SealedSecretsInstall(Testing.chart(), 'SS', { controllerName: 'Sealed_Secrets' })).toThrow(/controllerName: must be a DNS-1123 label/);
    expect(() => new SealedSecretsInstall(Testing.chart(), 'SS', { namespace: 'kube.system' })).toThrow(/namespace: must be a DNS-1123 label/);
  });
});

describe('kubeseal used by CI', () => {
  test('GIVEN scripts/install-kubeseal.sh THEN it builds the kubeseal release of the pinned chart\'s appVersion with go install into .tools/bin', () => {
    const script = fs.readFileSync(path.join(__dirname, '..', '..', 'scripts', 'install-kubeseal.sh'), 'utf8');
    expect(Charts.SEALED_SECRETS.version).toBe('2.18.5');
    expect(script).toContain(`KUBESEAL_VERSION="${Charts.SEALED_SECRETS.appVersion}"`);
    expect(script).toContain('MODULE="github.com/bitnami-labs/sealed-secrets/cmd/kubeseal"');
    expect(script).toMatch(/GOBIN="\$\{BIN_DIR\}"[\s\S]*go install [^\n]*"\$\{MODULE\}@v\$\{KUBESEAL_VERSION\}"/);
    expect(script).toContain('BIN_DIR="${ROOT}/.tools/bin"');
  });
});
