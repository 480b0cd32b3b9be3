/**
 * Typed errors. `retriable` tells consumers and activities whether trying again can help;
 * HTTP maps `status`, `code` and `field` into the one error body every service answers with.
 */
export class PlatformError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly retriable: boolean;

  constructor(
    message: string,
    opts: { status: number; code: string; field?: string; retriable?: boolean; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.status = opts.status;
    this.code = opts.code;
    this.field = opts.field;
    this.retriable = opts.retriable ?? false;
  }
}

export class ValidationError extends PlatformError {
  constructor(field: string, message: string) {
    super(message, { status: 400, code: 'invalid_input', field });
  }
}

export class NotFoundError extends PlatformError {
  constructor(what: string, id: string, field?: string) {
    super(`${what} ${id} not found`, { status: 404, code: 'not_found', ...(field ? { field } : {}) });
  }
}

/** The input is well-formed but refers to something that does not allow it (unknown customer, wrong state). */
export class UnprocessableError extends PlatformError {
  constructor(field: string, message: string) {
    super(message, { status: 422, code: 'unprocessable', field });
  }
}

export class ConflictError extends PlatformError {
  constructor(message: string, field?: string) {
    super(message, { status: 409, code: 'conflict', ...(field ? { field } : {}) });
  }
}

export class UnauthorizedError extends PlatformError {
  constructor(message: string) {
    super(message, { status: 401, code: 'unauthorized', field: 'authorization' });
  }
}

export class ForbiddenError extends PlatformError {
  /** `field` names what the caller may not use: its token's roles (`authorization`) or a field it sent. */
  constructor(message: string, field?: string) {
    super(message, { status: 403, code: 'forbidden', ...(field ? { field } : {}) });
  }
}

/** A dependency (database, broker, Temporal) is not reachable now; trying again later can succeed. */
export class DependencyUnavailableError extends PlatformError {
  constructor(dependency: string, cause?: unknown) {
    super(`${dependency} is unavailable`, { status: 503, code: 'dependency_unavailable', retriable: true, cause });
  }
}

export function isRetriable(error: unknown): boolean {
  if (error instanceof PlatformError) return error.retriable;
  // Unknown errors (network resets, driver errors) are assumed transient: losing an event is worse than retrying.
  return true;
}
