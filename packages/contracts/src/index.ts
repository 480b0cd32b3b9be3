export * from './envelope';
export * from './topics';
export * from './registry';
export * from './events/service-request';
export * from './events/device-alarm';
export * from './events/article';
export * from './events/service-request-lifecycle';
export * from './events/work-order';
