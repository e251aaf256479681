export * from './eks-key';
export * from './encryption-configuration';
export * from './keys';
export * from './providers';
