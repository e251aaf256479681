import { ApiObject, Chart, Duration, Helm } from 'cdk8s';
import { Construct } from 'constructs';
import { ChartReference } from './charts';
import { DeliveryMode, InstallDelivery } from './delivery';
import { ClusterTarget } from '../app/cluster-target';
import { ManifestDeployment } from '../app/cluster-target-options';
import { isClusterScopedKind, omitNamespace } from '../core/cluster-scope';
import { goDuration } from '../core/duration';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { checkDnsLabel } from '../core/validate';

/**
 * Props for `HelmInstall`.
 */
export interface HelmInstallProps {
  /** The pinned chart. Use a `Charts` constant. */
  readonly chart: ChartReference;
  /** The Helm release name. */
  readonly releaseName: string;
  /** The namespace the chart installs into. */
  readonly namespace: string;
  /**
   * Helm values. Install constructs build these from typed props; values are copied, never kept by reference.
   * @default - the chart's defaults
   */
  readonly values?: { [key: string]: any };
  /**
   * How the install reaches the cluster.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;
}

/**
 * A pinned Helm chart install, delivered as an Argo CD Application, a Flux HelmRelease, or (opt-in)
 * manifests rendered by helm. The subsystem installs (External Secrets, Sealed Secrets, Vault, Reloader,
 * CSI) are built on this, so their values and the rest of the program share one source.
 */
export class HelmInstall extends Construct {
  /** The pinned chart. */
  public readonly chart: ChartReference;
  /** The Helm release name. */
  public readonly releaseName: string;
  /** The namespace the chart installs into. */
  public readonly namespace: string;
  /** The delivery mode in use. */
  public readonly delivery: InstallDelivery;
  private readonly values: { [key: string]: any };

  public constructor(scope: Construct, id: string, props: HelmInstallProps) {
    super(scope, id);
    this.chart = props.chart;
    this.releaseName = checkDnsLabel(this, 'releaseName', props.releaseName);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace);
    this.delivery = props.delivery ?? ClusterTarget.tryOf(this)?.delivery ?? InstallDelivery.argoCd();
    this.values = deepCopy(props.values ?? {});
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(props.chart.version)) {
      throw validationError(this, {
        code: 'CS-INSTALL-001',
        prop: 'chart.version',
        value: props.chart.version,
        problem: 'must be one exact chart version; ranges and "latest" make installs unreproducible',
        fix: 'pin an exact version such as "2.9.0" (see Charts)',
      });
    }

    switch (this.delivery._mode) {
      case DeliveryMode.ARGO_CD:
        this.renderArgo();
        break;
      case DeliveryMode.FLUX:
        this.renderFlux();
        break;
      case DeliveryMode.HELM_TEMPLATE:
        this.renderHelm();
        break;
      case DeliveryMode.EKS_HELM_CHART:
        this.checkEksTarget();
        break;
    }
  }

  /** A copy of the Helm values this install passes to the chart. */
  public get helmValues(): { [key: string]: any } {
    return deepCopy(this.values);
  }

  /** The aws-eks HelmChart is added when the target's manifests are applied; here the target is checked. */
  private checkEksTarget(): void {
    const target = ClusterTarget.tryOf(this);
    if (!target?.eksCluster || target.deployment !== ManifestDeployment.CLOUDFORMATION) {
      throw validationError(this, {
        code: 'CS-INSTALL-002',
        prop: 'delivery',
        value: 'InstallDelivery.eksHelmChart()',
        problem: 'needs a target whose manifests CloudFormation applies to an aws-eks cluster (it installs the chart through that cluster)',
        fix: 'create the chart in a target built with `ClusterTarget.fromCluster` and `deployment` `ManifestDeployment.CLOUDFORMATION`, or use `InstallDelivery.argoCd()`',
      });
    }
    const timeout = this.delivery._eks.timeout;
    if (timeout && (timeout.toSeconds() < 1 || timeout.toSeconds() > 15 * 60)) {
      throw validationError(this, {
        code: 'CS-INSTALL-003',
        prop: 'delivery.timeout',
        value: `${timeout.toSeconds()}s`,
        problem: 'must be between 1 second and 15 minutes (the aws-eks HelmChart runs helm in a Lambda function, which stops after 15 minutes)',
        fix: 'use a timeout such as `Duration.minutes(10)`',
      });
    }
  }

  private renderArgo(): void {
    const o = this.delivery._argo;
    const argoNs = checkDnsLabel(this, 'delivery.namespace', o.namespace ?? 'argocd');
    new lazy.argo.Application(this, 'Resource', {
      metadata: {
        name: this.releaseName,
        namespace: argoNs,
        // Argo CD's foreground cascade-delete finalizer, in its domain-qualified spelling: the API server warns on
        // the bare `resources-finalizer.argocd.argoproj.io` (Kubernetes 1.29+); both mean the same to Argo CD.
        finalizers: ['resources-finalizer.argocd.argoproj.io/foreground'],
      },
      spec: {
        project: o.project ?? 'default',
        source: {
          repoUrl: this.chart.repository,
          chart: this.chart.chart,
          targetRevision: this.chart.version,
          helm: {
            releaseName: this.releaseName,
            valuesObject: this.values,
          },
        },
        destination: {
          server: o.destinationServer ?? 'https://kubernetes.default.svc',
          namespace: this.namespace,
        },
        syncPolicy: {
          ...(o.automated === false ? {} : { automated: { prune: true, selfHeal: true } }),
          syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
        },
      },
    });
  }

  private renderFlux(): void {
    const o = this.delivery._flux;
    const fluxNs = checkDnsLabel(this, 'delivery.namespace', o.namespace ?? 'flux-system');
    const interval = (o.interval ?? Duration.hours(1));
    const intervalText = goDuration(interval);
    const repo = new lazy.fluxSource.HelmRepository(this, 'Repository', {
      metadata: { name: this.releaseName, namespace: fluxNs },
      spec: { url: this.chart.repository, interval: intervalText },
    });
    new lazy.fluxHelm.HelmRelease(this, 'Resource', {
      metadata: { name: this.releaseName, namespace: fluxNs },
      spec: {
        interval: intervalText,
        releaseName: this.releaseName,
        targetNamespace: this.namespace,
        storageNamespace: this.namespace,
        install: { createNamespace: true },
        chart: {
          spec: {
            chart: this.chart.chart,
            version: this.chart.version,
            sourceRef: { kind: lazy.fluxHelm.HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: repo.name, namespace: fluxNs },
          },
        },
        values: this.values,
      },
    });
  }

  private renderHelm(): void {
    const o = this.delivery._helm;
    const ns = new lazy.kplus.Namespace(this, 'Namespace', { metadata: { name: this.namespace } });
    omitNamespace(ApiObject.of(ns));
    const helm = new Helm(this, 'Resource', {
      chart: this.chart.chart,
      repo: this.chart.repository,
      version: this.chart.version,
      releaseName: this.releaseName,
      namespace: this.namespace,
      values: this.values,
      helmExecutable: o.helmExecutable,
      helmFlags: ['--include-crds'],
    });
    // The chart's CRDs, ClusterRoles and webhooks are cluster-scoped: cdk8s would give them this chart's namespace.
    for (const obj of helm.apiObjects) if (isClusterScopedKind(obj.apiVersion, obj.kind)) omitNamespace(obj);
  }

  /** The API objects this install emits (the Application, or the HelmRepository and HelmRelease, or the rendered chart). */
  public get apiObjects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }

  /** The namespace of the chart this install lives in, for objects that must sit beside it. */
  public get chartNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }
}

function deepCopy<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}
