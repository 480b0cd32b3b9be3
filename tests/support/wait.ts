// Deadline-bound polling lives with the platform's test helpers, shared by every test tier.
export { eventually, uniqueNamespace } from '@aftersales/platform/testing';
