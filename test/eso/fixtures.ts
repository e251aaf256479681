import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cdk8s from 'cdk8s';
import { ClusterTarget, SecretsApp, WorkloadIdentity } from '../../src';

export const ISSUER = 'oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const ENV = { account: '111122223333', region: 'eu-central-1' };

/**
 * A SecretsApp with one cluster target (stack `Platform`: IRSA through ISSUER, or Pod Identity on cluster `demo`),
 * a chart `eso` in it and a workload identity for `secrets-demo/eso-reader`.
 */
export function world(options: { podIdentity?: boolean; namespace?: string } = {}) {
  const app = new SecretsApp();
  const awsApp = app.awsApp;
  const cluster = options.podIdentity
    ? ClusterTarget.fromClusterName(app, 'Platform', ENV, 'demo')
    : ClusterTarget.fromIssuerUrl(app, 'Platform', ENV, `https://${ISSUER}`);
  const stack = cluster.stack;
  const k8sApp = cluster.k8sApp;
  const chart = new cdk8s.Chart(k8sApp, 'eso');
  const identity = new WorkloadIdentity(chart, 'Reader', {
    namespace: options.namespace ?? 'secrets-demo', serviceAccountName: 'eso-reader', roleName: 'eso-reader',
  });
  return { app, awsApp, stack, k8sApp, chart, cluster, identity };
}

export function objects(chart: cdk8s.Chart, kind: string): any[] {
  return cdk8s.Testing.synth(chart).filter((o: any) => o.kind === kind);
}

/** All statements of all IAM policies in the stack, flattened. */
export function statements(stack: cdk.Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** Every action granted anywhere in the stack. */
export function allActions(stack: cdk.Stack): string[] {
  return statements(stack).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}

export const SM_ARN = (name: string) => `arn:aws:secretsmanager:eu-central-1:111122223333:secret:${name}-??????`;
