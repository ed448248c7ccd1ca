export * from './errors';
export * from './special';
export * from './stats';
export * from './units';
export * from './activation-layers';
export * from './activation-probe';
export * from './gradient-norms';
export * from './probe-suite';
