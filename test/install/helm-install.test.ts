import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { Charts, HelmInstall, InstallDelivery } from '../../src';
import { expectValid, upstreamPath } from '../harness';

const props = { chart: Charts.EXTERNAL_SECRETS, releaseName: 'external-secrets', namespace: 'external-secrets', values: { installCRDs: true, serviceAccount: { name: 'eso' } } };

describe('HelmInstall delivered by Argo CD (default)', () => {
  test('GIVEN default delivery THEN one Application pins the chart and carries the values', () => {
    const chart = Testing.chart();
    new HelmInstall(chart, 'Eso', props);
    const objs = Testing.synth(chart);
    expect(objs).toHaveLength(1);
    const app = objs[0];
    expect(app.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(app.kind).toBe('Application');
    expect(app.metadata).toMatchObject({ name: 'external-secrets', namespace: 'argocd' });
    // Cascade delete (foreground), spelled domain-qualified: the API server warns on the bare finalizer name.
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io/foreground']);
    expect(app.spec.source).toEqual({
      repoURL: 'https://charts.external-secrets.io',
      chart: 'external-secrets',
      targetRevision: '2.9.0',
      helm: { releaseName: 'external-secrets', valuesObject: { installCRDs: true, serviceAccount: { name: 'eso' } } },
    });
    expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'external-secrets' });
    expect(app.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'] });
    expectValid(chart);
  });

  test('options: namespace, project, server, manual sync', () => {
    const chart = Testing.chart();
    new HelmInstall(chart, 'Eso', { ...props, delivery: InstallDelivery.argoCd({ namespace: 'gitops', project: 'platform', destinationServer: 'https://10.0.0.1', automated: false }) });
    const app = Testing.synth(chart)[0];
    expect(app.metadata.namespace).toBe('gitops');
    expect(app.spec.project).toBe('platform');
    expect(app.spec.destination.server).toBe('https://10.0.0.1');
    expect(app.spec.syncPolicy.automated).toBeUndefined();
    expectValid(chart);
  });
});

