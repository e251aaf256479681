import { Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { concreteAccount, concretePartition, fitName } from './bridge';
import { IClusterIdentity, IdentityMode } from './cluster-identity';
import { validationError } from '../core/errors';
import { checkDnsLabel, checkDnsSubdomain, requireConcrete, namespaceOrChart } from '../core/validate';

/** The ServiceAccount annotation that IRSA reads. */
export const IRSA_ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * An AWS identity for exactly one Kubernetes ServiceAccount: an `iam.IPrincipal` on the AWS side and an
 * RBAC subject on the Kubernetes side.
 */
export interface IWorkloadIdentity extends iam.IPrincipal, kplus.ISubject {
  /** IRSA or Pod Identity. */
  readonly mode: IdentityMode;
  /** The ServiceAccount's name. */
  readonly serviceAccountName: string;
  /** The ServiceAccount's namespace. */
  readonly serviceAccountNamespace: string;
  /** The role's ARN as a concrete string (safe to write into manifests). */
  readonly roleArn: string;
  /** The role's name. */
  readonly roleName: string;
  /** The annotations the ServiceAccount needs (the IRSA role ARN; none for Pod Identity). */
  readonly serviceAccountAnnotations: { [key: string]: string };
}

/**
 * Props for {@link WorkloadIdentity}.
 */
export interface WorkloadIdentityProps {
  /** The cluster whose workloads assume the role (IRSA OIDC provider or Pod Identity cluster). */
  readonly cluster: IClusterIdentity;
  /** The cdk8s chart that holds the ServiceAccount. */
  readonly chart: Chart;
  /** The ServiceAccount's name (a DNS-1123 subdomain). */
  readonly serviceAccountName: string;
  /**
   * The ServiceAccount's namespace.
   * @default - the chart's namespace (an error if the chart has none)
   */
  readonly namespace?: string;
  /**
   * The IAM role name. Deterministic so the ARN can be written into manifests at synth.
   * @default - `<stackName>-<namespace>-<serviceAccountName>`, shortened with a hash to 64 characters
   */
  readonly roleName?: string;
  /**
   * Create the ServiceAccount in the chart. Set false when something else creates it (a Helm chart, such as
   * the External Secrets install, which takes {@link WorkloadIdentity.serviceAccountAnnotations} as values).
   * @default true
   */
  readonly createServiceAccount?: boolean;
  /**
   * Mount the ServiceAccount's API token into pods by default.
   * IRSA and Pod Identity do not need it (they use their own projected token).
   * @default false
   */
  readonly automountToken?: boolean;
  /**
   * A description for the role.
   * @default - names the ServiceAccount
   */
  readonly description?: string;
  /**
   * The maximum session duration of the role.
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * A permissions boundary for the role.
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
}

/**
 * An IAM role that exactly one Kubernetes ServiceAccount can assume, with that ServiceAccount.
 *
 * - IRSA: trust `sts:AssumeRoleWithWebIdentity` from the cluster's OIDC provider with `StringEquals` on
 *   `<issuer>:aud = sts.amazonaws.com` and `<issuer>:sub = system:serviceaccount:<namespace>:<name>`; the
 *   ServiceAccount is annotated `eks.amazonaws.com/role-arn: <role ARN>`.
 * - Pod Identity: trust `pods.eks.amazonaws.com` with `sts:AssumeRole` and `sts:TagSession`, plus an
 *   `AWS::EKS::PodIdentityAssociation`; no annotation.
 *
 * The construct lives in a CDK stack (the role) and writes the ServiceAccount into a cdk8s chart. The role
 * ARN in the manifest is computed from the stack's explicit account and partition and the role name, so it
 * is concrete at synth. Grant it like any principal (`secret.grantRead(identity)`), and bind it in RBAC like
 * any ServiceAccount.
 *
 * @example
 * const app = new WorkloadIdentity(stack, 'App', { cluster, chart, namespace: 'shop', serviceAccountName: 'api' });
 */
export class WorkloadIdentity extends Construct implements IWorkloadIdentity {
  /** IRSA or Pod Identity (from the cluster). */
  public readonly mode: IdentityMode;
  /** The IAM role. */
  public readonly role: iam.Role;
  /** The role's name. */
  public readonly roleName: string;
  /** The role's ARN, computed from the stack's account and partition: a concrete string. */
  public readonly roleArn: string;
  /** The ServiceAccount's name. */
  public readonly serviceAccountName: string;
  /** The ServiceAccount's namespace. */
  public readonly serviceAccountNamespace: string;
  /** The ServiceAccount (created in the chart, or a reference when `createServiceAccount` is false). */
  public readonly serviceAccount: kplus.IServiceAccount;
  /** The cluster identity the role trusts. */
  public readonly cluster: IClusterIdentity;
  /**
   * The Pod Identity association (Pod Identity mode only).
   * @default - none (IRSA)
   */
  public readonly podIdentityAssociation?: eks.CfnPodIdentityAssociation;
  /** The role's `sts:AssumeRole*` action, as an IPrincipal. */
  public readonly assumeRoleAction: string;
  /** This identity as a grantable (the role). */
  public readonly grantPrincipal: iam.IPrincipal;
  private readonly annotations: { [key: string]: string };

  public constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.mode = props.cluster.mode;

    const namespace = namespaceOrChart(this, props.namespace, props.chart.namespace);
    this.serviceAccountNamespace = checkDnsLabel(this, 'namespace', requireConcrete(this, 'namespace', namespace, 'pass the namespace as a literal string'));
    this.serviceAccountName = checkDnsSubdomain(this, 'serviceAccountName',
      requireConcrete(this, 'serviceAccountName', props.serviceAccountName, 'pass the ServiceAccount name as a literal string'));

    const stack = Stack.of(this);
    this.roleName = props.roleName ?? fitName(`${stack.stackName}-${this.serviceAccountNamespace}-${this.serviceAccountName}`, 64);
    requireConcrete(this, 'roleName', this.roleName, 'give the role a literal name (roleName), so its ARN can be written into the ServiceAccount');
    if (!/^[\w+=,.@-]{1,64}$/.test(this.roleName)) {
      throw validationError(this, {
        prop: 'roleName',
        value: this.roleName,
        problem: 'is not a valid IAM role name (1-64 characters: letters, digits and +=,.@_-)',
        fix: 'pick a shorter name made of those characters',
      });
    }
    this.roleArn = `arn:${concretePartition(this)}:iam::${concreteAccount(this)}:role/${this.roleName}`;

    const subject = `system:serviceaccount:${this.serviceAccountNamespace}:${this.serviceAccountName}`;
    let assumedBy: iam.IPrincipal;
    if (this.mode === IdentityMode.IRSA) {
      const issuer = props.cluster.oidcIssuer;
      const providerArn = props.cluster.oidcProviderArn;
      if (issuer === undefined || providerArn === undefined) {
        throw validationError(this, {
          prop: 'cluster',
          value: props.cluster.node.path,
          problem: 'is an IRSA cluster identity without an OIDC issuer',
          fix: 'use ClusterOidcIdentity.fromIssuerUrl() or ClusterOidcIdentity.fromProviderArn()',
        });
      }
      // Literal condition keys: the issuer is concrete, so the trust reads as it does in the IAM console.
      assumedBy = new iam.FederatedPrincipal(providerArn, {
        StringEquals: {
          [`${issuer}:aud`]: 'sts.amazonaws.com',
          [`${issuer}:sub`]: subject,
        },
      }, 'sts:AssumeRoleWithWebIdentity');
    } else {
      if (props.cluster.clusterName === undefined) {
        throw validationError(this, {
          prop: 'cluster',
          value: props.cluster.node.path,
          problem: 'is a Pod Identity cluster without a cluster name',
          fix: 'use new ClusterPodIdentity(scope, id, { clusterName })',
        });
      }
      assumedBy = new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com'));
    }

    this.role = new iam.Role(this, 'Role', {
      roleName: this.roleName,
      assumedBy,
      description: props.description ?? `Workload identity of ServiceAccount ${this.serviceAccountNamespace}/${this.serviceAccountName}`,
      maxSessionDuration: props.maxSessionDuration,
      permissionsBoundary: props.permissionsBoundary,
    });
    // A provider created in this program must exist before the role's trust can be used.
    this.role.node.addDependency(props.cluster);
    this.grantPrincipal = this.role;
    this.assumeRoleAction = this.role.assumeRoleAction;

    if (this.mode === IdentityMode.POD_IDENTITY) {
      this.podIdentityAssociation = new eks.CfnPodIdentityAssociation(this, 'PodIdentityAssociation', {
        clusterName: props.cluster.clusterName!,
        namespace: this.serviceAccountNamespace,
        serviceAccount: this.serviceAccountName,
        roleArn: this.role.roleArn,
      });
    }

    this.annotations = this.mode === IdentityMode.IRSA ? { [IRSA_ROLE_ARN_ANNOTATION]: this.roleArn } : {};

    const saId = `ServiceAccount-${this.serviceAccountNamespace}-${this.serviceAccountName}`;
    if (props.chart.node.tryFindChild(saId)) {
      throw validationError(this, {
        prop: 'serviceAccountName',
        value: `${this.serviceAccountNamespace}/${this.serviceAccountName}`,
        problem: `already has a workload identity in chart ${props.chart.node.path}`,
        fix: 'use one WorkloadIdentity per ServiceAccount and grant it everything the workload needs',
      });
    }
    if (props.createServiceAccount ?? true) {
      this.serviceAccount = new kplus.ServiceAccount(props.chart, saId, {
        metadata: {
          name: this.serviceAccountName,
          namespace: this.serviceAccountNamespace,
          annotations: Object.keys(this.annotations).length > 0 ? { ...this.annotations } : undefined,
        },
        automountToken: props.automountToken ?? false,
      });
    } else {
      this.serviceAccount = kplus.ServiceAccount.fromServiceAccountName(props.chart, saId, this.serviceAccountName, {
        namespaceName: this.serviceAccountNamespace,
      });
    }
  }

  /** The annotations the ServiceAccount carries (a copy): the IRSA role ARN, or none under Pod Identity. */
  public get serviceAccountAnnotations(): { [key: string]: string } {
    return { ...this.annotations };
  }

  /** The role's policy fragment, as an IPrincipal. */
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  /**
   * The role's account, as an IPrincipal.
   * @default - the stack's account
   */
  public get principalAccount(): string | undefined {
    return this.role.principalAccount;
  }

  /** Adds a statement to the role's policy. */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.role.addToPrincipalPolicy(statement);
  }

  /** The RBAC subject: the ServiceAccount. */
  public toSubjectConfiguration(): kplus.SubjectConfiguration {
    return this.serviceAccount.toSubjectConfiguration();
  }
}
