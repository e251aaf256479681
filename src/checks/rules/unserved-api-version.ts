import { CheckSeverity } from '../finding';
import { describeK8s, RuleResult } from './util';

interface Retired {
  readonly group: string;
  readonly versions: string[];
  readonly kinds?: string[];
  readonly use: string;
  readonly severity: CheckSeverity;
  readonly why: string;
}

/**
 * API versions of the secret operators and delivery tools that the current releases no longer serve (error) or
 * have deprecated (warning). Facts from the operators' CRDs: ESO serves only v1 for these kinds since 0.17
 * (v1beta1 `served: false`); the Secrets Store CSI driver still serves v1alpha1 but deprecates it; Flux deprecates the
 * beta HelmRelease and HelmRepository versions.
 */
const RETIRED: Retired[] = [
  {
    group: 'external-secrets.io',
    versions: ['v1beta1', 'v1alpha1'],
    kinds: ['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'ClusterExternalSecret'],
    use: 'external-secrets.io/v1',
    severity: CheckSeverity.ERROR,
    why: 'External Secrets Operator no longer serves it (0.17 and later): the apply fails on upgrade',
  },
  {
    group: 'secrets-store.csi.x-k8s.io',
    versions: ['v1alpha1'],
    use: 'secrets-store.csi.x-k8s.io/v1',
    severity: CheckSeverity.WARNING,
    why: 'the Secrets Store CSI driver deprecates it',
  },
  {
    group: 'helm.toolkit.fluxcd.io',
    versions: ['v2beta1', 'v2beta2'],
    use: 'helm.toolkit.fluxcd.io/v2',
    severity: CheckSeverity.WARNING,
    why: 'Flux deprecates it (v2 is GA since Flux 2.3)',
  },
  {
    group: 'source.toolkit.fluxcd.io',
    versions: ['v1beta1', 'v1beta2'],
    kinds: ['HelmRepository', 'GitRepository'],
    use: 'source.toolkit.fluxcd.io/v1',
    severity: CheckSeverity.WARNING,
    why: 'Flux deprecates it',
  },
];

/** An object on an API version its operator no longer serves or deprecates. */
export function unservedApiVersion(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  for (const o of objects) {
    const [group, version] = String(o?.apiVersion ?? '').split('/');
    const hit = RETIRED.find((r) => r.group === group && r.versions.includes(version) && (!r.kinds || r.kinds.includes(o.kind)));
    if (!hit) continue;
    out.push({
      severity: hit.severity,
      resource: describeK8s(o),
      message: `uses ${o.apiVersion}: ${hit.why}. Use ${hit.use} (\`cdk8s-secrets import\` rewrites it)`,
    });
  }
  return out;
}
