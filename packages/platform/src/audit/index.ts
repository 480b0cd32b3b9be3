export { runAsActor, currentActor } from './actor';
export * from './chain';
export * from './store';
export * from './events';
export * from './routes';
