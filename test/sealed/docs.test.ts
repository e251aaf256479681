// The samples of docs/sealed-secrets.md, run as written (paths and variables provided by the test).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { EXAMPLE_CERT_FILE, EXAMPLE_KEY_PEM, referenceUnseal } from './fixtures';
import { Resealing, SealedSecret, SealedSecretsInstall, SealedValue, SealingCertificate } from '../../src';
import { expectValid } from '../harness';

describe('docs/sealed-secrets.md samples', () => {
  let cwd: string;
  let dir: string;
  beforeEach(() => {
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-docs-'));
    process.chdir(dir);
    fs.copyFileSync(EXAMPLE_CERT_FILE, 'sealed-secrets-cert.pem');
    fs.mkdirSync('secrets');
    fs.writeFileSync('secrets/pg-password', 'S3cr3tPassw0rd');
    process.env.PG_USER = 'admin';
    process.env.SEALED_SECRETS_RESEAL_KEY = crypto.randomBytes(48).toString('base64');
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env.PG_USER;
    delete process.env.SEALED_SECRETS_RESEAL_KEY;
  });

  test('GIVEN "Install the controller" THEN it synthesizes and the fetch-cert command matches the doc', () => {
    const app = Testing.app();
    const controller = new SealedSecretsInstall(new Chart(app, 'sealed-controller'), 'SealedSecrets', {});
    expect(controller.fetchCertCommand('cert.pem'))
      .toBe('kubeseal --controller-name=sealed-secrets-controller --controller-namespace=kube-system --fetch-cert > cert.pem');
    expectValid(app);
  });

  test('GIVEN "Seal a secret" and "Churn-free re-sealing" THEN the sample seals, and re-synth keeps the values', () => {
    const synth = () => {
      const app = new App({ outdir: 'dist' });
      const chart = new Chart(app, 'secrets');
      const resealing = Resealing.fromKeyEnvironmentVariable('SEALED_SECRETS_RESEAL_KEY', { previousOutput: 'dist' });
      const ss = new SealedSecret(chart, 'Postgres', {
        name: 'ss-postgres-secret',
        namespace: 'secrets-demo',
        certificate: SealingCertificate.fromPemFile('sealed-secrets-cert.pem'),
        values: {
          username: SealedValue.fromEnvironmentVariable('PG_USER'),
          password: SealedValue.fromFile('secrets/pg-password'),
        },
        resealing,
      });
      expectValid(chart);
      app.synth();
      return ss;
    };
    const first = synth();
    expect(referenceUnseal(EXAMPLE_KEY_PEM, first.encryptedData.password, 'secrets-demo/ss-postgres-secret').toString()).toBe('S3cr3tPassw0rd');
    expect(referenceUnseal(EXAMPLE_KEY_PEM, first.encryptedData.username, 'secrets-demo/ss-postgres-secret').toString()).toBe('admin');
    const second = synth();
    expect(second.keptKeys).toEqual(['password', 'username']);
    expect(second.encryptedData).toEqual(first.encryptedData);
  });
});
