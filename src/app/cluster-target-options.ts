import type * as cdk from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks';
import { IdentityMode } from '../identity/cluster-identity';
import { InstallDelivery } from '../install/delivery';

/**
 * How a target's Kubernetes manifests reach its cluster.
 */
export enum ManifestDeployment {
  /**
   * Manifests are written to files for a GitOps tool (Argo CD, Flux) to apply. Every value must be concrete at
   * synth: an unresolved CDK token anywhere in a manifest fails synth.
   */
  GITOPS = 'gitops',
  /**
   * Manifests are also applied by CloudFormation to the target's EKS cluster (aws-eks `KubernetesManifest`), so
   * `cdk deploy` installs them. CDK tokens in manifests are allowed (CloudFormation resolves them); plaintext
   * `Secret` data is refused because the manifest lands in the template. Needs a target built with
   * `ClusterTarget.fromCluster`. The files are still written for review.
   */
  CLOUDFORMATION = 'cloudformation',
}

/**
 * IRSA settings of a cluster target: the cluster's IAM OIDC provider.
 */
export interface ClusterTargetIrsaOptions {
  /**
   * The cluster's OIDC issuer URL (`aws eks describe-cluster --query cluster.identity.oidc.issuer`).
   * @default - derived from `providerArn`
   */
  readonly issuerUrl?: string;
  /**
   * The ARN of the cluster's existing IAM OIDC provider.
   * @default - computed from the stack's account and the issuer
   */
  readonly providerArn?: string;
  /**
   * Create the IAM OIDC provider in the target's stack (only when nothing else has: an account holds one
   * provider per issuer).
   * @default false
   */
  readonly createProvider?: boolean;
}

/**
 * Props shared by every way of building a `ClusterTarget`.
 */
export interface ClusterTargetOptions {
  /**
   * The Kubernetes version the cluster runs (`major.minor`, such as `"1.30"`). Synth fails for objects this
   * version cannot accept (see the `kubernetes-version` posture rule).
   * @default "1.31" (the oldest version every pinned install accepts; see docs/conformance.md)
   */
  readonly kubernetesVersion?: string;
  /**
   * The identity mechanism a `WorkloadIdentity` uses when it does not choose one.
   * @default - IRSA when the target has an OIDC issuer, else Pod Identity
   */
  readonly defaultIdentityMode?: IdentityMode;
  /**
   * How installs on this target reach the cluster (the GitOps destination), for installs that do not choose.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;
  /**
   * The folder, relative to the app's output folder, for this target's manifests and files. Use `"."` to write
   * into the app's output folder itself (only when the app has one target).
   * @default - the target's id
   */
  readonly outdir?: string;
  /**
   * How the manifests reach the cluster.
   * @default ManifestDeployment.GITOPS
   */
  readonly deployment?: ManifestDeployment;
  /**
   * Write workload fields in the form the API server stores them (`CanonicalFormResolver`: `2Gi` rather than
   * `2048Mi`, no `minReadySeconds: 0`), so GitOps tools see no drift between the manifest and the live object.
   * @default true
   */
  readonly canonicalForm?: boolean;
}

/**
 * How a target spreads its charts' AWS resources over several stacks (CloudFormation allows 500 resources, 200
 * outputs and 1 MB of template per stack).
 */
export interface StackShardingOptions {
  /**
   * The file that records which stack holds each chart's AWS resources. Commit it with the program: a chart listed
   * there never moves to another stack (moving would replace its resources: a new role ARN, a new secret).
   */
  readonly placementFile: string;
  /**
   * How many charts a stack receives when new charts are placed. Changing it affects only charts placed later.
   * @default 100
   */
  readonly chartsPerStack?: number;
}

/**
 * Props for `ClusterTarget`.
 */
export interface ClusterTargetProps extends ClusterTargetOptions {
  /**
   * The AWS account and region of the cluster. Both must be literal strings: role and secret ARNs written into
   * manifests are computed from them.
   * @default - the env of `stack`; without both, the target has no AWS side (no identities), as for a cluster
   * outside AWS
   */
  readonly env?: cdk.Environment;
  /**
   * The stack that holds this target's AWS resources (identities, grants). Several targets may share one stack;
   * their resources are then kept apart by the target's id.
   * @default - a new stack named after the target, in `env`
   */
  readonly stack?: cdk.Stack;
  /**
   * The stack name of the stack this target creates.
   * @default - the target's id
   */
  readonly stackName?: string;
  /**
   * The EKS cluster name. Required for Pod Identity.
   * @default - none (IRSA only)
   */
  readonly clusterName?: string;
  /**
   * IRSA: the cluster's IAM OIDC provider.
   * @default - no IRSA (Pod Identity only)
   */
  readonly irsa?: ClusterTargetIrsaOptions;
  /**
   * The EKS cluster as an aws-eks construct (needed for `ManifestDeployment.CLOUDFORMATION`).
   * @default - none
   */
  readonly eksCluster?: eks.ICluster;
  /**
   * Spread the charts' AWS resources (workload identities and what they are granted; see
   * `ClusterTarget.stackFor`) over stacks `<stackName>-1`, `<stackName>-2`, ..., placed by a committed file so
   * that no resource ever changes stack. The target's own stack keeps what belongs to the whole cluster (the OIDC
   * provider).
   * @default - every AWS resource of the target in its one stack
   */
  readonly sharding?: StackShardingOptions;
}
