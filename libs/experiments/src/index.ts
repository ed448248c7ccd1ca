export { pl } from './polars';
export * from './errors';
export * from './canonical-json';
export * from './spec';
export * from './grid';
export * from './spec-claim';
export * from './metrics';
export * from './presets';
export * from './store';
export * from './lock';
export * from './runner';
export * from './slurm';
export * from './aggregate';
export * from './markdown';
export * from './run-one';
export * from './run-id';

export * from './report';
export * from './landscape-probe';
