// Benchmark scenario (a child of bench/run.ts): N workload identities (IRSA roles with their ServiceAccounts)
// and N Secrets Manager entries, each identity allowed to read its entry, in stacks of at most PER_STACK of each
// (one stack up to PER_STACK: three resources per identity keep a stack under CloudFormation's 500 resources and
// its template under 1 MB, which the library checks at synth); `lib` uses this library, `bare` writes the same
// resources in as many stacks with plain aws-cdk-lib. Synth is `cdk.App.synth()` (and the cdk8s chart for the
// ServiceAccounts of the library variant).
//
//   node .bench/build/bench/scenarios/aws.js <lib|bare> <count> <outdir>
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { SecretsManagerEntry, WorkloadIdentity } from '../../src';
import { ClusterTarget, SecretsApp, SynthMode } from '../../src/app';
import { measure } from '../harness';

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
/** Identities (and entries) per stack. */
export const PER_STACK = 150;

if (require.main === module) {
  const [variant, countArg, outdir] = process.argv.slice(2);
  const count = Number(countArg);
  measure(() => {
    const env = { account: '111122223333', region: 'eu-west-1' };
    if (variant === 'lib') {
      // The app object in AWS mode: the cloud assembly only (identities, entries, grants), as `cdk synth` runs it.
      const app = new SecretsApp({
        outdir: `${outdir}/k8s`,
        cloudAssemblyOutdir: `${outdir}/cdk.out`,
        mode: SynthMode.AWS,
      });
      // One target (one stack, one chart of ServiceAccounts) per PER_STACK identities.
      for (let start = 0; start < count; start += PER_STACK) {
        const shard = start / PER_STACK;
        const target = new ClusterTarget(app, `identities-${shard}`, { env, irsa: { issuerUrl: `https://${ISSUER}` }, outdir: `identities-${shard}` });
        const chart = target.addChart('identities', { namespace: 'apps' });
        for (let i = start; i < Math.min(count, start + PER_STACK); i++) {
          const identity = new WorkloadIdentity(chart, `Id${i}`, { serviceAccountName: `app-${i}` });
          const entry = new SecretsManagerEntry(target.stack, `Entry${i}`, { secretName: `apps/app-${i}/db`, generateKey: 'password' });
          entry.grantGetSecretValue(identity);
        }
      }
      app.synth();
    } else {
      const cdkApp = new cdk.App({ outdir: `${outdir}/cdk.out` });
      let stack!: cdk.Stack;
      let provider!: iam.IOpenIdConnectProvider;
      for (let i = 0; i < count; i++) {
        if (i % PER_STACK === 0) {
          stack = new cdk.Stack(cdkApp, `identities-${i / PER_STACK}`, { env });
          provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Cluster', `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`);
        }
        const role = new iam.Role(stack, `Id${i}`, {
          roleName: `identities-${Math.floor(i / PER_STACK)}-apps-app-${i}`,
          assumedBy: new iam.WebIdentityPrincipal(provider.openIdConnectProviderArn, {
            StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: `system:serviceaccount:apps:app-${i}` },
          }),
        });
        const secret = new secretsmanager.Secret(stack, `Entry${i}`, {
          secretName: `apps/app-${i}/db`,
          generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'password' },
        });
        role.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [`arn:aws:secretsmanager:eu-west-1:111122223333:secret:apps/app-${i}/db-??????`],
        }));
        void secret;
      }
      cdkApp.synth();
    }
  }, outdir);
}
