// The fresh-machine path of `npm test`: without an upstream folder the run fetches the pinned files once, or
// stops with one line naming what is missing, the URL that failed, its cause and the fix.
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { ensureUpstream } from './upstream';
import { download } from '../../scripts/fetch-upstream';
import { findUpstreamDir, upstreamCandidates } from '../../scripts/upstream';

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('upstream resolver and fetch', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  test('GIVEN CDK8S_SECRETS_UPSTREAM THEN it is looked in first', () => {
    expect(upstreamCandidates({ CDK8S_SECRETS_UPSTREAM: '/x/y' })[0]).toBe('/x/y');
    fs.mkdirSync(path.join(dir, 'crds'));
    expect(findUpstreamDir([path.join(dir, 'nothing'), dir])).toBe(dir);
    expect(findUpstreamDir([path.join(dir, 'nothing')])).toBeUndefined();
  });

  test('GIVEN an unreachable host THEN the download error names the URL and the cause (not just "fetch failed")', async () => {
    const port = await closedPort();
    await expect(download(`http://127.0.0.1:${port}/pinned.yaml`)).rejects.toThrow(`GET http://127.0.0.1:${port}/pinned.yaml failed: ECONNREFUSED`);
  });

  test('GIVEN no upstream folder and no network THEN ensureUpstream fails with ONE line: where it looked, the URL, the cause and the fix', async () => {
    const port = await closedPort();
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    let message = '';
    try {
      await ensureUpstream([empty], { cache: path.join(dir, 'cache'), mirror: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    } catch (e: any) {
      message = e.message;
    }
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^upstream test data not found \\(looked in: ${empty.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\); downloading the pinned files failed: GET http://127\\.0\\.0\\.1:${port}/external-secrets/external-secrets/[0-9a-f]{40}/deploy/crds/bundle\\.yaml failed: ECONNREFUSED`));
    expect(message).toMatch(/\. Fix: run `npx projen fetch-upstream` with access to raw\.githubusercontent\.com .*or set CDK8S_SECRETS_UPSTREAM to a folder holding the files\.$/);
    expect(fs.existsSync(path.join(dir, 'cache', '.complete'))).toBe(false);
  });

  test('GIVEN a mirror that serves other bytes THEN the sha256 check refuses the file, naming the URL', async () => {
    const server = http.createServer((_req, res) => { res.end('not the pinned file'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await expect(ensureUpstream([path.join(dir, 'none')], { cache: path.join(dir, 'cache'), mirror: `http://127.0.0.1:${port}` }))
        .rejects.toThrow(/downloading the pinned files failed: https:\/\/raw\.githubusercontent\.com\/external-secrets\/.*bundle\.yaml: sha256 [0-9a-f]{64}, expected 08b08d88/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(fs.existsSync(path.join(dir, 'cache', 'crds', 'external-secrets', 'bundle.yaml'))).toBe(false);
  });

  test('GIVEN a mirror answering 404 THEN the error names the URL and the status', async () => {
    const server = http.createServer((_req, res) => { res.statusCode = 404; res.end(); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await expect(download(`http://127.0.0.1:${port}/missing`)).rejects.toThrow(`GET http://127.0.0.1:${port}/missing failed: HTTP 404 Not Found`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
