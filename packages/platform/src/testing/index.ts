export * from './wait';
export * from './names';
export * from './kafka';
export * from './events';
export * from './instants';
export * from './commands';
export * from './servers';
export * from './routes';
