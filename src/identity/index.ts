export * from './cluster-identity';
export * from './workload-identity';
