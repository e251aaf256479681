import type * as cdk from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks';
import * as cdk8s from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterTargetOptions, ClusterTargetProps, ManifestDeployment } from './cluster-target-options';
import { StackPlacement } from './placement';
import { SecretsAppAccess } from './registry';
import { ClusterScopedResolver } from '../core/cluster-scope';
import { setPathPrefix, validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { isUnresolved } from '../core/validate';
import { allowManifestTokens } from '../identity/bridge';
import { ClusterOidcIdentity, IdentityMode } from '../identity/cluster-identity';
import { InstallDelivery } from '../install/delivery';
import { CanonicalFormResolver } from '../workloads/canonical-form';

/** Where the AWS side of IRSA comes from: concrete strings, or tokens of an aws-eks cluster in this program. */
interface IrsaSource {
  readonly issuer: string;
  readonly providerArn: string;
}

const TARGETS = new WeakMap<IConstruct, ClusterTarget>();
const VERSION = /^1\.(\d{1,2})$/;

/**
 * One Kubernetes cluster that the program writes for: its AWS environment and the stack its identities live in,
 * how workloads get AWS identities (IRSA and/or EKS Pod Identity, chosen per ServiceAccount), the GitOps
 * destination of installs, the Kubernetes version it runs and where its output goes.
 *
 * Charts go into `ClusterTarget.k8sApp` (or `ClusterTarget.addChart`); constructs in them find the
 * target themselves, and place their AWS parts (roles, grants) into the target's stack under ids that mirror
 * their path, so the same platform code can be declared for many targets without collisions.
 *
 * @example
 * const app = new SecretsApp();
 * const prod = new ClusterTarget(app, 'prod-euw1', {
 *   env: { account: '111122223333', region: 'eu-west-1' },
 *   irsa: { issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
 * });
 * const chart = prod.addChart('shop', { namespace: 'shop' });
 */
export class ClusterTarget extends Construct {
  /** The oldest Kubernetes version the library supports: every pinned install accepts it (proven in CI). */
  public static readonly OLDEST_SUPPORTED_KUBERNETES_VERSION = '1.31';
  /** The newest Kubernetes version the library supports (proven in CI). */
  public static readonly NEWEST_SUPPORTED_KUBERNETES_VERSION = '1.37';

  /**
   * A target for an aws-eks cluster defined or imported in this program: the stack, IRSA (its OIDC provider,
   * when it has one) and Pod Identity (its name) come from the cluster. Needed for
   * `ManifestDeployment.CLOUDFORMATION`.
   */
  public static fromCluster(scope: Construct, id: string, cluster: eks.ICluster, options: ClusterTargetOptions = {}): ClusterTarget {
    return new ClusterTarget(scope, id, { ...options, stack: lazy.cdk.Stack.of(cluster), clusterName: cluster.clusterName, eksCluster: cluster });
  }

  /** A target whose workloads use IRSA through the cluster's OIDC issuer. */
  public static fromIssuerUrl(
    scope: Construct, id: string, env: cdk.Environment, issuerUrl: string, options: ClusterTargetOptions = {},
  ): ClusterTarget {
    return new ClusterTarget(scope, id, { ...options, env, irsa: { issuerUrl } });
  }

  /** A target whose workloads use EKS Pod Identity on the named cluster. */
  public static fromClusterName(
    scope: Construct, id: string, env: cdk.Environment, clusterName: string, options: ClusterTargetOptions = {},
  ): ClusterTarget {
    return new ClusterTarget(scope, id, { ...options, env, clusterName });
  }

  /**
   * The target that a construct in one of its charts belongs to.
   * @throws when the construct is not in a target's Kubernetes app
   */
  public static of(scope: IConstruct): ClusterTarget {
    const found = ClusterTarget.tryOf(scope);
    if (!found) {
      throw validationError(scope, {
        code: 'CS-APP-001',
        prop: 'scope',
        problem: 'is not in a chart of a ClusterTarget, so the library cannot tell which cluster, account and stack it is for',
        fix: 'create the chart in a target: with the target\'s `addChart` method, or as a Chart whose scope is the target\'s `k8sApp`',
      });
    }
    return found;
  }

  /**
   * The target that a construct belongs to, if any.
   * @default - undefined when the construct is not in a target's Kubernetes app
   */
  public static tryOf(scope: IConstruct): ClusterTarget | undefined {
    return TARGETS.get(scope.node.root);
  }

  /** The cdk8s app that holds this target's charts (one per target, so chart ids may repeat across targets). */
  public readonly k8sApp: cdk8s.App;
  /** Whether the target has an AWS environment (a stack for identities and grants). */
  public readonly hasAws: boolean;
  /** The Kubernetes version the cluster runs (`major.minor`). */
  public readonly kubernetesVersion: string;
  /** The identity mode a WorkloadIdentity uses unless it chooses one. */
  public readonly defaultIdentityMode: IdentityMode;
  /**
   * The EKS cluster name.
   * @default - unknown (IRSA only)
   */
  public readonly clusterName?: string;
  /**
   * The aws-eks cluster.
   * @default - none
   */
  public readonly eksCluster?: eks.ICluster;
  /** The folder, relative to the app's output folder, for this target's output. */
  public readonly outdir: string;
  /** How manifests reach the cluster. */
  public readonly deployment: ManifestDeployment;
  /** The default delivery of installs on this target. */
  public readonly delivery: InstallDelivery;
  /**
   * The cluster's OIDC provider (IRSA), when the target has one.
   * @default - none
   */
  public readonly oidc?: ClusterOidcIdentity;
  /**
   * The prefix of names derived for this target's AWS resources: the stack name, plus the target's id when the
   * stack is shared.
   * @internal
   */
  public readonly _namePrefix: string;
  private readonly irsaSource?: IrsaSource;
  private readonly awsStack?: cdk.Stack;
  private readonly awsRoot?: Construct;
  private readonly awsScopes = new Map<string, Construct>();
  private readonly placement?: StackPlacement;
  private readonly shardStacks = new Map<number, cdk.Stack>();
  private readonly stackEnv?: cdk.Environment;
  private readonly ownsStack: boolean;

  public constructor(scope: Construct, id: string, props: ClusterTargetProps = {}) {
    super(scope, id);
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(id)) {
      throw validationError(this, {
        code: 'CS-APP-002', prop: 'id', value: id, problem: 'must start with a letter and hold only letters, digits and \'-\' (it names a folder and a stack)', fix: 'use an id such as "prod-euw1"',
      });
    }
    this.kubernetesVersion = props.kubernetesVersion ?? ClusterTarget.OLDEST_SUPPORTED_KUBERNETES_VERSION;
    if (!VERSION.test(this.kubernetesVersion)) {
      throw validationError(this, {
        code: 'CS-APP-003', prop: 'kubernetesVersion', value: this.kubernetesVersion, problem: 'must be a Kubernetes minor version "1.<minor>"', fix: 'use a version such as "1.30"',
      });
    }
    this.outdir = props.outdir ?? id;
    const normalizedOut = this.outdir.replace(/\/+$/, '');
    if (normalizedOut.startsWith('/') || normalizedOut.split('/').includes('..') || normalizedOut.length === 0) {
      throw validationError(this, {
        code: 'CS-APP-004', prop: 'outdir', value: this.outdir, problem: 'must be a relative folder inside the app\'s output folder', fix: 'use a folder name such as "prod-euw1", or "." for the output folder itself',
      });
    }
    this.deployment = props.deployment ?? ManifestDeployment.GITOPS;
    this.delivery = props.delivery ?? InstallDelivery.argoCd();

    if (props.stack && props.env) {
      throw validationError(this, {
        code: 'CS-APP-005', prop: 'env', value: props.env, problem: 'cannot be combined with stack (the stack has its own env)', fix: 'pass only one of env and stack',
      });
    }
    this.awsStack = props.stack
      ?? (props.env ? new lazy.cdk.Stack(SecretsAppAccess.awsAppOf(this), props.stackName ?? id, { env: props.env }) : undefined);
    this.hasAws = this.awsStack !== undefined;
    this.ownsStack = this.awsStack !== undefined && props.stack === undefined;
    if (this.awsStack) {
      for (const [prop, value] of [['env.account', this.awsStack.account], ['env.region', this.awsStack.region]]) {
        if (lazy.cdk.Token.isUnresolved(value)) {
          throw validationError(this, {
            code: 'CS-APP-006',
            prop,
            problem: `is not a literal in stack ${this.awsStack.node.path}: ARNs written into manifests are computed from it`,
            fix: 'give the stack an explicit environment: its `env` with `account` (such as "111122223333") and `region` (such as "eu-west-1")',
          });
        }
      }
      // A stack of its own holds the target's resources at its root; a given (possibly shared) one keeps them under
      // the target's id.
      this.awsRoot = props.stack === undefined ? this.awsStack : new Construct(this.awsStack, id);
    }
    if (props.sharding) {
      if (!props.env || props.stack) {
        throw validationError(this, {
          code: 'CS-APP-007', prop: 'sharding', problem: 'needs the target to own its stacks (env, not stack)', fix: 'pass env and leave stack out, or drop sharding',
        });
      }
      this.stackEnv = props.env;
      this.placement = new StackPlacement(this.node.path, props.sharding.placementFile, props.sharding.chartsPerStack ?? 100);
    }
    this._namePrefix = !this.awsStack ? id : props.stack === undefined ? this.awsStack.stackName : `${this.awsStack.stackName}-${id}`;
    if (!this.awsStack && (props.irsa || props.clusterName !== undefined || props.defaultIdentityMode !== undefined)) {
      throw validationError(this, {
        code: 'CS-APP-008',
        prop: 'env',
        problem: 'is required for AWS identities (irsa, clusterName or defaultIdentityMode was given)',
        fix: 'pass `env` with `account` (such as "111122223333") and `region` (such as "eu-west-1"), or pass `stack`',
      });
    }

    this.eksCluster = props.eksCluster;
    this.clusterName = props.clusterName;
    if (props.clusterName !== undefined && !isUnresolved(props.clusterName) && !/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(props.clusterName)) {
      throw validationError(this, {
        code: 'CS-APP-009',
        prop: 'clusterName',
        value: props.clusterName,
        problem: 'is not a valid EKS cluster name (1-100 characters: letters, digits, \'-\' and \'_\', starting with a letter or digit)',
        fix: 'pass the cluster\'s name as shown by `aws eks list-clusters`',
      });
    }

    if (props.irsa) {
      this.oidc = new ClusterOidcIdentity(this._awsScope(['Cluster']), 'OidcProvider', {
        issuerUrl: props.irsa.issuerUrl,
        providerArn: props.irsa.providerArn,
        createProvider: props.irsa.createProvider,
        clusterName: props.clusterName,
      });
      this.irsaSource = { issuer: this.oidc.oidcIssuer!, providerArn: this.oidc.oidcProviderArn! };
    } else if (props.eksCluster) {
      const provider = tryOidcProvider(props.eksCluster);
      if (provider) {
        this.irsaSource = { issuer: provider.openIdConnectProviderIssuer, providerArn: provider.openIdConnectProviderArn };
      }
    }

    this.defaultIdentityMode = props.defaultIdentityMode ?? (this.irsaSource ? IdentityMode.IRSA : IdentityMode.POD_IDENTITY);
    if (this.awsStack && !this.irsaSource && props.clusterName === undefined) {
      throw validationError(this, {
        code: 'CS-APP-010',
        prop: 'irsa',
        problem: 'is missing, and so is clusterName: workloads on this cluster would have no way to get AWS identities',
        fix: 'pass `irsa` with the cluster\'s `issuerUrl` for IRSA, or `clusterName` for EKS Pod Identity (or both); leave `env` out for a cluster without AWS identities',
      });
    }
    if (this.awsStack) this._supportsMode(this, 'defaultIdentityMode', this.defaultIdentityMode);
    if (this.deployment === ManifestDeployment.CLOUDFORMATION && !this.eksCluster) {
      throw validationError(this, {
        code: 'CS-APP-011', prop: 'deployment', value: this.deployment, problem: 'needs the aws-eks cluster the manifests are applied to', fix: 'build the target with `ClusterTarget.fromCluster`, passing the aws-eks cluster and this `deployment`',
      });
    }

    // Cluster-scoped objects never carry a namespace, whatever chart of the target they sit in.
    this.k8sApp = new cdk8s.App({
      outdir: this.outdir,
      resolvers: [new ClusterScopedResolver(), ...((props.canonicalForm ?? true) ? [new CanonicalFormResolver()] : [])],
    });
    TARGETS.set(this.k8sApp, this);
    setPathPrefix(this.k8sApp, this.node.path);
    if (this.deployment === ManifestDeployment.CLOUDFORMATION) allowManifestTokens(this.k8sApp);
  }

  /**
   * The stack that holds this target's AWS resources.
   * @throws when the target has no AWS environment
   */
  public get stack(): cdk.Stack {
    return this.requireAws(this, 'stack');
  }

  /**
   * The AWS account (a literal).
   * @throws when the target has no AWS environment
   */
  public get account(): string {
    return this.requireAws(this, 'account').account;
  }

  /**
   * The AWS region (a literal).
   * @throws when the target has no AWS environment
   */
  public get region(): string {
    return this.requireAws(this, 'region').region;
  }

  /**
   * The stack that holds the AWS resources of a construct's chart: the target's stack, or with sharding the shard
   * the placement file assigns to the chart. Put per-namespace AWS resources (a tenant's Secrets Manager entries)
   * there too, so they move with nothing.
   */
  public stackFor(scope: IConstruct): cdk.Stack {
    const main = this.requireAws(scope, 'env');
    if (!this.placement) return main;
    if (ClusterTarget.tryOf(scope) !== this) {
      throw validationError(scope, { code: 'CS-APP-012', prop: 'scope', problem: `is not in a chart of target ${this.node.path}`, fix: 'pass a construct of one of this target\'s charts' });
    }
    const chart = cdk8s.Chart.of(scope);
    const shard = this.placement.shardOf(chart.node.path);
    let stack = this.shardStacks.get(shard);
    if (!stack) {
      stack = new lazy.cdk.Stack(SecretsAppAccess.awsAppOf(this), `${main.stackName}-${shard}`, { env: this.stackEnv });
      this.shardStacks.set(shard, stack);
    }
    return stack;
  }

  /**
   * Every stack of this target (its own and its shards).
   */
  public get stacks(): cdk.Stack[] {
    if (!this.awsStack) return [];
    const own = this.awsStack.node.scope?.node.tryFindChild(this.awsStack.node.id) === this.awsStack ? [this.awsStack] : [];
    return [...own, ...[...this.shardStacks.entries()].sort(([a], [b]) => a - b).map(([, st]) => st)];
  }

  /**
   * The placement file and its content after this run, when the target shards its stacks.
   * @internal
   */
  public _placementOutput(): { readonly file: string; readonly content: string } | undefined {
    return this.placement ? { file: this.placement.file, content: this.placement.render() } : undefined;
  }

  /**
   * Removes the target's own stack from the CDK app when nothing at all was put in it (CloudFormation refuses a template
   * without resources; with sharding, the charts' resources are in the shard stacks). A stack given in the props is
   * left alone.
   * @internal
   */
  public _dropEmptyOwnStack(): void {
    if (!this.awsStack || !this.ownsStack) return;
    if (this.awsStack.node.findAll().some((c) => c instanceof lazy.cdk.CfnElement)) return;
    this.awsStack.node.scope?.node.tryRemoveChild(this.awsStack.node.id);
  }

  /** Whether `ClusterTarget.kubernetesVersion` is in the supported range. */
  public get kubernetesVersionSupported(): boolean {
    const minor = (v: string) => Number(v.split('.')[1]);
    const v = minor(this.kubernetesVersion);
    return v >= minor(ClusterTarget.OLDEST_SUPPORTED_KUBERNETES_VERSION) && v <= minor(ClusterTarget.NEWEST_SUPPORTED_KUBERNETES_VERSION);
  }

  /** Adds a chart to this target's Kubernetes app. */
  public addChart(id: string, props: cdk8s.ChartProps = {}): cdk8s.Chart {
    return new cdk8s.Chart(this.k8sApp, id, props);
  }

  /**
   * Where IRSA trusts come from (the OIDC issuer and provider ARN), or an error naming the construct that needs it.
   * @internal
   */
  public _irsa(scope: IConstruct): { readonly issuer: string; readonly providerArn: string } {
    this._supportsMode(scope, 'mode', IdentityMode.IRSA);
    return this.irsaSource!;
  }

  /**
   * Throws when the target cannot hand out identities of this mode.
   * @internal
   */
  public _supportsMode(scope: IConstruct, prop: string, mode: IdentityMode): void {
    if (mode === IdentityMode.IRSA && !this.irsaSource) {
      throw validationError(scope, {
        code: 'CS-APP-013', prop, value: mode, problem: `is IRSA, but target ${this.node.path} has no OIDC issuer`, fix: 'give the target `irsa` with the cluster\'s `issuerUrl`, or use `IdentityMode.POD_IDENTITY`',
      });
    }
    if (mode === IdentityMode.POD_IDENTITY && this.clusterName === undefined) {
      throw validationError(scope, {
        code: 'CS-APP-014', prop, value: mode, problem: `is Pod Identity, but target ${this.node.path} has no clusterName`, fix: 'give the target `clusterName`, or use `IdentityMode.IRSA`',
      });
    }
  }

  /**
   * The construct in the target's stack that mirrors a path of the Kubernetes side (created on first use), so AWS
   * resources of constructs with the same id in different charts or targets never collide.
   * @internal
   */
  public _awsScope(segments: string[], requester: IConstruct = this): Construct {
    this.requireAws(requester, 'env');
    return this.mirror(this.awsRoot!, '', segments);
  }

  /**
   * The mirror in the stack of a construct of this target's Kubernetes app.
   * @internal
   */
  public _awsScopeFor(construct: IConstruct): Construct {
    const segments = construct.node.scopes.slice(1).map((s) => s.node.id);
    if (!this.placement) return this._awsScope(segments, construct);
    const stack = this.stackFor(construct);
    return this.mirror(stack, stack.stackName, segments);
  }

  /** The construct at `segments` below `root`, created on first use (cached by path). */
  private mirror(root: Construct, keyPrefix: string, segments: string[]): Construct {
    let scope = root;
    let key = keyPrefix;
    for (const seg of segments) {
      key = `${key}/${seg}`;
      let next = this.awsScopes.get(key);
      if (!next) {
        next = new Construct(scope, seg);
        this.awsScopes.set(key, next);
      }
      scope = next;
    }
    return scope;
  }

  private requireAws(scope: IConstruct, prop: string): cdk.Stack {
    if (!this.awsStack) {
      throw validationError(scope, {
        code: 'CS-APP-015',
        prop,
        problem: `needs AWS, but target ${this.node.path} has no AWS environment`,
        fix: 'give the target `env` with `account` and `region` (and `irsa` or `clusterName` for workload identities)',
      });
    }
    return this.awsStack;
  }
}

function tryOidcProvider(cluster: eks.ICluster): { openIdConnectProviderIssuer: string; openIdConnectProviderArn: string } | undefined {
  try {
    return cluster.openIdConnectProvider;
  } catch {
    // An imported cluster without an OIDC provider: Pod Identity only.
    return undefined;
  }
}
