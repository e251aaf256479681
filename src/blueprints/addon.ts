import type { ClusterAddOn, ClusterInfo } from '@aws-quickstart/eks-blueprints';
import type * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { ClusterTarget } from '../app/cluster-target';
import { ManifestDeployment } from '../app/cluster-target-options';
import { applyWithCloudFormation, renderTarget, RenderedFile, suppressionsFor, validateTree } from '../app/render';
import { CheckFinding, CheckSeverity } from '../checks/finding';
import { SecretsChecks } from '../checks/secrets-checks';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { IdentityMode } from '../identity/cluster-identity';
import { InstallDelivery } from '../install/delivery';
import { SecretsPlatform, SecretsPlatformProps } from '../platform/platform';

/**
 * Props for `SecretsPlatformAddOn`.
 */
export interface SecretsPlatformAddOnProps {
  /**
   * The platform: which backends are installed (a backend is installed when its options are given, `{}` for the
   * defaults). Installs that do not choose a delivery use the add-on's `delivery`.
   * @default - no backend installed
   */
  readonly platform?: SecretsPlatformProps;
  /**
   * Declares the tenants, their secrets and workloads: called once, in the add-on's `deploy`, with the platform on the
   * cluster target bound to the blueprint's cluster and stack. Other constructs of this library go into charts of
   * `platform.target` (`platform.target.addChart(...)`).
   * @default - the platform's installs only
   */
  readonly configure?: (platform: SecretsPlatform, clusterInfo: ClusterInfo) => void;
  /**
   * The add-on's id: the blueprint names and orders add-ons by it, and it is the id of the construct that holds the
   * platform in the blueprint's stack. A second instance in one blueprint needs its own `id` and `name`.
   * @default 'SecretsPlatformAddOn'
   */
  readonly id?: string;
  /**
   * The cluster target's id: the prefix of the names derived for AWS resources (role names start with
   * `<stackName>-<name>-`) and the construct under which they sit in the blueprint's stack.
   * @default 'secrets'
   */
  readonly name?: string;
  /**
   * How installs reach the cluster.
   * @default InstallDelivery.eksHelmChart(): the blueprint's cluster installs the pinned charts (aws-eks HelmChart),
   * as the Blueprints add-ons do
   */
  readonly delivery?: InstallDelivery;
  /**
   * The identity mechanism workload identities use when they do not choose one.
   * @default - IRSA through the blueprint cluster's OIDC provider
   */
  readonly defaultIdentityMode?: IdentityMode;
  /**
   * The Kubernetes version the posture checks judge the manifests against.
   * @default - the blueprint's cluster version
   */
  readonly kubernetesVersion?: string;
  /**
   * Run the posture checks (`SecretsChecks`) over the manifests when the add-on deploys: error findings fail
   * the blueprint's synth. The checks that read CloudFormation templates need the synthesized template: run
   * `SecretsChecks.check(manifests, templates)` on the cloud assembly for those.
   * @default true
   */
  readonly checks?: boolean;
}

/** What a `SecretsPlatformDeployment` holds. */
interface DeploymentParts {
  readonly platform: SecretsPlatform;
  readonly target: ClusterTarget;
  readonly helmCharts: eks.HelmChart[];
  readonly manifests: eks.KubernetesManifest[];
  readonly objects: any[];
  readonly findings: CheckFinding[];
  readonly files: RenderedFile[];
}

/**
 * The library's output on a blueprint's cluster: the construct the `SecretsPlatformAddOn` returns to the
 * blueprint (its provisioned add-on), holding the target and what was added to the blueprint's stack.
 */
export class SecretsPlatformDeployment extends Construct {
  /** The platform (every underlying construct is reachable from it). */
  public readonly platform: SecretsPlatform;
  /** The cluster target bound to the blueprint's cluster and stack (its charts are in `target.k8sApp`). */
  public readonly target: ClusterTarget;
  /** The aws-eks HelmCharts that install the pinned charts, one per install delivered by `eksHelmChart()`. */
  public readonly helmCharts: eks.HelmChart[];
  /** The aws-eks KubernetesManifests that apply the charts' objects, one per non-empty chart. */
  public readonly manifests: eks.KubernetesManifest[];
  /** The Kubernetes objects applied, in order. */
  public readonly objects: any[];
  /** The posture findings that did not fail the synth (warnings, suppressed findings). */
  public readonly findings: CheckFinding[];
  /**
   * The files that are not Kubernetes manifests (Vault policies and configuration script), for the program to
   * write where its pipeline needs them: CloudFormation does not apply them.
   */
  public readonly files: RenderedFile[];

