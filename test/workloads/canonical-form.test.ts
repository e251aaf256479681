import { ApiObject, App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanonicalFormResolver } from '../../src';

describe('CanonicalFormResolver.canonicalQuantity: the form kube-apiserver stores', () => {
  test.each([
    // binary quantities: whole multiples of a larger power of 1024 move up; below 1024 bytes they become decimal
    ['2048Mi', '2Gi'], ['1024Ki', '1Mi'], ['1536Mi', '1536Mi'], ['1.5Gi', '1536Mi'], ['512Mi', '512Mi'],
    ['1048576Ki', '1Gi'], ['0.5Ki', '512'], ['1Ki', '1Ki'],
    // decimal quantities: trailing zeros go into the largest multiple-of-3 exponent
    ['1000m', '1'], ['1500m', '1500m'], ['250m', '250m'], ['0.5', '500m'], ['2000', '2k'], ['100', '100'],
    ['1', '1'], ['1000k', '1M'], ['0.1', '100m'],
    // exponent form keeps its form
    ['1e3', '1e3'], ['1000e0', '1e3'],
    ['0', '0'], ['0Mi', '0'],
  ])('%s is stored as %s', (given, stored) => {
    expect(CanonicalFormResolver.canonicalQuantity(given)).toBe(stored);
  });

  test.each(['abc', '1.2.3', '5Mb', '', '1n5'])('%s is not a quantity: undefined (left as written)', (s) => {
    expect(CanonicalFormResolver.canonicalQuantity(s)).toBeUndefined();
  });
});

describe('CanonicalFormResolver on an App', () => {
  function synth(resolvers: CanonicalFormResolver[]): any {
    const app = new App({ resolvers });
    const chart = new Chart(app, 'c');
    new kplus.Deployment(chart, 'd', {
      containers: [{ image: 'registry.example.com/app:1', portNumber: 8080 }],
      initContainers: [{ image: 'registry.example.com/init:1', resources: { memory: { limit: Size.mebibytes(1536) } } }],
    });
    return Testing.synth(chart).find((o) => o.kind === 'Deployment');
  }

  test('GIVEN cdk8s-plus defaults WITHOUT the resolver THEN the values the server rewrites are written (the drift)', () => {
    const d = synth([]);
    expect(d.spec.minReadySeconds).toBe(0);
    expect(d.spec.template.spec.hostNetwork).toBe(false);
    expect(d.spec.template.spec.containers[0].resources).toEqual({
      limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' },
    });
  });

  test('GIVEN the resolver THEN quantities are canonical and the omitted zero values are not written', () => {
    const d = synth([new CanonicalFormResolver()]);
    expect(d.spec).not.toHaveProperty('minReadySeconds');
    expect(d.spec.template.spec).not.toHaveProperty('hostNetwork');
    expect(d.spec.template.spec.containers[0].resources).toEqual({
      limits: { cpu: '1500m', memory: '2Gi' }, requests: { cpu: '1', memory: '512Mi' },
    });
    expect(d.spec.template.spec.initContainers[0].resources.limits.memory).toBe('1536Mi');
    // everything else is untouched
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080 }]);
  });

  test('a non-zero minReadySeconds and hostNetwork: true stay', () => {
    const app = new App({ resolvers: [new CanonicalFormResolver()] });
    const chart = new Chart(app, 'c');
    new kplus.Deployment(chart, 'd', { minReady: Duration.seconds(5), hostNetwork: true, containers: [{ image: 'x:1' }] });
    const d = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(d.spec.minReadySeconds).toBe(5);
    expect(d.spec.template.spec.hostNetwork).toBe(true);
  });

  test('a raw ApiObject Pod with string quantities is canonicalized too', () => {
    const app = new App({ resolvers: [new CanonicalFormResolver()] });
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'p', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { hostNetwork: false, containers: [{ name: 'a', image: 'x:1', tty: false, resources: { limits: { memory: '1024Mi' } } }] },
    } as any);
    const p = Testing.synth(chart)[0];
    expect(p.spec).toEqual({ containers: [{ name: 'a', image: 'x:1', resources: { limits: { memory: '1Gi' } } }] });
  });

  test('a ConfigMap value that looks like a quantity is not touched (only resources.limits/requests are)', () => {
    const app = new App({ resolvers: [new CanonicalFormResolver()] });
    const chart = new Chart(app, 'c');
    new kplus.ConfigMap(chart, 'cm', { data: { memory: '2048Mi', minReadySeconds: '0' } });
    expect(Testing.synth(chart)[0].data).toEqual({ memory: '2048Mi', minReadySeconds: '0' });
  });
});
