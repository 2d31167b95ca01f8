import { assignFields } from './errors';

/**
 * An API call (not a token request) that a convenience helper could not turn into data:
 * e.g. a page of a paginated listing answered 401 or 500. `code` is `HTTP_<status>` unless
 * the vendor gave its own (CloudCX envelopes). The raw Response is non-enumerable.
 */
export class ApiResponseError extends Error {
  /** `'ApiResponseError'` (subclasses set their own). */
  override name = 'ApiResponseError';
  /** `HTTP_<status>`, or the vendor's own code (CloudCX envelopes). */
  declare readonly code: string;
  /** The HTTP status of the answer. */
  declare readonly status: number;
  /** The vendor's body (parsed JSON or text), when there was one. */
  declare readonly body: unknown;
  /** The raw Response: not enumerable, so it stays out of JSON and most logs. */
  declare readonly response: Response | undefined;

  constructor(
    message: string,
    details: { status: number; code?: string; body?: unknown; response?: Response },
  ) {
    super(message);
    this.code = details.code ?? `HTTP_${details.status}`;
    this.status = details.status;
    this.body = details.body;
    assignFields(this, { response: details.response });
  }

  /** `name`, `code`, `status`, `message` and `body`, for logs: never the raw Response. */
  toJSON(): Record<string, unknown> {
    const { name, code, status, message, body } = this;
    return { name, code, status, message, body };
  }
}