  /** @internal */
  public constructor(scope: Construct, id: string, build: (self: SecretsPlatformDeployment) => DeploymentParts) {
    super(scope, id);
    const built = build(this);
    this.platform = built.platform;
    this.target = built.target;
    this.helmCharts = built.helmCharts;
    this.manifests = built.manifests;
    this.objects = built.objects;
    this.findings = built.findings;
    this.files = built.files;
  }
}

/**
 * An EKS Blueprints add-on that puts what this library declares onto the blueprint's cluster: a
 * `ClusterTarget` bound to the blueprint's cluster and stack (IRSA through the cluster's OIDC provider, or
 * Pod Identity on the cluster), whose manifests the blueprint's cluster applies (aws-eks `KubernetesManifest`) after
 * the charts it installs (aws-eks `HelmChart`).
 *
 * Load it from its own entry point, `cdk8s-secrets/lib/blueprints`: the main entry point never loads Blueprints.
 *
 * @example
 * const addOn = new SecretsPlatformAddOn({
 *   platform: { externalSecrets: {}, reloader: {} },
 *   configure: (platform) => {
 *     const db = platform.addTenant('shop').addSecretsManagerSecret('db', { remoteKey: 'shop/db' });
 *   },
 * });
 * blueprints.EksBlueprint.builder().account('111122223333').region('eu-west-1').addOns(addOn).build(app, 'eks');
 */
export class SecretsPlatformAddOn implements ClusterAddOn {
  /** The add-on's id. */
  public readonly id: string;
  // Blueprints deep-copies its add-ons (lodash cloneDeep) before deploying them; a function is kept by reference, so
  // the props (callbacks, certificates, constructs captured by them) reach `deploy` as the program passed them.
  private readonly props: () => SecretsPlatformAddOnProps;

  public constructor(props: SecretsPlatformAddOnProps = {}) {
    if (props.configure !== undefined && typeof props.configure !== 'function') {
      throw validationError(`SecretsPlatformAddOn ${props.id ?? 'SecretsPlatformAddOn'}`, {
        code: 'CS-BLUEPRINTS-001',
        prop: 'configure',
        value: props.configure,
        problem: 'must be a function that declares the tenants on the platform',
        fix: 'pass as `configure` a function that takes the SecretsPlatform and adds tenants with its `addTenant` method',
      });
    }
    this.id = props.id ?? 'SecretsPlatformAddOn';
    this.props = () => props;
  }

  /**
   * Called by the blueprint: creates the target and the platform, runs `configure`, checks the result, and adds the
   * installs and manifests to the blueprint's stack.
   */
  public deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const props = this.props();
    const cluster = clusterInfo.cluster;
    const stack = lazy.cdk.Stack.of(cluster);
    const deployment = new SecretsPlatformDeployment(stack, this.id, (host) => {
      const target = ClusterTarget.fromCluster(host, props.name ?? 'secrets', cluster, {
        deployment: ManifestDeployment.CLOUDFORMATION,
        delivery: props.delivery ?? InstallDelivery.eksHelmChart(),
        defaultIdentityMode: props.defaultIdentityMode,
        kubernetesVersion: props.kubernetesVersion ?? clusterInfo.version.version,
      });
      const platform = new SecretsPlatform(target, 'platform', props.platform);
      props.configure?.(platform, clusterInfo);

      const errors = validateTree(target.k8sApp);
      const rendered = renderTarget(target);
      errors.push(...rendered.errors);
      if (errors.length > 0) throw aggregate('Validation failed', errors);

      let findings: CheckFinding[] = [];
      if (props.checks ?? true) {
        const all = SecretsChecks.check(rendered.objects, {}, {
          suppressions: suppressionsFor(target, rendered), kubernetesVersion: target.kubernetesVersion,
        });
        const failed = SecretsChecks.errorsOf(all);
        if (failed.length > 0) {
          throw aggregate('Posture checks failed (suppress a finding with SecretsSuppressions.add(construct, ruleId, reason))', SecretsChecks.format(failed));
        }
        findings = all.filter((f) => f.severity !== CheckSeverity.ERROR || f.suppressedBecause !== undefined);
      }
      const applied = applyWithCloudFormation(target, rendered);
      const manifestFiles = new Set(rendered.charts.map((c) => `${c.fileBase}${target.k8sApp.outputFileExtension}`));
      return {
        platform,
        target,
        helmCharts: applied.helmCharts,
        manifests: applied.manifests,
        objects: rendered.objects,
        findings,
        files: rendered.files.filter((f) => !manifestFiles.has(f.fileName)),
      };
    });
    return Promise.resolve(deployment);
  }
}

function aggregate(title: string, lines: string[]): Error {
  const err = new Error(`${title}:\n  ${lines.join('\n  ')}`);
  err.name = 'ValidationError';
  return err;
}
