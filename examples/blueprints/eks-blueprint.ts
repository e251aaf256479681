// An EKS Blueprints cluster with the secrets platform as an add-on: ESO and Reloader installed by the blueprint's
// cluster, two tenants each reading only their own secrets through a store and an IRSA role of their own (trusted by
// the cluster's OIDC provider). test/blueprints/addon.test.ts synthesizes this program offline and checks its IAM.
// Run: npx ts-node --project test/tsconfig.json examples/blueprints/eks-blueprint.ts (writes cdk.out/blueprints/).
import * as blueprints from '@aws-quickstart/eks-blueprints';
import * as cdk from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { SecretsPlatformAddOn } from '../../src/blueprints'; // in a user's program: 'cdk8s-secrets/lib/blueprints'

export function build(app: cdk.App): Promise<blueprints.EksBlueprint> {
  const secrets = new SecretsPlatformAddOn({
    platform: { externalSecrets: {}, reloader: {} },
    configure: (platform) => {
      const shop = platform.addTenant('shop');
      const db = shop.addSecretsManagerSecret('db', { remoteKey: 'shop/db', keys: { password: 'password' } });
      shop.addParameterStoreSecret('api', { parameters: { 'api-key': '/shop/api-key' } });
      shop.addWorkload('web', { image: 'nginx:1.27', mounts: [{ secret: db, path: '/etc/db' }] });
      platform.addTenant('billing').addSecretsManagerSecret('stripe', { remoteKey: 'billing/stripe' });
    },
  });
  return blueprints.EksBlueprint.builder()
    .account('111122223333').region('eu-west-1')
    .version(eks.KubernetesVersion.V1_31)
    .addOns(secrets)
    .buildAsync(app, 'eks');
}

if (require.main === module) {
  // The VPC spreads over the region's zones: given as context, so synth makes no lookup.
  const app = new cdk.App({
    outdir: 'cdk.out/blueprints',
    context: { 'availability-zones:account=111122223333:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
  });
  void build(app).then(() => app.synth());
}
