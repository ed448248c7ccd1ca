import * as tf from './tf';

export { tf };
export * from './activation-spec';
export * from './backend';
export * from './paths';
