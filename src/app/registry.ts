import type * as cdk from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from '../core/errors';

/**
 * How a target reaches the CDK app of the `SecretsApp` it is created in, without an import cycle.
 * @internal
 */
export class SecretsAppAccess {
  /** `awsApp` creates the CDK app on first use (a Kubernetes-only program never needs it). */
  public static register(root: IConstruct, awsApp: () => cdk.App, buildsAws: boolean): void {
    AWS_APPS.set(root, awsApp);
    BUILDS_AWS.set(root, buildsAws);
  }
  /** Whether the app will write (and so must build) AWS resources; false for a Kubernetes-only synth. */
  public static buildsAws(target: IConstruct): boolean {
    return BUILDS_AWS.get(target.node.root) ?? true;
  }
  public static awsAppOf(target: IConstruct): cdk.App {
    const app = AWS_APPS.get(target.node.root);
    if (!app) {
      throw validationError(target, {
        code: 'CS-APP-019', prop: 'scope', problem: 'is not a SecretsApp', fix: 'create each ClusterTarget with a SecretsApp as its scope',
      });
    }
    return app();
  }
  private constructor() {}
}

const AWS_APPS = new WeakMap<IConstruct, () => cdk.App>();
const BUILDS_AWS = new WeakMap<IConstruct, boolean>();
