import * as cdk from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';

/**
 * What each part of the example program builds into: one cdk8s App (manifests) and one CDK App
 * (CloudFormation), from the same program.
 */
export interface ExampleContext {
  /** The Kubernetes side: every chart becomes dist/<chart>.k8s.yaml. */
  readonly k8sApp: cdk8s.App;
  /** The AWS side: every stack becomes dist/<stack>.template.json. */
  readonly awsApp: cdk.App;
  /** The environment every stack in the example uses (explicit, so ARNs in manifests are concrete). */
  readonly env: cdk.Environment;
  /** Folder of the pinned upstream files (example-cert.pem for sealing). */
  readonly upstream: string;
}
