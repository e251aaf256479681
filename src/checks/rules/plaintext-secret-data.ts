import { CheckSeverity } from '../finding';
import { describeK8s, RuleResult } from './util';

/** A Secret with `data` or `stringData` in a manifest puts its values in Git (base64 is not encryption). */
export function plaintextSecretData(objects: any[]): RuleResult[] {
  return objects
    .filter((o) => o?.apiVersion === 'v1' && o?.kind === 'Secret')
    .filter((o) => Object.keys(o.data ?? {}).length + Object.keys(o.stringData ?? {}).length > 0)
    .map((o) => ({
      severity: CheckSeverity.ERROR,
      resource: describeK8s(o),
      message: `carries ${[...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})].sort().join(', ')} in the manifest: `
        + 'the values end up in Git. Produce the Secret with an ExternalSecret, a VSO secret, a SealedSecret or a CSI secretObjects sync instead',
    }));
}
