// The drift comparison of scripts/control-plane/apply-check.js: what the server-side check calls drift.
// (The server's own rewriting is exercised against a real kube-apiserver by scripts/ci-control-plane.sh.)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { drift } = require('../../../scripts/control-plane/apply-check') as {
  drift: (kind: string, sent: unknown, got: unknown) => string[];
};

describe('server-side drift', () => {
  test('values the server holds unchanged, and fields it adds, are not drift', () => {
    const sent = { spec: { replicas: 1, template: { containers: [{ name: 'a', resources: { limits: { memory: '2Gi' } } }] } } };
    const got = { spec: { replicas: 1, revisionHistoryLimit: 10, template: { containers: [{ name: 'a', resources: { limits: { memory: '2Gi' } }, imagePullPolicy: 'IfNotPresent' }] } } };
    expect(drift('Deployment', sent, got)).toEqual([]);
  });

  test('a quantity the server rewrites to its canonical form is drift, named by path and both values', () => {
    const sent = { spec: { containers: [{ resources: { limits: { memory: '2048Mi', cpu: '1000m' } } }] } };
    const got = { spec: { containers: [{ resources: { limits: { memory: '2Gi', cpu: '1' } } }] } };
    expect(drift('Pod', sent, got)).toEqual([
      '.spec.containers[0].resources.limits.memory: sent "2048Mi", the server holds "2Gi"',
      '.spec.containers[0].resources.limits.cpu: sent "1000m", the server holds "1"',
    ]);
  });

  test('a zero value the server drops is drift', () => {
    expect(drift('Service', { spec: { externalIPs: [], ports: [{ port: 80 }] } }, { spec: { ports: [{ port: 80 }] } }))
      .toEqual(['.spec.externalIPs: sent [], the server dropped it']);
  });

  test('a list the server shortens, and an object it replaces by a scalar, are drift', () => {
    expect(drift('X', { a: [1, 2] }, { a: [1] })).toEqual(['.a: sent 2 items, the server holds 1']);
    expect(drift('X', { a: { b: 1 } }, { a: 'b' })).toEqual(['.a: sent {"b":1}, the server holds "b"']);
  });

  test("a Secret's data values are never printed", () => {
    const out = drift('Secret', { data: { password: 'c2VjcmV0' }, stringData: { token: 'plain' } }, { data: { password: 'b3RoZXI=' } });
    expect(out).toEqual([
      '.data.password: sent <redacted>, the server holds <redacted>',
      '.stringData: sent <redacted>, the server dropped it',
    ]);
    expect(out.join('\n')).not.toMatch(/c2VjcmV0|b3RoZXI=|plain/);
  });
});
