import * as cdk from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { ClusterTarget, SecretsApp, SecretsAppProps } from '../src';

/** The EKS cluster's OIDC issuer (`aws eks describe-cluster --query cluster.identity.oidc.issuer`). */
export const ISSUER_URL = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

/**
 * What each part of the example program builds into: one app that owns both worlds, and the one cluster it
 * writes for.
 */
export interface ExampleContext {
  /** The app: `app.synth()` writes manifests, files and CloudFormation. */
  readonly app: SecretsApp;
  /** The example cluster: IRSA through its OIDC issuer, in 111122223333 / eu-west-1. */
  readonly target: ClusterTarget;
  /** The cluster's Kubernetes side: every chart becomes `<chart>.k8s.yaml`. */
  readonly k8sApp: cdk8s.App;
  /** The AWS side: every stack becomes a CloudFormation template. */
  readonly awsApp: cdk.App;
  /** The cluster's stack (identities, grants, entries in the cluster's region). */
  readonly stack: cdk.Stack;
  /** The environment of the cluster's stack. */
  readonly env: cdk.Environment;
}

/** The example's app and cluster target. */
export function exampleContext(props: SecretsAppProps = {}): ExampleContext {
  const env = { account: '111122223333', region: 'eu-west-1' };
  const app = new SecretsApp({ awsAppProps: { analyticsReporting: false }, ...props });
  const target = new ClusterTarget(app, 'example-cluster', {
    env,
    stackName: 'secrets-platform',
    irsa: { issuerUrl: ISSUER_URL },
    kubernetesVersion: '1.31',
    outdir: '.',
  });
  return { app, target, k8sApp: target.k8sApp, awsApp: app.awsApp, stack: target.stack, env };
}
