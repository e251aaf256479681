// Benchmark scenario (a child of bench/run.ts): a platform of N tenants, both worlds. Each tenant is a namespace
// with a workload identity (IRSA role + ServiceAccount), a Secrets Manager entry, a SecretStore, an ExternalSecret
// that grants the identity GetSecretValue on the entry, and a Deployment that mounts the produced Secret (with its
// Reloader annotation). `lib` is this library through SecretsApp (a chart per tenant, the AWS side sharded over
// stacks by a placement file); `bare` writes comparable objects with plain cdk8s ApiObjects (a chart per tenant,
// cdk8s App.synth) and plain aws-cdk-lib resources in the same number of stacks.
//
//   node .bench/build/bench/scenarios/tenants.js <lib|bare> <count> <outdir> [chartsPerStack]
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Duration } from 'cdk8s';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AwsAuth, ExternalSecret, SecretConsumer, SecretsManagerEntry, SecretStore, StoreProvider, WorkloadIdentity } from '../../src';
import { ClusterTarget, SecretsApp, SynthMode } from '../../src/app';
import { measure } from '../harness';

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const ENV = { account: '111122223333', region: 'eu-west-1' };

/** Stacks, the largest resource count and the largest template of a cloud assembly folder. */
function assemblyFigures(dir: string): { [key: string]: number } {
  const templates = fs.readdirSync(dir).filter((f) => f.endsWith('.template.json'));
  let maxResources = 0;
  let maxBytes = 0;
  for (const f of templates) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    maxBytes = Math.max(maxBytes, Buffer.byteLength(text));
    maxResources = Math.max(maxResources, Object.keys(JSON.parse(text).Resources ?? {}).length);
  }
  return { stacks: templates.length, maxResources, maxTemplateBytes: maxBytes };
}

function lib(count: number, outdir: string, chartsPerStack: number): void {
  const app = new SecretsApp({
    outdir: `${outdir}/dist`,
    cloudAssemblyOutdir: `${outdir}/cdk.out`,
    mode: SynthMode.ALL,
    printWarnings: false,
    awsAppProps: { analyticsReporting: false },
  });
  const target = new ClusterTarget(app, 'platform', {
    env: ENV,
    irsa: { issuerUrl: `https://${ISSUER}` },
    outdir: '.',
    sharding: { placementFile: `${outdir}/placement.json`, chartsPerStack },
  });
  for (let i = 0; i < count; i++) {
    const ns = `tenant-${i}`;
    const chart = target.addChart(ns, { namespace: ns });
    const identity = new WorkloadIdentity(chart, 'Reader', { serviceAccountName: 'reader' });
    const entry = new SecretsManagerEntry(target.stackFor(chart), `Db${i}`, { secretName: `${ns}/db`, generateKey: 'password' });
    const store = new SecretStore(chart, 'Store', {
      name: 'aws', provider: StoreProvider.awsSecretsManager({ region: ENV.region, auth: AwsAuth.serviceAccount(identity) }),
    });
    const db = new ExternalSecret(chart, 'Db', {
      name: 'db', store, refreshInterval: Duration.hours(1), data: [{ secretKey: 'password', secretsManagerEntry: entry, property: 'password' }],
    });
    const deployment = new kplus.Deployment(chart, 'App', { metadata: { name: 'app' }, securityContext: { user: 1000, group: 1000, fsGroup: 2000 } });
    const container = deployment.addContainer({ name: 'app', image: 'ghcr.io/example/app:1.0.0', portNumber: 8080 });
    SecretConsumer.of(deployment).mount(container, db, { path: '/etc/secrets/db' });
  }
  app.synth();
}

function bare(count: number, outdir: string, chartsPerStack: number): void {
  const k8sApp = new cdk8s.App({ outdir: `${outdir}/dist` });
  const cdkApp = new cdk.App({ outdir: `${outdir}/cdk.out`, analyticsReporting: false });
  const stacks: cdk.Stack[] = [];
  const providerArn = `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`;
  for (let i = 0; i < count; i++) {
    const ns = `tenant-${i}`;
    const s = Math.floor(i / chartsPerStack);
    const stack = stacks[s] ?? (stacks[s] = new cdk.Stack(cdkApp, `platform-${s + 1}`, { env: ENV }));
    const role = new iam.Role(stack, `${ns}Reader`, {
      roleName: `platform-${ns}-reader`,
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: `system:serviceaccount:${ns}:reader` },
      }),
    });
    new secretsmanager.Secret(stack, `Db${i}`, { secretName: `${ns}/db`, generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'password' } });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'], resources: [`arn:aws:secretsmanager:eu-west-1:111122223333:secret:${ns}/db-??????`],
    }));

    const chart = new cdk8s.Chart(k8sApp, ns, { namespace: ns });
    const roleArn = `arn:aws:iam::111122223333:role/platform-${ns}-reader`;
    new cdk8s.ApiObject(chart, 'Sa', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'reader', annotations: { 'eks.amazonaws.com/role-arn': roleArn } },
      automountServiceAccountToken: false,
    } as any);
    new cdk8s.ApiObject(chart, 'Store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'aws' },
      spec: { provider: { aws: { service: 'SecretsManager', region: ENV.region, auth: { jwt: { serviceAccountRef: { name: 'reader' } } } } } },
    } as any);
    new cdk8s.ApiObject(chart, 'Db', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: 'aws' },
        target: { name: 'db', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [{ secretKey: 'password', remoteRef: { key: `${ns}/db`, property: 'password', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } }],
      },
    } as any);
    new cdk8s.ApiObject(chart, 'App', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', annotations: { 'secret.reloader.stakater.com/reload': 'db' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'app' } },
        template: {
          metadata: { labels: { app: 'app' } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, runAsNonRoot: true },
            containers: [{
              name: 'app',
              image: 'ghcr.io/example/app:1.0.0',
              ports: [{ containerPort: 8080 }],
              volumeMounts: [{ name: 'secret-db', mountPath: '/etc/secrets/db', readOnly: true }],
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, runAsNonRoot: true },
            }],
            volumes: [{ name: 'secret-db', secret: { secretName: 'db', defaultMode: 0o440 } }],
          },
        },
      },
    } as any);
  }
  cdkApp.synth();
  k8sApp.synth();
}

if (require.main === module) {
  const [variant, countArg, outdir, perStackArg] = process.argv.slice(2);
  const count = Number(countArg);
  const chartsPerStack = Number(perStackArg ?? 120);
  measure(() => {
    if (variant === 'lib') lib(count, outdir, chartsPerStack);
    else bare(count, outdir, chartsPerStack);
    return assemblyFigures(`${outdir}/cdk.out`);
  }, outdir);
}
