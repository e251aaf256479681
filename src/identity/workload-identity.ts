import type * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Duration } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { fitName, partitionOfRegion } from './bridge';
import { IdentityMode } from './cluster-identity';
import { ClusterTarget } from '../app/cluster-target';
import { SecretsAppAccess } from '../app/registry';
import { constructPath, validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { checkDnsLabel, checkDnsSubdomain, isUnresolved, requireConcrete, resolveNamespace } from '../core/validate';

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
 * Props for `WorkloadIdentity`.
 */
export interface WorkloadIdentityProps {
  /** The ServiceAccount's name (a DNS-1123 subdomain). */
  readonly serviceAccountName: string;
  /**
   * The ServiceAccount's namespace.
   * @default - the chart's namespace (an error if the chart has none)
   */
  readonly namespace?: string;
  /**
   * How the ServiceAccount gets its AWS credentials: IRSA or EKS Pod Identity.
   * @default - the target's `defaultIdentityMode`
   */
  readonly mode?: IdentityMode;
  /**
   * The IAM role name. Deterministic so the ARN can be written into manifests at synth.
   * @default - `<stackName>-<namespace>-<serviceAccountName>` (with the target's id after the stack name when
   * several targets share the stack), shortened with a hash to 64 characters
   */
  readonly roleName?: string;
  /**
   * Create the ServiceAccount. Set false when something else creates it (a Helm chart, such as the External
   * Secrets install, which takes `WorkloadIdentity.serviceAccountAnnotations` as values).
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

const IDENTITIES = new WeakMap<ClusterTarget, Map<string, string>>();

/**
 * An IAM role that exactly one Kubernetes ServiceAccount can assume, with that ServiceAccount.
 *
 * - IRSA: trust `sts:AssumeRoleWithWebIdentity` from the cluster's OIDC provider with `StringEquals` on
 *   `<issuer>:aud = sts.amazonaws.com` and `<issuer>:sub = system:serviceaccount:<namespace>:<name>`; the
 *   ServiceAccount is annotated `eks.amazonaws.com/role-arn: <role ARN>`.
 * - Pod Identity: trust `pods.eks.amazonaws.com` with `sts:AssumeRole` and `sts:TagSession`, plus an
 *   `AWS::EKS::PodIdentityAssociation`; no annotation.
 *
 * Create it in a chart of a `ClusterTarget`: the ServiceAccount is written into the chart, and the role goes
 * into the target's stack under a path that mirrors the chart's (so equal ids in other charts or targets never
 * collide). The role ARN in the manifest is computed from the target's account and partition and the role name,
 * so it is concrete at synth. Grant it like any principal (`secret.grantRead(identity)`), and bind it in RBAC like
 * any ServiceAccount.
 *
 * @example
 * const app = new WorkloadIdentity(chart, 'App', { namespace: 'shop', serviceAccountName: 'api' });
 */
export class WorkloadIdentity extends Construct implements IWorkloadIdentity {
  /** IRSA or Pod Identity. */
  public readonly mode: IdentityMode;
  /**
   * The IAM role. Under a Kubernetes-only synth (`SynthMode.KUBERNETES`) the role is not built: this is a reference
   * to it by its computed ARN, and grants to it add nothing.
   */
  public readonly role: iam.IRole;
  /** The role's name. */
  public readonly roleName: string;
  /** The role's ARN, computed from the target's account and partition: a concrete string. */
  public readonly roleArn: string;
  /** The ServiceAccount's name. */
  public readonly serviceAccountName: string;
  /** The ServiceAccount's namespace. */
  public readonly serviceAccountNamespace: string;
  /** The ServiceAccount (created in the chart, or a reference when `createServiceAccount` is false). */
  public readonly serviceAccount: kplus.IServiceAccount;
  /** The cluster target whose workloads assume the role. */
  public readonly target: ClusterTarget;
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
    this.target = ClusterTarget.of(this);
    const awsScope = this.target._awsScopeFor(this);
    this.mode = props.mode ?? this.target.defaultIdentityMode;
    this.target._supportsMode(this, 'mode', this.mode);

    const namespace = resolveNamespace(this, 'namespace', props.namespace);
    this.serviceAccountNamespace = checkDnsLabel(this, 'namespace', requireConcrete(this, 'namespace', namespace, 'pass the namespace as a literal string'));
    this.serviceAccountName = checkDnsSubdomain(this, 'serviceAccountName',
      requireConcrete(this, 'serviceAccountName', props.serviceAccountName, 'pass the ServiceAccount name as a literal string'));

    const key = `${this.serviceAccountNamespace}/${this.serviceAccountName}`;
    const known = IDENTITIES.get(this.target) ?? new Map<string, string>();
    IDENTITIES.set(this.target, known);
    if (known.has(key)) {
      throw validationError(this, {
        code: 'CS-ID-009',
        prop: 'serviceAccountName',
        value: key,
        problem: `already has a workload identity on this cluster (${known.get(key)})`,
        fix: 'use one WorkloadIdentity per ServiceAccount and grant it everything the workload needs',
      });
    }
    known.set(key, constructPath(this));

    this.roleName = props.roleName ?? fitName(`${this.target._namePrefix}-${this.serviceAccountNamespace}-${this.serviceAccountName}`, 64);
    requireConcrete(this, 'roleName', this.roleName, 'give the role a literal name (roleName), so its ARN can be written into the ServiceAccount');
    if (!/^[\w+=,.@-]{1,64}$/.test(this.roleName)) {
      throw validationError(this, {
        code: 'CS-ID-010',
        prop: 'roleName',
        value: this.roleName,
        problem: 'is not a valid IAM role name (1-64 characters: letters, digits and +=,.@_-)',
        fix: 'pick a shorter name made of those characters',
      });
    }
    this.roleArn = `arn:${partitionOfRegion(this.target.region)}:iam::${this.target.account}:role/${this.roleName}`;

    if (!SecretsAppAccess.buildsAws(this.target)) {
      // A Kubernetes-only synth writes no CloudFormation: only the role's ARN (for the ServiceAccount) is needed.
      this.role = lazy.iam.Role.fromRoleArn(awsScope, 'Role', this.roleArn, { mutable: false });
    } else {
      const built = this.buildRole(awsScope, props);
      this.role = built.role;
      this.podIdentityAssociation = built.association;
    }
    this.grantPrincipal = this.role;
    this.assumeRoleAction = this.role.assumeRoleAction;

    this.annotations = this.mode === IdentityMode.IRSA ? { [IRSA_ROLE_ARN_ANNOTATION]: this.roleArn } : {};

    if (props.createServiceAccount ?? true) {
      this.serviceAccount = new lazy.kplus.ServiceAccount(this, 'ServiceAccount', {
        metadata: {
          name: this.serviceAccountName,
          namespace: this.serviceAccountNamespace,
          annotations: Object.keys(this.annotations).length > 0 ? { ...this.annotations } : undefined,
        },
        automountToken: props.automountToken ?? false,
      });
    } else {
      this.serviceAccount = lazy.kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', this.serviceAccountName, {
        namespaceName: this.serviceAccountNamespace,
      });
    }
  }

  private buildRole(awsScope: Construct, props: WorkloadIdentityProps): { role: iam.Role; association?: eks.CfnPodIdentityAssociation } {
    const subject = `system:serviceaccount:${this.serviceAccountNamespace}:${this.serviceAccountName}`;
    let assumedBy: iam.IPrincipal;
    if (this.mode === IdentityMode.IRSA) {
      const { issuer, providerArn } = this.target._irsa(this);
      const conditions = {
        [`${issuer}:aud`]: 'sts.amazonaws.com',
        [`${issuer}:sub`]: subject,
      };
      // A concrete issuer gives literal condition keys (the trust reads as it does in the IAM console); the issuer
      // of an aws-eks cluster defined in this program is a token, resolved by CloudFormation through CfnJson.
      assumedBy = new lazy.iam.FederatedPrincipal(providerArn, {
        StringEquals: isUnresolved(issuer) ? new lazy.cdk.CfnJson(awsScope, 'TrustConditions', { value: conditions }) : conditions,
      }, 'sts:AssumeRoleWithWebIdentity');
    } else {
      assumedBy = new lazy.iam.SessionTagsPrincipal(new lazy.iam.ServicePrincipal('pods.eks.amazonaws.com'));
    }

    const role = new lazy.iam.Role(awsScope, 'Role', {
      roleName: this.roleName,
      assumedBy,
      description: props.description ?? `Workload identity of ServiceAccount ${this.serviceAccountNamespace}/${this.serviceAccountName}`,
      maxSessionDuration: props.maxSessionDuration === undefined ? undefined : lazy.cdk.Duration.seconds(props.maxSessionDuration.toSeconds()),
      permissionsBoundary: props.permissionsBoundary,
    });
    // A provider created in this program must exist before the role's trust can be used.
    if (this.mode === IdentityMode.IRSA && this.target.oidc?.provider) role.node.addDependency(this.target.oidc);

    if (this.mode === IdentityMode.POD_IDENTITY) {
      return {
        role,
        association: new lazy.eks.CfnPodIdentityAssociation(awsScope, 'PodIdentityAssociation', {
          clusterName: this.target.clusterName!,
          namespace: this.serviceAccountNamespace,
          serviceAccount: this.serviceAccountName,
          roleArn: role.roleArn,
        }),
      };
    }
    return { role };
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
