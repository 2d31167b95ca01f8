/** The largest request body the sandbox reads (1 MiB); larger ones get the vendor's error. */
export const maxBodyBytes = 1024 * 1024;

export type BodyResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'too-large' | 'unreadable' };

/**
 * Reads a request body as UTF-8 text, never more than `limit` bytes: a declared
 * Content-Length above the limit is refused unread, and a streamed body is abandoned as soon
 * as it passes the limit. A body that breaks off (client gone, truncated upload) is
 * `unreadable`, never an exception.
 */
export async function readBody(
  request: Request,
  limit: number = maxBodyBytes,
): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return { ok: false, reason: 'too-large' };
  const body = request.body;
  if (body === null) return { ok: true, text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Stop reading; the server drains or closes the connection after answering.
        reader.releaseLock();
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined | null): string {
  if (!contentType) return '';
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** Request parameters read from a form or JSON body. */
export interface BodyParams {
  /** The first value of `name`, as sent (a string for forms, any JSON value for JSON). */
  get(name: string): unknown;
  /** How many times `name` was sent (forms can repeat a parameter). */
  count(name: string): number;
}

const noParams: BodyParams = { get: () => undefined, count: () => 0 };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads parameters the way a PHP or Spring server does: a form body by its fields, a JSON
 * body by the members of its top-level object. Anything else (another content type, broken
 * JSON, a JSON array) carries no parameters, so the server reports a missing one.
 */
export function parseBodyParams(
  contentType: string | undefined | null,
  text: string,
  accept: { form: boolean; json: boolean },
): BodyParams {
  const type = mediaType(contentType);
  if (type === 'application/x-www-form-urlencoded' && accept.form) {
    const form = new URLSearchParams(text);
    return {
      get: (name) => form.get(name) ?? undefined,
      count: (name) => form.getAll(name).length,
    };
  }
  if (type === 'application/json' && accept.json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return noParams;
    }
    if (!isRecord(parsed)) return noParams;
    const record = parsed;
    return {
      get: (name) => (Object.hasOwn(record, name) ? record[name] : undefined),
      count: (name) => (Object.hasOwn(record, name) ? 1 : 0),
    };
  }
  return noParams;
}
