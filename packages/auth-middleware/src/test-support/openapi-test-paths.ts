/**
 * Test fixture in test-support/ (never shipped): a minimal openapi-typescript `paths` type so
 * tests can drive a real, typed openapi-fetch client.
 */
export interface Echo {
  ok: boolean;
  token: string;
  method: string;
}

interface Operation {
  parameters: {
    query?: Record<string, string>;
    header?: Record<string, string>;
    path?: never;
    cookie?: never;
  };
  requestBody?: {
    content: {
      'application/json': unknown;
    };
  };
  responses: {
    200: { headers: Record<string, unknown>; content: { 'application/json': Echo } };
    401: { headers: Record<string, unknown>; content: { 'application/json': unknown } };
  };
}

export interface TestPaths {
  '/things': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: Operation;
    post: Operation;
    put: Operation;
    patch: Operation;
    delete: Operation;
  };
  '/oauth/token': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    post: Operation;
  };
}
