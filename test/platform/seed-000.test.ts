import * as fs from 'fs';
import * as path from 'path';
import { allRoles, cfnLint, objectKey, resourcesOf, synthAndRead, SynthOutput, tempApp, userCodeLines } from './util';
import { ExampleContext } from '../../examples/context';
import { build as buildEso } from '../../examples/eso';
import { build as buildSeed000 } from '../../examples/platform/seed-000';
import { build as buildSealed } from '../../examples/sealed';
import { build as buildVault } from '../../examples/vault';
import { build as buildWorkloads } from '../../examples/workloads';
import { ClusterTarget } from '../../src';
import { validateObjects } from '../harness';
import { referenceUnseal } from '../sealed/fixtures';

const SEED_000 = path.join(__dirname, '..', '..', 'examples', 'platform', 'seed-000.ts');
const DEMO_KEY = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'sealed-demo', 'sealing-key.DEMO-ONLY.pem'), 'utf8');
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

/** The hand-wired example (`npm run example`: examples/eso.ts, sealed.ts, vault.ts, workloads.ts), synthesized. */
function handWired(): SynthOutput {
  const app = tempApp('seed000-hand');
  const target = new ClusterTarget(app, 'example-cluster', {
    env: { account: '111122223333', region: 'eu-west-1' }, stackName: 'secrets-platform', irsa: { issuerUrl: ISSUER }, kubernetesVersion: '1.31', outdir: '.',
  });
  const ctx: ExampleContext = { app, target, k8sApp: target.k8sApp, awsApp: app.awsApp, stack: target.stack, env: { account: '111122223333', region: 'eu-west-1' } };
  buildEso(ctx);
  buildSealed(ctx);
  buildVault(ctx);
  buildWorkloads(ctx);
  return synthAndRead(app);
}

/** The installs seed 000 asks for, by the name of their Argo CD Application. */
const SEED_000_INSTALLS = ['external-secrets', 'sealed-secrets', 'vault', 'vault-secrets-operator', 'reloader'];

/** The objects of the hand-wired example that belong to seed 000: the installs and everything in secrets-demo. */
function seed000Objects(objects: any[]): any[] {
  return objects.filter((o) => o.metadata?.namespace === 'secrets-demo'
    || (o.kind === 'Namespace' && o.metadata.name === 'secrets-demo')
    || (o.kind === 'Application' && SEED_000_INSTALLS.includes(o.metadata.name)));
}

function byKey(objects: any[]): Map<string, any> {
  return new Map(objects.map((o) => [objectKey(o), o]));
}

const copy = (o: any) => JSON.parse(JSON.stringify(o));