describe('HelmInstall delivered by Flux', () => {
  test('GIVEN flux delivery THEN a HelmRepository v1 and a HelmRelease v2 reference each other', () => {
    const chart = Testing.chart();
    new HelmInstall(chart, 'Eso', { ...props, delivery: InstallDelivery.fluxHelmRelease({ interval: Duration.minutes(10) }) });
    const objs = Testing.synth(chart);
    const repo = objs.find((o) => o.kind === 'HelmRepository');
    const rel = objs.find((o) => o.kind === 'HelmRelease');
    expect(repo.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(repo.spec).toEqual({ url: 'https://charts.external-secrets.io', interval: '10m' });
    expect(rel.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(rel.spec.chart.spec).toEqual({ chart: 'external-secrets', version: '2.9.0', sourceRef: { kind: 'HelmRepository', name: repo.metadata.name, namespace: 'flux-system' } });
    expect(rel.spec.targetNamespace).toBe('external-secrets');
    expect(rel.spec.values).toEqual(props.values);
    expect(rel.spec.interval).toBe('10m');
    expectValid(chart);
  });
});

describe('HelmInstall rendered by helm (opt-in)', () => {
  test('GIVEN helmTemplate delivery THEN the given helm binary renders the chart with the pinned version and values', () => {
    // A stand-in helm that records its arguments and prints one manifest: no network, no real chart.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fakehelm-'));
    const argsFile = path.join(dir, 'args');
    const helm = path.join(dir, 'helm');
    fs.writeFileSync(helm, `#!/bin/sh\necho "$@" > ${argsFile}\ncat <<'Y'\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: eso\n  namespace: external-secrets\nY\n`, { mode: 0o755 });
    const chart = Testing.chart();
    new HelmInstall(chart, 'Eso', { ...props, delivery: InstallDelivery.helmTemplate({ helmExecutable: helm }) });
    const objs = Testing.synth(chart);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/external-secrets', 'ServiceAccount/eso']);
    const args = fs.readFileSync(argsFile, 'utf8');
    expect(args).toMatch(/template/);
    expect(args).toMatch(/--version 2\.9\.0/);
    expect(args).toMatch(/--repo https:\/\/charts\.external-secrets\.io/);
    expect(args).toMatch(/--namespace external-secrets/);
    expectValid(chart);
  });

  test('GIVEN helmTemplate delivery in a chart with a namespace WHEN the chart renders cluster-scoped objects THEN they and the install Namespace carry no namespace', () => {
    // GIVEN a stand-in helm printing a ClusterRole (no namespace, as helm writes it) and a ServiceAccount
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fakehelm-'));
    const helm = path.join(dir, 'helm');
    fs.writeFileSync(helm, '#!/bin/sh\ncat <<\'Y\'\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: eso-controller\nrules: []\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: eso\nY\n', { mode: 0o755 });
    const chart = new Chart(Testing.app(), 'platform', { namespace: 'platform' });

    // WHEN
    new HelmInstall(chart, 'Eso', { ...props, delivery: InstallDelivery.helmTemplate({ helmExecutable: helm }) });
    const objs = Testing.synth(chart);

    // THEN
    expect(objs.map((o) => [o.kind, o.metadata.namespace])).toEqual([['Namespace', undefined], ['ClusterRole', undefined], ['ServiceAccount', 'platform']]);
    expectValid(objs);
  });
});

describe('HelmInstall errors and contract', () => {
  test('a version range is rejected', () => {
    expect(() => new HelmInstall(Testing.chart(), 'X', { ...props, chart: { ...Charts.RELOADER, version: '^2' } }))
      .toThrow(/\[test\/X\] chart.version: must be one exact chart version.*\(got "\^2"\)\. Fix: pin an exact version/);
  });

  test('a bad namespace or release name is rejected', () => {
    expect(() => new HelmInstall(Testing.chart(), 'X', { ...props, namespace: 'External_Secrets' })).toThrow(/\[test\/X\] namespace: must be a DNS-1123 label/);
    expect(() => new HelmInstall(Testing.chart(), 'X', { ...props, releaseName: 'ESO' })).toThrow(/\[test\/X\] releaseName: must be a DNS-1123 label/);
  });

  test('values are copied, not kept by reference', () => {
    const values: any = { a: { b: 1 } };
    const chart = Testing.chart();
    const install = new HelmInstall(chart, 'X', { ...props, values });
    values.a.b = 2;
    expect(install.helmValues).toEqual({ a: { b: 1 } });
    expect(Testing.synth(chart)[0].spec.source.helm.valuesObject).toEqual({ a: { b: 1 } });
  });
});

describe('Charts: the one pinned version table', () => {
  const folders = fs.readdirSync(upstreamPath('chart-values'));
  test.each([
    ['EXTERNAL_SECRETS', Charts.EXTERNAL_SECRETS],
    ['SEALED_SECRETS', Charts.SEALED_SECRETS],
    ['VAULT', Charts.VAULT],
    ['VAULT_SECRETS_OPERATOR', Charts.VAULT_SECRETS_OPERATOR],
    ['RELOADER', Charts.RELOADER],
    ['SECRETS_STORE_CSI_DRIVER', Charts.SECRETS_STORE_CSI_DRIVER],
    ['SECRETS_STORE_CSI_PROVIDER_AWS', Charts.SECRETS_STORE_CSI_PROVIDER_AWS],
  ])('%s matches the pinned upstream chart values folder', (_name, ref) => {
    expect(folders).toContain(`${ref.chart}-${ref.version}`);
    expect(ref.repository).toMatch(/^https:\/\//);
  });

  test('versions are those of the design (UPSTREAM-FACTS)', () => {
    const all = [
      Charts.EXTERNAL_SECRETS, Charts.SEALED_SECRETS, Charts.VAULT, Charts.VAULT_SECRETS_OPERATOR,
      Charts.RELOADER, Charts.SECRETS_STORE_CSI_DRIVER, Charts.SECRETS_STORE_CSI_PROVIDER_AWS,
    ];
    expect(all.map((c) => c.version)).toEqual(['2.9.0', '2.18.5', '0.34.1', '1.4.1', '2.2.16', '1.6.0', '3.1.1']);
  });
});
