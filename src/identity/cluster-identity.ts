import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { concreteAccount, concretePartition } from './bridge';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { isUnresolved, requireConcrete } from '../core/validate';

/**
 * How workloads on a cluster get AWS credentials.
 */
export enum IdentityMode {
  /**
   * IAM Roles for Service Accounts: the pod's projected ServiceAccount token is exchanged through the
   * cluster's OIDC provider (`sts:AssumeRoleWithWebIdentity`). The ServiceAccount carries the
   * `eks.amazonaws.com/role-arn` annotation.
   * @see https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
   */
  IRSA = 'irsa',
  /**
   * EKS Pod Identity: an `AWS::EKS::PodIdentityAssociation` maps the ServiceAccount to the role; the trust
   * admits `pods.eks.amazonaws.com`. No ServiceAccount annotation.
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
   */
  POD_IDENTITY = 'pod-identity',
}

/**
 * An EKS cluster as a source of workload identities (IRSA or Pod Identity).
 */
export interface IClusterIdentity extends IConstruct {
  /** Which identity mechanism roles on this cluster trust. */
  readonly mode: IdentityMode;
  /**
   * The cluster name (required for Pod Identity associations).
   * @default - unknown (IRSA clusters imported by issuer URL or provider ARN)
   */
  readonly clusterName?: string;
  /**
   * The OIDC issuer without scheme, such as `oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`.
   * IAM condition keys are `<oidcIssuer>:aud` and `<oidcIssuer>:sub`.
   * @default - none (Pod Identity)
   */
  readonly oidcIssuer?: string;
  /**
   * The concrete ARN of the cluster's IAM OIDC provider.
   * @default - none (Pod Identity)
   */
  readonly oidcProviderArn?: string;
}

/**
 * Props for `ClusterOidcIdentity`.
 */
export interface ClusterOidcIdentityProps {
  /**
   * The cluster's OIDC issuer URL (`aws eks describe-cluster --query cluster.identity.oidc.issuer`),
   * such as `https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`.
   * Must be a concrete string: it becomes a literal IAM condition key.
   * @default - derived from `providerArn`
   */
  readonly issuerUrl?: string;
  /**
   * The ARN of an existing IAM OIDC provider, such as
   * `arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE`.
   * @default - computed from the stack's account, partition and the issuer
   */
  readonly providerArn?: string;
  /**
   * Create the IAM OIDC provider (`AWS::IAM::OIDCProvider`, audience `sts.amazonaws.com`) in this stack.
   * An account holds one provider per issuer: only create it when nothing else (eksctl, Terraform, the
   * aws-eks `Cluster`) has.
   * @default false
   */
  readonly createProvider?: boolean;
  /**
   * Server certificate thumbprints for a created provider.
   * @default - IAM retrieves the thumbprint itself (EKS issuers are trusted through their CA)
   */
  readonly thumbprints?: string[];
  /**
   * The cluster name, recorded for reference (not used by IRSA trust).
   * @default - unknown
   */
  readonly clusterName?: string;
}

const ISSUER = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(\/[A-Za-z0-9._~-]+)*$/;
const PROVIDER_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):oidc-provider\/(.+)$/;

/**
 * An EKS cluster's IAM OIDC provider, for IRSA. Import it by issuer URL (the provider ARN is computed from
 * the stack's explicit account and partition), by provider ARN, or create it.
 *
 * @example
 * const cluster = ClusterOidcIdentity.fromIssuerUrl(stack, 'Cluster',
 *   'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE');
 */
export class ClusterOidcIdentity extends Construct implements IClusterIdentity {
  /** Imports a cluster's existing OIDC provider by the cluster's issuer URL. */
  public static fromIssuerUrl(scope: Construct, id: string, issuerUrl: string): IClusterIdentity {
    return new ClusterOidcIdentity(scope, id, { issuerUrl });
  }

  /** Imports a cluster's existing OIDC provider by the provider's ARN. */
  public static fromProviderArn(scope: Construct, id: string, providerArn: string): IClusterIdentity {
    return new ClusterOidcIdentity(scope, id, { providerArn });
  }

  /** Always `IdentityMode.IRSA`. */
  public readonly mode = IdentityMode.IRSA;
  /** The OIDC issuer without scheme (the IAM condition key prefix); always set. */
  public readonly oidcIssuer?: string;
  /** The concrete ARN of the IAM OIDC provider; always set. */
  public readonly oidcProviderArn?: string;
  /**
   * The cluster name, when given.
   * @default - unknown
   */
  public readonly clusterName?: string;
  /**
   * The created provider, when `createProvider` is true.
   * @default - none (imported)
   */
  public readonly provider?: iam.OidcProviderNative;

