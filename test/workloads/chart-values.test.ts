import * as fs from 'fs';
import { Duration, Testing } from 'cdk8s';
import YAML from 'yaml';
import { ReloaderInstall, SecretsStoreCsiAwsProviderInstall, SecretsStoreCsiDriverInstall } from '../../src';
import { upstreamPath } from '../harness';

/** Every key this library sets must exist in the chart's own values.yaml (down to where the chart leaves a free-form map). */
function unknownKeys(ours: any, theirs: any, at = ''): string[] {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(ours)) {
    const p = at ? `${at}.${k}` : k;
    if (theirs === null || typeof theirs !== 'object' || !(k in theirs)) {
      problems.push(p);
      continue;
    }
    const t = theirs[k];
    const theirsIsMapWithKeys = t !== null && typeof t === 'object' && !Array.isArray(t) && Object.keys(t).length > 0;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && theirsIsMapWithKeys) problems.push(...unknownKeys(v, t, p));
  }
  return problems;
}

function chartValues(folder: string): any {
  return YAML.parse(fs.readFileSync(upstreamPath('chart-values', folder, 'values.yaml'), 'utf8'));
}

describe('helm values match the pinned charts', () => {
  test('reloader 2.2.16', () => {
    const r = new ReloaderInstall(Testing.chart(), 'R', { enableCsiIntegration: true, watchNamespaces: ['a'], autoReloadAll: true });
    expect(unknownKeys(r.helmInstall.helmValues, chartValues('reloader-2.2.16'))).toEqual([]);
  });

  test('secrets-store-csi-driver 1.6.0', () => {
    const d = new SecretsStoreCsiDriverInstall(Testing.chart(), 'D', { syncSecret: true, enableSecretRotation: true, rotationPollInterval: Duration.minutes(2) });
    expect(unknownKeys(d.helmInstall.helmValues, chartValues('secrets-store-csi-driver-1.6.0'))).toEqual([]);
  });

  test('secrets-store-csi-driver-provider-aws 3.1.1', () => {
    const p = new SecretsStoreCsiAwsProviderInstall(Testing.chart(), 'P', { region: 'eu-west-1', useFipsEndpoint: true });
    expect(unknownKeys(p.helmInstall.helmValues, chartValues('secrets-store-csi-driver-provider-aws-3.1.1'))).toEqual([]);
  });

  test('the check itself catches a misspelt key', () => {
    expect(unknownKeys({ reloader: { enableCsiIntegration: true } }, chartValues('reloader-2.2.16'))).toEqual(['reloader.enableCsiIntegration']);
  });
});
