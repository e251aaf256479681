// The EKS Blueprints entry point (`cdk8s-secrets/lib/blueprints`). Not exported from the main entry point, so a
// program without Blueprints never loads it; it is not part of the jsii API (Blueprints is not a jsii module).
export * from './addon';
