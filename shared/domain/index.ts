export * from './llm';
export * from './errors';
export * from './lead';
export * from './sequence';
export * from './reply';
export * from './org';
export * from './usage';
export * from './records';
