export { CURSOR, type StepContext, type StepRunner } from './context.js';
