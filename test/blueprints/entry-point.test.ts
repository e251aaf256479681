// The add-on has an entry point of its own (`cdk8s-secrets/lib/blueprints`): the main entry point neither exports it
// nor loads EKS Blueprints. (scripts/ci-pack.sh checks the same on the packed tarball, in an app without Blueprints.)

test('GIVEN a program without Blueprints WHEN it loads the main entry point or the add-on\'s THEN Blueprints is never loaded', () => {
  jest.isolateModules(() => {
    jest.doMock('@aws-quickstart/eks-blueprints', () => {
      throw new Error('EKS Blueprints was loaded');
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require('../../src');
    expect(Object.keys(main)).toContain('ClusterTarget');
    expect(Object.keys(main)).not.toContain('SecretsPlatformAddOn');
    // The add-on uses Blueprints' types only: its entry point loads without the package.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require('../../src/blueprints');
    expect(typeof entry.SecretsPlatformAddOn).toBe('function');
  });
});