describe('examples/platform/seed-000.ts: seed 000 with the platform construct', () => {
  const hand = handWired();
  const platform = synthAndRead((() => {
    const app = tempApp('seed000-platform');
    buildSeed000(app);
    return app;
  })());
  afterAll(() => {
    fs.rmSync(hand.dir, { recursive: true, force: true });
    fs.rmSync(platform.dir, { recursive: true, force: true });
  });
  const handObjects = byKey(seed000Objects(hand.objects));
  const platformObjects = byKey(platform.objects);

  test('GIVEN the program THEN it is at most 40 lines of user code (imports, comments and blank lines excluded)', () => {
    const lines = userCodeLines(fs.readFileSync(SEED_000, 'utf8'));
    expect(lines.length).toBeLessThanOrEqual(40);
    // The count is of real code: the program declares the platform, the tenant and its secrets.
    expect(lines.join('\n')).toMatch(/new SecretsPlatform\(/);
    expect(lines.join('\n')).toMatch(/addTenant\('secrets-demo'/);
  });

  test('GIVEN both programs THEN they write exactly the same set of seed-000 objects', () => {
    expect([...platformObjects.keys()].sort()).toEqual([...handObjects.keys()].sort());
    expect(platformObjects.size).toBe(14);
  });

  test('GIVEN both programs THEN every object is identical apart from the documented differences', () => {
    const differing: string[] = [];
    for (const [key, h] of handObjects) {
      if (JSON.stringify(h) !== JSON.stringify(platformObjects.get(key))) differing.push(key);
    }
    // docs/platform.md, "Seed 000 walkthrough": exactly these objects differ, for the reasons asserted below.
    expect(differing.sort()).toEqual([
      'apps/v1 Deployment secrets-demo/reloader-demo',
      'argoproj.io/v1alpha1 Application argocd/external-secrets',
      'argoproj.io/v1alpha1 Application argocd/reloader',
      'argoproj.io/v1alpha1 Application argocd/vault',
      'bitnami.com/v1alpha1 SealedSecret secrets-demo/ss-postgres-secret',
    ]);
  });

  test('difference 1: the ESO controller has no AWS identity on the platform (each tenant store has its own; the hand-wired one is for seed 001)', () => {
    const h = copy(handObjects.get('argoproj.io/v1alpha1 Application argocd/external-secrets'));
    const p = copy(platformObjects.get('argoproj.io/v1alpha1 Application argocd/external-secrets'));
    expect(h.spec.source.helm.valuesObject.serviceAccount.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/eso-controller' });
    expect(p.spec.source.helm.valuesObject.serviceAccount.annotations).toEqual({});
    delete h.spec.source.helm.valuesObject.serviceAccount.annotations;
    delete p.spec.source.helm.valuesObject.serviceAccount.annotations;
    expect(p).toEqual(h);
    expect(allRoles(hand.templates.get('secrets-platform')).has('eso-controller')).toBe(true);
    expect(allRoles(platform.templates.get('secrets-platform')).has('eso-controller')).toBe(false);
  });

  test('difference 2: the Vault Agent Injector is off as in seed 000 (the hand-wired example keeps it for seeds 001/003/004)', () => {
    const h = copy(handObjects.get('argoproj.io/v1alpha1 Application argocd/vault'));
    const p = copy(platformObjects.get('argoproj.io/v1alpha1 Application argocd/vault'));
    expect(h.spec.source.helm.valuesObject.injector).toEqual({ enabled: true });
    expect(p.spec.source.helm.valuesObject.injector).toEqual({ enabled: false });
    h.spec.source.helm.valuesObject.injector.enabled = false;
    expect(p).toEqual(h);
  });

  test('difference 3: Reloader\'s CSI integration follows the platform (no CSI driver in seed 000; the hand-wired example installs it for seed 001)', () => {
    const h = copy(handObjects.get('argoproj.io/v1alpha1 Application argocd/reloader'));
    const p = copy(platformObjects.get('argoproj.io/v1alpha1 Application argocd/reloader'));
    expect(h.spec.source.helm.valuesObject.reloader.enableCSIIntegration).toBe(true);
    expect(p.spec.source.helm.valuesObject.reloader.enableCSIIntegration).toBe(false);
    h.spec.source.helm.valuesObject.reloader.enableCSIIntegration = false;
    expect(p).toEqual(h);
  });

  test('difference 4: the workload is selected by its app label (the seed\'s `kubectl get pod -l app=...`), not by the construct address', () => {
    const h = copy(handObjects.get('apps/v1 Deployment secrets-demo/reloader-demo'));
    const p = copy(platformObjects.get('apps/v1 Deployment secrets-demo/reloader-demo'));
    expect(Object.keys(h.spec.selector.matchLabels)).toEqual(['cdk8s.io/metadata.addr']);
    expect(p.spec.selector.matchLabels).toEqual({ app: 'reloader-demo' });
    expect(p.spec.template.metadata.labels.app).toBe('reloader-demo');
    for (const o of [h, p]) {
      delete o.spec.selector;
      delete o.spec.template.metadata.labels;
    }
    expect(p).toEqual(h);
  });

  test('difference 5: sealed values are the same plaintexts under fresh session keys (sealing is randomized)', () => {
    const h = handObjects.get('bitnami.com/v1alpha1 SealedSecret secrets-demo/ss-postgres-secret');
    const p = platformObjects.get('bitnami.com/v1alpha1 SealedSecret secrets-demo/ss-postgres-secret');
    const unseal = (o: any) => Object.fromEntries(Object.entries(o.spec.encryptedData).map(([k, v]) => [k,
      referenceUnseal(DEMO_KEY, v as string, 'secrets-demo/ss-postgres-secret').toString('utf8')]));
    expect(unseal(p)).toEqual(unseal(h));
    expect(Object.keys(unseal(p)).sort()).toEqual(['password', 'username']);
    const hc = copy(h);
    const pc = copy(p);
    delete hc.spec.encryptedData;
    delete pc.spec.encryptedData;
    expect(pc).toEqual(hc);
  });

  test('GIVEN the platform program THEN every CloudFormation template passes cfn-lint', () => {
    expect(cfnLint(path.join(platform.dir, 'cdk.out'))).toEqual([]);
  }, 120_000);

  test('GIVEN both programs THEN the Vault policy and role files are byte-identical', () => {
    for (const f of ['vault/policies/kv-secrets-policy.hcl', 'vault/roles/kubernetes-auth/vault-k8s-role.json']) {
      expect(platform.files.get(f)).toBeDefined();
      expect(platform.files.get(f)).toBe(hand.files.get(f));
    }
  });

  test('GIVEN both programs THEN the store identity (trust and grants) and the Secrets Manager entry are identical', () => {
    const h = allRoles(hand.templates.get('secrets-platform')).get('eso-secrets-demo-store')!;
    const p = allRoles(platform.templates.get('secrets-platform')).get('eso-secrets-demo-store')!;
    expect(p).toEqual(h);
    expect(p.statements).toEqual([{
      Action: 'secretsmanager:GetSecretValue',
      Effect: 'Allow',
      Resource: 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:demo/aws-sm/ext-postgres-secret-??????',
    }]);
    const entry = (o: SynthOutput) => resourcesOf(o.templates.get('eso-secrets-eu-central-1'), 'AWS::SecretsManager::Secret').map(([, r]) => r);
    expect(entry(platform)).toEqual(entry(hand));
    expect(entry(platform)).toHaveLength(1);
  });

  test('GIVEN the platform program THEN every manifest passes the schema harness and the posture checks find nothing', () => {
    expect(validateObjects(platform.objects)).toEqual([]);
    expect(platform.findings).toEqual([]);
  });
});

describe('the seed 000 program in the README and docs/platform.md', () => {
  const example = fs.readFileSync(SEED_000, 'utf8');
  const body = example.slice(example.indexOf('export function build('), example.indexOf('  return platform;\n}'))
    .split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => l.replace(/^ {2}/, ''));

  test.each([['README.md'], ['docs/platform.md']])('GIVEN %s THEN its program is the example\'s, line for line, and at most 40 lines of code', (file) => {
    const md = fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf8');
    const m = /```ts[^\n]*\n([\s\S]*?new SecretsPlatform\([\s\S]*?)```/.exec(md.slice(md.indexOf('seed-000')));
    expect(m).not.toBeNull();
    const program = m![1];
    expect(program.split('\n')).toEqual(expect.arrayContaining(body));
    expect(program).toContain('app.synth();');
    expect(userCodeLines(program).length).toBeLessThanOrEqual(40);
  });
});
