export * from './core';
export * from './install';
export * from './identity';
export * from './aws';
export * from './eso';
export * from './sealed';
export * from './vault';
export * from './workloads';
export * from './csi';
export * from './encryption';
export * from './checks';
export * from './app';
export * from './platform';

