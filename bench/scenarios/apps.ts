// Benchmark scenario (a child process of bench/run.ts): N "apps", each a SecretStore, an ExternalSecret, a
// Deployment consuming the produced Secret (volume, Reloader annotation) and a Role/RoleBinding with `get` on
// that Secret, written three ways:
//   lib   - this library's constructs
//   plus  - cdk8s-plus-28 for the Deployment/ServiceAccount/Role/RoleBinding, ApiObjects for the ESO kinds
//   bare  - plain cdk8s ApiObjects, one per object of the library's own output (same YAML, see template)
// and laid out in one chart (`one-chart`), one chart per app with the app's index in its construct ids as in one
// chart (`chart-per-app`), or one chart per app with the same construct ids in every chart, as a program with a chart
// per namespace writes them (`chart-per-namespace`).
//
//   node .bench/build/bench/scenarios/apps.js <variant> <layout> <apps> <outdir> [synth]
//
// Prints one JSON line: seconds (build + synth), peak RSS, objects and bytes written.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AwsAuth, ExternalSecret, SecretConsumer, SecretStore, StoreProvider } from '../../src';
import { APP_SYNTHS, measure } from '../harness';

/** Placeholder for the app index in the bare template. */
export const INDEX = '90909';

const ns = (i: number | string) => `team-${i}`;

/** One app with this library's constructs. */
export function libApp(chart: Construct, i: number | string, id: number | string = i): void {
  const store = new SecretStore(chart, `Store${id}`, {
    name: 'aws',
    namespace: ns(i),
    provider: StoreProvider.awsSecretsManager({ region: 'eu-west-1', auth: AwsAuth.controllerIdentity() }),
  });
  const es = new ExternalSecret(chart, `Db${id}`, {
    name: 'db',
    namespace: ns(i),
    store,
    data: [
      { secretKey: 'username', remoteKey: `apps/${i}/db`, property: 'username' },
      { secretKey: 'password', remoteKey: `apps/${i}/db`, property: 'password' },
    ],
  });
  const sa = new kplus.ServiceAccount(chart, `Sa${id}`, { metadata: { name: 'app', namespace: ns(i) }, automountToken: false });
  const deployment = new kplus.Deployment(chart, `App${id}`, {
    metadata: { name: 'app', namespace: ns(i) },
    serviceAccount: sa,
    automountServiceAccountToken: true,
    securityContext: { fsGroup: 2000, user: 1000, group: 1000 },
  });
  const c = deployment.addContainer({ name: 'app', image: 'ghcr.io/example/app:1.4.2', portNumber: 8080 });
  const consumer = SecretConsumer.of(deployment);
  consumer.mount(c, es, { path: '/etc/secrets/db' });
  consumer.readThroughApi(es);
}

/** One app with cdk8s-plus-28 (and ApiObjects for the kinds cdk8s-plus does not have). */
export function plusApp(chart: Construct, i: number | string, template: any[]): void {
  for (const obj of template.filter((o) => o.apiVersion.startsWith('external-secrets.io/'))) {
    new ApiObject(chart, `${obj.kind}${i}`, substitute(obj, i));
  }
  const secret = kplus.Secret.fromSecretName(chart, `Secret${i}`, 'db');
  const sa = new kplus.ServiceAccount(chart, `Sa${i}`, { metadata: { name: 'app', namespace: ns(i) }, automountToken: false });
  const deployment = new kplus.Deployment(chart, `App${i}`, {
    metadata: { name: 'app', namespace: ns(i), annotations: { 'secret.reloader.stakater.com/reload': 'db' } },
    serviceAccount: sa,
    automountServiceAccountToken: true,
    securityContext: { fsGroup: 2000, user: 1000, group: 1000 },
  });
  const c = deployment.addContainer({ name: 'app', image: 'ghcr.io/example/app:1.4.2', portNumber: 8080 });
  c.mount('/etc/secrets/db', kplus.Volume.fromSecret(chart, `Vol${i}`, secret, { name: 'secret-db', defaultMode: 0o400 }), { readOnly: true });
  const role = new kplus.Role(chart, `Role${i}`, { metadata: { name: 'app-secret-reader', namespace: ns(i) } });
  role.allowRead(secret);
  new kplus.RoleBinding(chart, `Binding${i}`, { metadata: { name: 'app-secret-reader', namespace: ns(i) }, role }).addSubjects(sa);
}

/** One app as plain ApiObjects (the library's output for that app). */
export function bareApp(chart: Construct, i: number | string, template: any[], id: number | string = i): void {
  template.forEach((obj, k) => new ApiObject(chart, `O${k}-${id}`, substitute(obj, i)));
}

function substitute(obj: any, i: number | string): any {
  return JSON.parse(JSON.stringify(obj).split(INDEX).join(String(i)));
}

/** The library's objects for one app, with the index replaced by a placeholder. */
export function appTemplate(): any[] {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tpl-')) });
  const chart = new Chart(app, 'tpl');
  libApp(chart, INDEX);
  return chart.toJson();
}

if (require.main === module) {
  const [variant, layout, countArg, outdir, synthName = 'cdk8s'] = process.argv.slice(2);
  const count = Number(countArg);
  const synth = APP_SYNTHS[synthName];
  if (!synth) throw new Error(`unknown synth ${synthName}: one of ${Object.keys(APP_SYNTHS).join(', ')}`);
  const template = variant === 'lib' ? [] : JSON.parse(fs.readFileSync(path.join(outdir, '..', 'app-template.json'), 'utf8'));
  const id = (i: number) => (layout === 'chart-per-namespace' ? '' : i);
  const build = variant === 'lib' ? (c: Construct, i: number) => libApp(c, i, id(i))
    : variant === 'plus' ? (c: Construct, i: number) => plusApp(c, i, template)
      : (c: Construct, i: number) => bareApp(c, i, template, id(i));
  measure(() => {
    const target = synth.create(outdir);
    if (layout === 'one-chart') {
      const chart = new Chart(target.k8sApp, 'apps');
      for (let i = 0; i < count; i++) build(chart, i);
    } else {
      for (let i = 0; i < count; i++) build(new Chart(target.k8sApp, `app-${i}`), i);
    }
    target.synth();
  }, outdir);
}
