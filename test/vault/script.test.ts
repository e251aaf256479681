// vault-config.sh run by a real POSIX shell against a stub `vault` CLI that records every call and its
// stdin: the commands, their order, the heredoc bodies (policies parse as HCL, roles as JSON, equal to the
// files) and idempotency (mounts and auth methods that exist are not enabled again).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { artifacts, parseHcl } from './util';
import { exampleContext } from '../../examples/context';
import { build as buildEso } from '../../examples/eso';
import { build } from '../../examples/vault';

const STUB = `#!/bin/sh
# stub vault CLI: logs argv, answers list calls from files, saves stdin of writes
n=$(($(cat "$STUB_DIR/count" 2>/dev/null || echo 0) + 1)); echo "$n" > "$STUB_DIR/count"
echo "$*" >> "$STUB_DIR/calls.log"
case "$1 $2" in
  "secrets list") cat "$STUB_DIR/secrets.json" ;;
  "auth list") cat "$STUB_DIR/auth.json" ;;
esac
for a in "$@"; do
  if [ "$a" = "-" ]; then cat > "$STUB_DIR/stdin.$n"; fi
done
exit 0
`;

function exampleScript(): { script: string; files: Map<string, string> } {
  const ctx = exampleContext();
  buildEso(ctx);
  build(ctx);
  const chart = ctx.k8sApp.charts.find((c) => c.node.id === 'vault-installs')!;
  const files = new Map([...artifacts(chart)].map(([k, v]) => [k, v.content]));
  return { script: files.get('vault/vault-config.sh')!, files };
}

function run(script: string, existing: { secrets: string[]; auth: string[] }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-stub-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'vault'), STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'vault-config.sh'), script);
  const list = (mounts: string[]) => JSON.stringify(Object.fromEntries(mounts.map((m) => [`${m}/`, { type: 'x' }])), undefined, 2);
  fs.writeFileSync(path.join(dir, 'secrets.json'), list(existing.secrets));
  fs.writeFileSync(path.join(dir, 'auth.json'), list(existing.auth));
  execFileSync('sh', [path.join(dir, 'vault-config.sh')], {
    env: { PATH: `${bin}:/usr/bin:/bin`, STUB_DIR: dir, KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1' },
    stdio: 'pipe',
  });
  const calls = fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n');
  const stdin = (call: string) => fs.readFileSync(path.join(dir, `stdin.${calls.indexOf(call) + 1}`), 'utf8');
  return { calls, stdin, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('vault-config.sh against a stub vault CLI', () => {
  test('GIVEN a fresh Vault WHEN the example script runs THEN it enables, configures and writes everything, in order', async () => {
    // GIVEN
    const { script, files } = exampleScript();
    // WHEN
    const { calls, stdin, cleanup } = run(script, { secrets: ['cubbyhole', 'sys'], auth: ['token'] });
    // THEN
    expect(calls).toEqual([
      'secrets list -format=json',
      'secrets enable -path=kv-secrets kv-v2',
      'secrets list -format=json',
      'secrets enable -path=secret kv-v2',
      'auth list -format=json',
      'auth enable -path=kubernetes-auth kubernetes',
      'write auth/kubernetes-auth/config kubernetes_host=https://10.96.0.1:443',
      'auth list -format=json',
      'auth enable -path=kubernetes kubernetes',
      'write auth/kubernetes/config kubernetes_host=https://10.96.0.1:443',
      'policy write kv-secrets-policy -',
      'policy write app -',
      'policy write my-app-role -',
      'policy write external-secrets -',
      'write auth/kubernetes-auth/role/vault-k8s-role -',
      'write auth/kubernetes/role/app -',
      'write auth/kubernetes/role/my-app-role -',
      'write auth/kubernetes/role/external-secrets -',
    ]);
    for (const name of ['kv-secrets-policy', 'app', 'my-app-role', 'external-secrets']) {
      expect(await parseHcl(stdin(`policy write ${name} -`))).toEqual(await parseHcl(files.get(`vault/policies/${name}.hcl`)!));
    }
    for (const [auth, role] of [['kubernetes-auth', 'vault-k8s-role'], ['kubernetes', 'app'], ['kubernetes', 'my-app-role'], ['kubernetes', 'external-secrets']]) {
      expect(JSON.parse(stdin(`write auth/${auth}/role/${role} -`))).toEqual(JSON.parse(files.get(`vault/roles/${auth}/${role}.json`)!));
    }
    cleanup();
  });

  test('GIVEN a dev-mode Vault that already has the mounts and auth methods WHEN the script runs again THEN nothing is enabled twice', () => {
    const { script } = exampleScript();
    const { calls, cleanup } = run(script, { secrets: ['kv-secrets', 'secret', 'sys'], auth: ['kubernetes-auth', 'kubernetes', 'token'] });
    expect(calls.filter((c) => / enable /.test(c))).toEqual([]);
    expect(calls.filter((c) => c.startsWith('policy write') || c.startsWith('write '))).toHaveLength(10);
    cleanup();
  });

  test('GIVEN the script runs outside a pod WHEN the API server address variable is unset THEN set -u stops it, naming the variable', () => {
    const { script } = exampleScript();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-stub-'));
    fs.writeFileSync(path.join(dir, 'vault-config.sh'), script.replace(/vault /g, 'true '));
    expect(() => execFileSync('sh', [path.join(dir, 'vault-config.sh')], { env: { PATH: '/usr/bin:/bin' }, stdio: 'pipe' }))
      .toThrow(/KUBERNETES_PORT_443_TCP_ADDR/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
