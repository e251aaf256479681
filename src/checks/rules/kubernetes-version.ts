import { CheckSeverity } from '../finding';
import { describeK8s, RuleResult } from './util';

/** `1.28`, `v1.28.4` -> [1, 28]; undefined when it is not a version. @internal */
export function parseKubernetesVersion(v: string | undefined): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(\.\d+)?$/.exec((v ?? '').trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const atLeast = (have: [number, number], need: [number, number]) => have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]);
const semver = (v: unknown): number[] | undefined => {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(v ?? ''));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
};
const semverAtLeast = (v: number[], min: number[]) => {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
};

/** Built-in API versions removed from Kubernetes (the upstream deprecation guide): group/version (kinds) -> the release that removed it. */
const REMOVED: Array<{ apiVersion: string; kinds?: string[]; removedIn: [number, number]; use: string }> = [
  { apiVersion: 'extensions/v1beta1', removedIn: [1, 22], use: 'apps/v1 or networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: [1, 22], use: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', removedIn: [1, 22], use: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', removedIn: [1, 22], use: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', removedIn: [1, 22], use: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: [1, 25], use: 'batch/v1' },
  { apiVersion: 'policy/v1beta1', removedIn: [1, 25], use: 'policy/v1 (PodSecurityPolicy has no successor: use Pod Security admission)' },
  { apiVersion: 'autoscaling/v2beta1', removedIn: [1, 25], use: 'autoscaling/v2' },
  { apiVersion: 'autoscaling/v2beta2', removedIn: [1, 26], use: 'autoscaling/v2' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: [1, 27], use: 'storage.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', removedIn: [1, 29], use: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', removedIn: [1, 32], use: 'flowcontrol.apiserver.k8s.io/v1' },
];

/**
 * Charts whose install needs a newer Kubernetes (measured on real API servers, or declared in Chart.yaml):
 * ESO 2.9.0's ExternalSecret CRD carries `selectableFields` (1.30+; server-side apply on older servers fails);
 * the Secrets Store CSI driver chart 1.6.0 declares `kubeVersion: >=1.30`.
 */
const CHARTS: Array<{ chart: string; from: number[]; needs: [number, number]; why: string }> = [
  { chart: 'external-secrets', from: [2, 9, 0], needs: [1, 30], why: 'its ExternalSecret CRD uses selectableFields (Kubernetes 1.30+); the apply fails on older servers' },
  { chart: 'secrets-store-csi-driver', from: [1, 6, 0], needs: [1, 30], why: 'the chart declares kubeVersion >= 1.30' },
];

/** Kinds whose CRDs (ESO 2.9.0) an older API server refuses: PushSecret CEL rules exceed the 1.28-1.30 cost budget. */
const KINDS: Array<{ group: string; kinds: string[]; needs: [number, number]; why: string }> = [
  {
    group: 'external-secrets.io',
    kinds: ['PushSecret', 'ClusterPushSecret'],
    needs: [1, 31],
    why: 'the ESO 2.9.0 CRD for it exceeds the CEL cost budget of older API servers (1.28 refuses it, 1.31 accepts it)',
  },
];

/** The chart name and version an Argo CD Application or a Flux HelmRelease installs, if it names one. @internal */
export function chartInstalls(o: any): Array<{ chart: string; version: string }> {
  const out: Array<{ chart: string; version: string }> = [];
  if (o?.kind === 'Application' && String(o.apiVersion).startsWith('argoproj.io/')) {
    for (const s of [o.spec?.source, ...(Array.isArray(o.spec?.sources) ? o.spec.sources : [])]) {
      if (s?.chart && s?.targetRevision) out.push({ chart: String(s.chart), version: String(s.targetRevision) });
    }
  } else if (o?.kind === 'HelmRelease' && String(o.apiVersion).startsWith('helm.toolkit.fluxcd.io/')) {
    const c = o.spec?.chart?.spec;
    if (c?.chart && c?.version) out.push({ chart: String(c.chart), version: String(c.version) });
  }
  return out;
}

/**
 * Objects the declared Kubernetes version cannot accept: built-in API versions it no longer serves, chart installs
 * that need a newer server, and custom resources whose CRDs it refuses. Runs only when a version is given
 * (`SecretsChecksOptions.kubernetesVersion`, `doctor --kubernetes-version`).
 */
export function kubernetesVersion(objects: any[], declared: string | undefined): RuleResult[] {
  const have = parseKubernetesVersion(declared);
  if (!have) return [];
  const shown = `${have[0]}.${have[1]}`;
  const out: RuleResult[] = [];
  for (const o of objects) {
    const removed = REMOVED.find((r) => r.apiVersion === o?.apiVersion && (!r.kinds || r.kinds.includes(o.kind)));
    if (removed && atLeast(have, removed.removedIn)) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource: describeK8s(o),
        message: `uses ${o.apiVersion}, which Kubernetes ${removed.removedIn.join('.')} removed (declared version ${shown}). Use ${removed.use}`,
      });
    }
    const [group] = String(o?.apiVersion ?? '').split('/');
    const kind = KINDS.find((k) => k.group === group && k.kinds.includes(o.kind));
    if (kind && !atLeast(have, kind.needs)) {
      out.push({
        severity: CheckSeverity.ERROR,
        resource: describeK8s(o),
        message: `needs Kubernetes ${kind.needs.join('.')} or later (declared version ${shown}): ${kind.why}. Upgrade the cluster or drop the ${o.kind}`,
      });
    }
    for (const install of chartInstalls(o)) {
      const v = semver(install.version);
      const rule = CHARTS.find((c) => c.chart === install.chart && v !== undefined && semverAtLeast(v, c.from));
      if (rule && !atLeast(have, rule.needs)) {
        out.push({
          severity: CheckSeverity.ERROR,
          resource: describeK8s(o),
          message: `installs chart ${install.chart} ${install.version}, which needs Kubernetes ${rule.needs.join('.')} or later (declared version ${shown}): ${rule.why}. `
            + 'Upgrade the cluster or pin an older chart',
        });
      }
    }
  }
  return out;
}
