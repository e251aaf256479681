export * from './artifact';
export * from './produced-secret';
export * from './cluster-scope';
