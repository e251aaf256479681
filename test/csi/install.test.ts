import { Duration, Testing } from 'cdk8s';
import { Charts, SecretsStoreCsiAwsProviderInstall, SecretsStoreCsiDriverInstall } from '../../src';
import { expectValid } from '../harness';

describe('SecretsStoreCsiDriverInstall', () => {
  test('GIVEN defaults THEN the pinned chart as release csi-secrets-store in kube-system; sync and rotation off; AWS token audiences', () => {
    const chart = Testing.chart();
    const d = new SecretsStoreCsiDriverInstall(chart, 'Driver');
    const [app] = Testing.synth(chart);
    expect(app.spec.source).toMatchObject({ repoURL: Charts.SECRETS_STORE_CSI_DRIVER.repository, chart: 'secrets-store-csi-driver', targetRevision: '1.6.0' });
    expect(app.spec.source.helm.releaseName).toBe('csi-secrets-store');
    expect(app.spec.destination.namespace).toBe('kube-system');
    expect(d.helmInstall.helmValues).toEqual({
      syncSecret: { enabled: false },
      enableSecretRotation: false,
      tokenRequests: [{ audience: 'sts.amazonaws.com' }, { audience: 'pods.eks.amazonaws.com' }],
    });
    expect(d.syncSecret).toBe(false);
    expectValid(chart);
  });

  test('sync, rotation and its poll interval', () => {
    const chart = Testing.chart();
    const d = new SecretsStoreCsiDriverInstall(chart, 'Driver', { syncSecret: true, enableSecretRotation: true, rotationPollInterval: Duration.minutes(2), tokenAudiences: ['sts.amazonaws.com'] });
    expect(d.helmInstall.helmValues).toEqual({
      syncSecret: { enabled: true },
      enableSecretRotation: true,
      rotationPollInterval: '2m',
      tokenRequests: [{ audience: 'sts.amazonaws.com' }],
    });
    expectValid(chart);
  });

  test.each([
    ['a poll interval without rotation', { rotationPollInterval: Duration.minutes(2) }, /rotationPollInterval: has no effect without enableSecretRotation/],
    ['a zero poll interval', { enableSecretRotation: true, rotationPollInterval: Duration.seconds(0) }, /rotationPollInterval: must be positive/],
    ['an empty audience', { tokenAudiences: [''] }, /tokenAudiences: contains an empty audience/],
  ])('%s is rejected', (_n, props, error) => {
    expect(() => new SecretsStoreCsiDriverInstall(Testing.chart(), 'D', props)).toThrow(error);
  });
});

describe('SecretsStoreCsiAwsProviderInstall', () => {
  test('GIVEN defaults THEN the pinned chart without its range-pinned driver subchart', () => {
    const chart = Testing.chart();
    const p = new SecretsStoreCsiAwsProviderInstall(chart, 'Aws');
    const [app] = Testing.synth(chart);
    expect(app.spec.source).toMatchObject({ chart: 'secrets-store-csi-driver-provider-aws', targetRevision: '3.1.1' });
    expect(p.helmInstall.helmValues).toEqual({ 'useFipsEndpoint': false, 'secrets-store-csi-driver': { install: false } });
    expectValid(chart);
  });

  test('region, FIPS, subchart', () => {
    const p = new SecretsStoreCsiAwsProviderInstall(Testing.chart(), 'Aws', { region: 'eu-central-1', useFipsEndpoint: true, installDriver: true });
    expect(p.helmInstall.helmValues).toEqual({ 'awsRegion': 'eu-central-1', 'useFipsEndpoint': true, 'secrets-store-csi-driver': { install: true } });
  });

  test('a bad region is rejected', () => {
    expect(() => new SecretsStoreCsiAwsProviderInstall(Testing.chart(), 'Aws', { region: 'Frankfurt' })).toThrow(/region: is not an AWS region code/);
  });
});
