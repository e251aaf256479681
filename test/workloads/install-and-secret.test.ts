import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Charts, InstallDelivery, KubernetesSecret, ReloaderAnnotations, ReloaderInstall, SecretProducerKind } from '../../src';
import { expectValid } from '../harness';

describe('ReloaderInstall', () => {
  test('GIVEN defaults THEN the pinned chart in kube-system, hardened, annotation-driven', () => {
    const chart = Testing.chart();
    const r = new ReloaderInstall(chart, 'Reloader');
    const [app] = Testing.synth(chart);
    expect(app.kind).toBe('Application');
    expect(app.spec.source).toMatchObject({ repoURL: Charts.RELOADER.repository, chart: 'reloader', targetRevision: '2.2.16' });
    expect(app.spec.destination.namespace).toBe('kube-system');
    expect(r.helmInstall.helmValues).toEqual({
      reloader: {
        autoReloadAll: false,
        enableCSIIntegration: false,
        readOnlyRootFileSystem: true,
        watchGlobally: true,
        deployment: { containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } },
      },
    });
    expect(r.csiIntegration).toBe(false);
    expectValid(chart);
  });

  test('CSI integration, scoped namespaces (sorted, deduplicated), Flux delivery', () => {
    const chart = Testing.chart();
    const r = new ReloaderInstall(chart, 'Reloader', {
      enableCsiIntegration: true,
      watchNamespaces: ['production', 'secrets-demo', 'production'],
      readOnlyRootFilesystem: false,
      namespace: 'reloader',
      releaseName: 'stakater-reloader',
      delivery: InstallDelivery.fluxHelmRelease(),
    });
    expect(r.helmInstall.helmValues.reloader).toMatchObject({ enableCSIIntegration: true, watchGlobally: false, namespaces: ['production', 'secrets-demo'], readOnlyRootFileSystem: false });
    expect(r.helmInstall.releaseName).toBe('stakater-reloader');
    expect(Testing.synth(chart).map((o) => o.kind).sort()).toEqual(['HelmRelease', 'HelmRepository']);
    expectValid(chart);
  });

  test('an empty namespace list is rejected', () => {
    expect(() => new ReloaderInstall(Testing.chart(), 'R', { watchNamespaces: [] })).toThrow(/watchNamespaces: is empty/);
  });

  test('annotation spellings', () => {
    expect(ReloaderAnnotations.AUTO).toBe('reloader.stakater.com/auto');
    expect(ReloaderAnnotations.SECRET_RELOAD).toBe('secret.reloader.stakater.com/reload');
    expect(ReloaderAnnotations.SECRETS_EXCLUDE).toBe('secrets.exclude.reloader.stakater.com/reload');
    expect(ReloaderAnnotations.SECRET_PROVIDER_CLASS_RELOAD).toBe('secretproviderclass.reloader.stakater.com/reload');
    expect(ReloaderAnnotations.SECRET_PROVIDER_CLASS_AUTO).toBe('secretproviderclass.reloader.stakater.com/auto');
    expect(ReloaderAnnotations.DEPLOYMENT_PAUSE_PERIOD).toBe('deployment.reloader.stakater.com/pause-period');
  });
});

describe('KubernetesSecret', () => {
  test('fromName: name, namespace (default: the chart\'s), keys; never restarts', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const s = KubernetesSecret.fromSecretName(chart, 'S', { name: 'app-secrets', keys: ['a', 'b'] });
    expect(s.secretName).toBe('app-secrets');
    expect(s.secretNamespace).toBe('apps');
    expect(s.producerKind).toBe(SecretProducerKind.KUBERNETES);
    expect(s.secretKeys).toEqual(['a', 'b']);
    expect(s.addRolloutRestartTarget({ kind: 'Deployment', name: 'x' })).toBe(false);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('fromPlusSecret: a cdk8s-plus Secret keeps its own namespace; an imported one takes the option', () => {
    const chart = Testing.chart();
    const own = new kplus.Secret(chart, 'Own', { metadata: { name: 'tls', namespace: 'ingress' } });
    expect(KubernetesSecret.fromPlusSecret(chart, 'A', own).secretNamespace).toBe('ingress');
    const imported = kplus.Secret.fromSecretName(chart, 'Imp', 'registry');
    const b = KubernetesSecret.fromPlusSecret(chart, 'B', imported, { namespace: 'ci', keys: ['.dockerconfigjson'] });
    expect([b.secretName, b.secretNamespace, b.secretKeys]).toEqual(['registry', 'ci', ['.dockerconfigjson']]);
  });

  test.each([
    ['a bad name', { name: 'Bad Name', namespace: 'x' }, /name: must be a DNS-1123 subdomain/],
    ['a bad namespace', { name: 'a', namespace: 'a.b' }, /namespace: must be a DNS-1123 label/],
    ['no namespace', { name: 'a' }, /namespace: is required because the chart has no namespace/],
    ['a bad key', { name: 'a', namespace: 'x', keys: ['a/b'] }, /keys\[0\]: must be a valid Secret data key/],
    ['a key twice', { name: 'a', namespace: 'x', keys: ['k', 'k'] }, /keys\[1\]: is listed twice/],
  ])('%s is rejected', (_n, options, error) => {
    expect(() => KubernetesSecret.fromSecretName(Testing.chart(), 'S', options as any)).toThrow(error);
  });
});
