// The Vault database secrets engine: mount, connection (root password from the environment, never in output),
// roles with checked TTLs, VaultDynamicSecret bound to a role, the derived policy, and vault-config.sh run by a real
// POSIX shell against a stub vault CLI that records every call and its standard input. No database or Vault server
// runs here (none is available offline): the stub records exactly what the script would send.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { artifact, artifacts, objectsOf, parseHcl, validateTree } from './util';
import {
  VaultAuth, VaultAuthMethod, VaultConfiguration, VaultDatabasePassword, VaultDatabasePlugin, VaultDatabaseRoleOptions, VaultDynamicSecret,
} from '../../src';
import { expectValid } from '../harness';

const PASSWORD = 'r00t-S3cret!"$x';
const CREATE = 'CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";';

function setup() {
  const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
  const config = new VaultConfiguration(chart, 'Vault');
  const db = config.addDatabaseMount('Db');
  const postgres = db.addConnection('Postgres', {
    name: 'postgres',
    plugin: VaultDatabasePlugin.POSTGRESQL,
    connectionUrl: 'postgresql://{{username}}:{{password}}@postgres.db.svc:5432/app?sslmode=require',
    username: 'vault',
    password: VaultDatabasePassword.fromEnvironmentVariable('POSTGRES_ROOT_PASSWORD'),
  });
  const readonly = postgres.addRole('Ro', { name: 'app-ro', creationStatements: [CREATE], defaultTtl: Duration.minutes(30), maxTtl: Duration.hours(8) });
  const role = config.addKubernetesAuth('K8s').addRole('Role', { roleName: 'apps' });
  const auth = new VaultAuth(chart, 'Auth', { name: 'apps', method: VaultAuthMethod.kubernetes({ role, serviceAccount: 'apps-vault' }) });
  return { chart, config, db, postgres, readonly, auth };
}

const STUB = `#!/bin/sh
# stub vault CLI: logs argv, answers list calls from files, saves stdin when an argument reads it ("-" or key=-)
n=$(($(cat "$STUB_DIR/count" 2>/dev/null || echo 0) + 1)); echo "$n" > "$STUB_DIR/count"
echo "$*" >> "$STUB_DIR/calls.log"
case "$1 $2" in
  "secrets list") cat "$STUB_DIR/secrets.json" ;;
  "auth list") cat "$STUB_DIR/auth.json" ;;
esac
for a in "$@"; do
  case "$a" in -|*=-) cat > "$STUB_DIR/stdin.$n" ;; esac
done
exit 0
`;

