import { ApiResponseError } from '@tokenwire/auth-middleware';

/**
 * CloudCX answered with an envelope whose `code` is not `"0000"` (often with HTTP 200), or a
 * paging call failed (`code` is then `HTTP_<status>`). `vendorMessage` is the envelope's
 * `message`.
 */
export class CloudCxApiError extends ApiResponseError {
  override name = 'CloudCxApiError';
  /** The envelope's `message`, or null when it had none. */
  readonly vendorMessage: string | null;

  constructor(code: string, vendorMessage: string | null, status: number, response?: Response) {
    super(
      `CloudCX answered code "${code}"${vendorMessage ? `: ${vendorMessage}` : ''} (HTTP ${status}). "0000" means success; any other code is an error.`,
      { status, code, ...(response ? { response } : {}) },
    );
    this.vendorMessage = vendorMessage;
  }
}
