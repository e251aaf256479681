import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import YAML from 'yaml';
import { testApp } from './util';
import {
  AwsAuth, ClusterTarget, ExternalSecret, ExternalSecretsOperatorInstall, SecretsManagerEntry, SecretStore, StoreProvider, WorkloadIdentity,
} from '../../src';

// The same platform code for three clusters in two regions and two accounts: each cluster's output names only its
// own account, region, roles and stores.

interface Cluster { readonly id: string; readonly account: string; readonly region: string; readonly oidcId: string }
const CLUSTERS: Cluster[] = [
  { id: 'dev-euw1', account: '111111111111', region: 'eu-west-1', oidcId: 'AAAA1111AAAA1111AAAA1111AAAA1111' },
  { id: 'prod-euw1', account: '222222222222', region: 'eu-west-1', oidcId: 'BBBB2222BBBB2222BBBB2222BBBB2222' },
  { id: 'prod-use1', account: '222222222222', region: 'us-east-1', oidcId: 'CCCC3333CCCC3333CCCC3333CCCC3333' },
];

/** The platform every cluster gets: ESO with its controller identity, and a shop namespace reading its database secret. */
function platform(target: ClusterTarget): void {
  const installs = target.addChart('eso-install');
  new ExternalSecretsOperatorInstall(installs, 'Eso', { controllerIdentity: {} });
  const chart = target.addChart('shop', { namespace: 'shop' });
  const db = new SecretsManagerEntry(target.stack, 'ShopDb', { secretName: 'shop/db', generateKey: 'password' });
  const identity = new WorkloadIdentity(chart, 'Reader', { serviceAccountName: 'shop-reader' });
  const store = new SecretStore(chart, 'Store', {
    name: 'aws-sm', provider: StoreProvider.awsSecretsManager({ region: target.region, auth: AwsAuth.serviceAccount(identity) }),
  });
  new ExternalSecret(chart, 'Db', {
    name: 'db', store, refreshInterval: Duration.hours(1), data: [{ secretKey: 'password', secretsManagerEntry: db, property: 'password' }],
  });
}

let tmp: string;
let objectsOf: Map<string, any[]>;
let templateOf: Map<string, any>;
let files: string[];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fan-out-'));
  const app = testApp(tmp);
  for (const c of CLUSTERS) {
    platform(ClusterTarget.fromIssuerUrl(app, c.id, { account: c.account, region: c.region }, `https://oidc.eks.${c.region}.amazonaws.com/id/${c.oidcId}`));
  }
  files = app.synth().files;
  objectsOf = new Map();
  templateOf = new Map();
  for (const c of CLUSTERS) {
    const dir = path.join(tmp, 'dist', c.id);
    objectsOf.set(c.id, fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml'))
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON())));
    templateOf.set(c.id, JSON.parse(fs.readFileSync(path.join(tmp, 'cdk.out', `${c.id}.template.json`), 'utf8')));
  }
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('GIVEN three targets WHEN synthesized THEN each has its own folder and its own stack', () => {
  expect(files).toEqual(CLUSTERS.flatMap((c) => [`${c.id}/eso-install.k8s.yaml`, `${c.id}/shop.k8s.yaml`]).sort());
  for (const c of CLUSTERS) {
    expect(templateOf.get(c.id)).toBeDefined();
  }
});

describe.each(CLUSTERS)('cluster $id', (c) => {
  const others = CLUSTERS.filter((o) => o.id !== c.id);

  test('its manifests name only its own account, region and OIDC issuer', () => {
    const text = JSON.stringify(objectsOf.get(c.id));
    expect(text).toContain(c.account);
    for (const o of others) {
      if (o.account !== c.account) expect(text).not.toContain(o.account);
      if (o.region !== c.region) expect(text).not.toContain(o.region);
      expect(text).not.toContain(o.oidcId);
      expect(text).not.toContain(`role/${o.id}-`);
    }
  });

  test('its role ARNs (ServiceAccount and Helm values) name roles its own stack creates', () => {
    const objects = objectsOf.get(c.id)!;
    const arns = [...JSON.stringify(objects).matchAll(/arn:aws:iam::(\d{12}):role\/([\w+=,.@-]+)/g)];
    expect(arns.length).toBe(2); // the shop reader and the ESO controller
    const roleNames = Object.values(templateOf.get(c.id).Resources).filter((r: any) => r.Type === 'AWS::IAM::Role').map((r: any) => r.Properties.RoleName);
    for (const [, account, name] of arns) {
      expect(account).toBe(c.account);
      expect(roleNames).toContain(name);
    }
    expect(roleNames.sort()).toEqual([`${c.id}-external-secrets-external-secrets`, `${c.id}-shop-shop-reader`]);
  });

  test('its store reads its own region, and its trust admits only its own issuer', () => {
    const store = objectsOf.get(c.id)!.find((o) => o.kind === 'SecretStore');
    expect(store.spec.provider.aws.region).toBe(c.region);
    const template = templateOf.get(c.id);
    const trusts = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Role')
      .map((r: any) => r.Properties.AssumeRolePolicyDocument.Statement[0]);
    for (const t of trusts) {
      expect(t.Principal.Federated).toBe(`arn:aws:iam::${c.account}:oidc-provider/oidc.eks.${c.region}.amazonaws.com/id/${c.oidcId}`);
      expect(Object.keys(t.Condition.StringEquals).every((k) => k.startsWith(`oidc.eks.${c.region}.amazonaws.com/id/${c.oidcId}:`))).toBe(true);
    }
  });

  test('its grants name only secrets in its own account and region', () => {
    const template = templateOf.get(c.id);
    const resources = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r: any) => r.Properties.PolicyDocument.Statement).flatMap((s: any) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) {
      expect(r).toBe(`arn:aws:secretsmanager:${c.region}:${c.account}:secret:shop/db-??????`);
    }
  });
});