  public constructor(scope: Construct, id: string, props: ClusterOidcIdentityProps) {
    super(scope, id);
    this.clusterName = props.clusterName;
    if (props.issuerUrl === undefined && props.providerArn === undefined) {
      throw validationError(this, {
        code: 'CS-ID-002',
        prop: 'issuerUrl',
        problem: 'is required when providerArn is not given',
        fix: 'pass the cluster\'s OIDC issuer URL (aws eks describe-cluster --query cluster.identity.oidc.issuer) or the OIDC provider ARN',
      });
    }

    let fromArn: { account: string; partition: string; issuer: string } | undefined;
    if (props.providerArn !== undefined) {
      requireConcrete(this, 'providerArn', props.providerArn, 'pass the provider ARN as a literal string, or pass issuerUrl and give the stack an explicit env');
      const m = PROVIDER_ARN.exec(props.providerArn);
      if (!m || !ISSUER.test(m[3])) {
        throw validationError(this, {
          code: 'CS-ID-003',
          prop: 'providerArn',
          value: props.providerArn,
          problem: 'is not an IAM OIDC provider ARN',
          fix: 'use the form arn:aws:iam::111122223333:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>',
        });
      }
      fromArn = { partition: m[1], account: m[2], issuer: m[3] };
    }

    let issuer: string;
    if (props.issuerUrl !== undefined) {
      issuer = parseIssuer(this, props.issuerUrl);
      if (fromArn && fromArn.issuer !== issuer) {
        throw validationError(this, {
          code: 'CS-ID-004',
          prop: 'providerArn',
          value: props.providerArn,
          problem: `names the issuer "${fromArn.issuer}", but issuerUrl is "${issuer}"`,
          fix: 'pass only one of issuerUrl and providerArn, or make them name the same issuer',
        });
      }
    } else {
      issuer = fromArn!.issuer;
    }
    this.oidcIssuer = issuer;

    if (props.createProvider) {
      if (fromArn) {
        throw validationError(this, {
          code: 'CS-ID-005',
          prop: 'createProvider',
          value: true,
          problem: 'cannot be combined with providerArn (an existing provider)',
          fix: 'drop providerArn to create the provider, or drop createProvider to import it',
        });
      }
      this.provider = new lazy.iam.OidcProviderNative(this, 'Provider', {
        url: `https://${issuer}`,
        clientIds: ['sts.amazonaws.com'],
        thumbprints: props.thumbprints,
      });
    }
    this.oidcProviderArn = fromArn
      ? props.providerArn!
      : `arn:${concretePartition(this)}:iam::${concreteAccount(this)}:oidc-provider/${issuer}`;
  }
}

/**
 * Props for `ClusterPodIdentity`.
 */
export interface ClusterPodIdentityProps {
  /**
   * The EKS cluster name (the cluster must run the `eks-pod-identity-agent` add-on).
   */
  readonly clusterName: string;
}

/**
 * An EKS cluster that hands out credentials through EKS Pod Identity.
 *
 * @example
 * const cluster = new ClusterPodIdentity(stack, 'Cluster', { clusterName: 'prod' });
 */
export class ClusterPodIdentity extends Construct implements IClusterIdentity {
  /** Always `IdentityMode.POD_IDENTITY`. */
  public readonly mode = IdentityMode.POD_IDENTITY;
  /** The EKS cluster name; always set. */
  public readonly clusterName?: string;

  public constructor(scope: Construct, id: string, props: ClusterPodIdentityProps) {
    super(scope, id);
    // A token cluster name (for example cluster.clusterName) is fine: it only reaches the association, never a manifest.
    if (!isUnresolved(props.clusterName) && !/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(props.clusterName)) {
      throw validationError(this, {
        code: 'CS-ID-006',
        prop: 'clusterName',
        value: props.clusterName,
        problem: 'is not a valid EKS cluster name (1-100 characters: letters, digits, \'-\' and \'_\', starting with a letter or digit)',
        fix: 'pass the cluster\'s name as shown by `aws eks list-clusters`',
      });
    }
    this.clusterName = props.clusterName;
  }
}

function parseIssuer(scope: IConstruct, issuerUrl: string): string {
  requireConcrete(scope, 'issuerUrl', issuerUrl,
    'pass the issuer URL as a literal string (it becomes an IAM condition key), for example "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"');
  const issuer = issuerUrl.replace(/^https:\/\//, '').replace(/\/+$/, '');
  if (issuer === issuerUrl && issuerUrl.includes('://')) {
    throw validationError(scope, {
      code: 'CS-ID-007',
      prop: 'issuerUrl',
      value: issuerUrl,
      problem: 'must use https',
      fix: 'pass the https:// issuer URL of the cluster',
    });
  }
  if (!ISSUER.test(issuer)) {
    throw validationError(scope, {
      code: 'CS-ID-008',
      prop: 'issuerUrl',
      value: issuerUrl,
      problem: 'is not an OIDC issuer URL (a host and path, no port, no query)',
      fix: 'use the form https://oidc.eks.<region>.amazonaws.com/id/<ID>',
    });
  }
  return issuer;
}
