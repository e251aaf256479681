import * as path from 'path';
import { SecretsApp, SecretsAppProps, SynthMode } from '../../src';

/** A SecretsApp that writes both worlds under `dir` (dist/, cdk.out/), quietly and deterministically. */
export function testApp(dir: string, props: SecretsAppProps = {}): SecretsApp {
  return new SecretsApp({
    outdir: path.join(dir, 'dist'),
    cloudAssemblyOutdir: path.join(dir, 'cdk.out'),
    mode: SynthMode.ALL,
    printWarnings: false,
    awsAppProps: { analyticsReporting: false },
    ...props,
  });
}