function runScript(script: string, env: { [k: string]: string }, existing: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-db-stub-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'vault'), STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'vault-config.sh'), script);
  fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(Object.fromEntries(existing.map((m) => [`${m}/`, { type: 'x' }]))));
  fs.writeFileSync(path.join(dir, 'auth.json'), '{}');
  const res = spawnSync('sh', [path.join(dir, 'vault-config.sh')], {
    env: { PATH: `${bin}:/usr/bin:/bin`, STUB_DIR: dir, KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1', ...env }, encoding: 'utf8',
  });
  const log = path.join(dir, 'calls.log');
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  const stdin = (call: string) => fs.readFileSync(path.join(dir, `stdin.${calls.indexOf(call) + 1}`), 'utf8');
  return { status: res.status, stderr: res.stderr, calls, stdin, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('VaultDynamicSecret bound to a database role', () => {
  test('GIVEN a role WHEN a VaultDynamicSecret is bound to it THEN it reads <mount>/creds/<role> and the policy grants read there only', async () => {
    // GIVEN
    const { chart, readonly, auth } = setup();

    // WHEN
    const s = new VaultDynamicSecret(chart, 'Creds', { name: 'db-creds', vaultAuth: auth, databaseRole: readonly, expectedKeys: ['username', 'password'] });

    // THEN
    const [vds] = objectsOf(chart, 'VaultDynamicSecret');
    expect(vds.spec.mount).toBe('database');
    expect(vds.spec.path).toBe('creds/app-ro');
    expect(s.databaseRole).toBe(readonly);
    expect(readonly.credentialsPath).toBe('database/creds/app-ro');
    expect(await parseHcl(artifact(chart, 'vault/policies/apps.hcl'))).toEqual({ path: { 'database/creds/app-ro': [{ capabilities: ['read'] }] } });
    expectValid(chart);
    validateTree(chart);
  });

  test('databaseRole with mount or path, or neither, fails', () => {
    const { chart, readonly, auth } = setup();
    expect(() => new VaultDynamicSecret(chart, 'A', { vaultAuth: auth, databaseRole: readonly, mount: 'database' }))
      .toThrow(/\[apps\/A\] databaseRole: and mount\/path are both set.*\(got "app-ro"\)\. Fix: drop mount and path/);
    expect(() => new VaultDynamicSecret(chart, 'B', { vaultAuth: auth, mount: 'database' }))
      .toThrow(/\[apps\/B\] path: is required without databaseRole\. Fix: bind the secret to a database role/);
    expect(() => new VaultDynamicSecret(chart, 'C', { vaultAuth: auth }))
      .toThrow(/\[apps\/C\] mount: is required without databaseRole/);
  });
});

describe('database connection and roles', () => {
  test('GIVEN a connection and roles THEN allowed_roles are exactly its roles and the role bodies carry the TTLs in seconds', () => {
    const { postgres, readonly } = setup();
    postgres.addRole('Rw', { name: 'app-rw', creationStatements: [CREATE], revocationStatements: ['DROP ROLE "{{name}}";'] });
    expect(postgres.configuration).toEqual({
      plugin_name: 'postgresql-database-plugin',
      connection_url: 'postgresql://{{username}}:{{password}}@postgres.db.svc:5432/app?sslmode=require',
      username: 'vault',
      allowed_roles: ['app-ro', 'app-rw'],
      verify_connection: true,
    });
    expect(readonly.definition).toEqual({ db_name: 'postgres', creation_statements: [CREATE], default_ttl: 1800, max_ttl: 28800 });
    expect(postgres.roles[1].definition).toEqual({
      db_name: 'postgres', creation_statements: [CREATE], revocation_statements: ['DROP ROLE "{{name}}";'], default_ttl: 3600, max_ttl: 86400,
    });
  });

  test('TTLs are checked: positive, whole seconds, defaultTtl at most maxTtl', () => {
    const { postgres } = setup();
    const role = (id: string, o: Partial<VaultDatabaseRoleOptions>) =>
      postgres.addRole(id, { name: id.toLowerCase(), creationStatements: [CREATE], ...o });
    expect(() => role('A', { defaultTtl: Duration.hours(2), maxTtl: Duration.hours(1) }))
      .toThrow(/\[apps\/Vault\/Db\/Postgres\/A\] defaultTtl: is longer than maxTtl \(3600s\); Vault would cap every lease at maxTtl \(got "7200s"\)\. Fix: make defaultTtl at most maxTtl/);
    expect(() => role('B', { maxTtl: Duration.seconds(0) })).toThrow(/maxTtl: must be a positive whole number of seconds \(got "0s"\)/);
    expect(() => role('C', { defaultTtl: Duration.millis(1500) })).toThrow(/defaultTtl: must be a positive whole number of seconds \(got "1.5s"\)/);
    expect(() => role('D', { creationStatements: [] })).toThrow(/creationStatements: must hold at least one non-empty statement/);
    expect(() => role('E', { name: 'bad/name' })).toThrow(/name: must be a Vault name/);
  });

  test('a literal password in the URL, a bad variable name or user name is refused, and the password never shows in the error', () => {
    const { db } = setup();
    const base = { name: 'pg', plugin: VaultDatabasePlugin.POSTGRESQL, username: 'vault', password: VaultDatabasePassword.fromEnvironmentVariable('PG') };
    let message = '';
    try {
      db.addConnection('A', { ...base, connectionUrl: `postgresql://vault:${PASSWORD}@db:5432/app` });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/connectionUrl: holds a literal password; it would be written into the configuration script \(got <redacted>\)\. Fix: write \{\{username\}\}:\{\{password\}\}/);
    expect(message).not.toContain(PASSWORD);
    expect(() => db.addConnection('B', { ...base, connectionUrl: 'root:hunter2@tcp(db:3306)/' })).toThrow(/holds a literal password/);
    expect(() => db.addConnection('C', { ...base, connectionUrl: 'postgresql://db:5432/app', password: VaultDatabasePassword.fromEnvironmentVariable('1X') }))
      .toThrow(/password: is not an environment variable name \(got "1X"\)/);
    expect(() => db.addConnection('D', { ...base, connectionUrl: 'postgresql://db:5432/app', username: 'a b' })).toThrow(/username: must be 1-128 characters/);
    expect(() => db.addConnection('E', { ...base, connectionUrl: "postgresql://db/it's" })).toThrow(/connectionUrl: contains a single quote/);
  });

  test('a connection without roles fails validation; two mounts at one path fail', () => {
    const chart = new Chart(Testing.app(), 'x', { namespace: 'x' });
    const config = new VaultConfiguration(chart, 'Vault');
    config.addDatabaseMount('Db').addConnection('Pg', {
      name: 'pg',
      plugin: VaultDatabasePlugin.POSTGRESQL,
      connectionUrl: 'postgresql://{{username}}:{{password}}@db/app',
      username: 'vault',
      password: VaultDatabasePassword.fromEnvironmentVariable('PG'),
    });
    expect(() => validateTree(chart)).toThrow(/connection "pg" has no roles/);
    const other = new VaultConfiguration(new Chart(Testing.app(), 'y', { namespace: 'y' }), 'Vault');
    other.addKvMount('Kv', { path: 'database' });
    other.addDatabaseMount('Db');
    expect(() => other.renderScript()).toThrow(/\[y\/Vault\/Db\] path: is also used by y\/Vault\/Kv \(got "database"\)/);
  });
});

describe('vault-config.sh with a database engine, against a stub vault CLI', () => {
  test('GIVEN the root password in the environment WHEN the script runs THEN it enables the mount, writes the connection with the password on stdin only, then the roles', () => {
    // GIVEN
    const { chart, readonly, auth } = setup();
    new VaultDynamicSecret(chart, 'Creds', { name: 'db-creds', vaultAuth: auth, databaseRole: readonly });
    const files = artifacts(chart);
    const script = files.get('vault/vault-config.sh')!.content;

    // THEN no file of the output holds the password or names a value for it
    expect(script).toContain('POSTGRES_ROOT_PASSWORD');
    execFileSync('sh', ['-n', '-c', script]);

    // WHEN
    const { status, calls, stdin, cleanup } = runScript(script, { POSTGRES_ROOT_PASSWORD: PASSWORD }, ['sys']);
    try {
      // THEN
      expect(status).toBe(0);
      const connection = 'write database/config/postgres plugin_name=postgresql-database-plugin '
        + 'connection_url=postgresql://{{username}}:{{password}}@postgres.db.svc:5432/app?sslmode=require username=vault allowed_roles=app-ro '
        + 'verify_connection=true password=-';
      expect(calls.slice(0, 5)).toEqual([
        'secrets list -format=json',
        'secrets enable -path=database database',
        connection,
        'write database/roles/app-ro -',
        'auth list -format=json',
      ]);
      expect(stdin(connection)).toBe(PASSWORD);
      expect(calls.join('\n')).not.toContain(PASSWORD);
      expect(JSON.parse(stdin('write database/roles/app-ro -'))).toEqual(readonly.definition);
      expect(calls).toContain('policy write apps -');
    } finally {
      cleanup();
    }
    for (const [name, a] of files) expect({ name, leaks: a.content.includes(PASSWORD) }).toEqual({ name, leaks: false });
  });

  test('GIVEN the mount exists and the variable is unset WHEN the script runs THEN it does not enable again and stops naming the variable before writing the connection', () => {
    const { chart, readonly, auth } = setup();
    new VaultDynamicSecret(chart, 'Creds', { name: 'db-creds', vaultAuth: auth, databaseRole: readonly });
    const script = artifact(chart, 'vault/vault-config.sh');
    const { status, stderr, calls, cleanup } = runScript(script, {}, ['database']);
    try {
      expect(status).not.toBe(0);
      expect(stderr).toMatch(/POSTGRES_ROOT_PASSWORD: set POSTGRES_ROOT_PASSWORD to the password of database user vault \(connection postgres\)/);
      expect(calls).toEqual(['secrets list -format=json']);
    } finally {
      cleanup();
    }
  });
});
