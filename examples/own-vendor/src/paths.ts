/**
 * The Forge API's paths, in the shape openapi-typescript generates from an OpenAPI spec.
 * Written by hand here to keep the example small; a real client generates it
 * (`openapi-typescript spec.yaml -o src/generated/schema.d.ts`).
 */
export interface paths {
  /** Issues an installation token for an App's signed assertion. */
  '/app/installations/{installation_id}/access_tokens': {
    /** The path parameters. */
    parameters: {
      /** No query parameters. */
      query?: never;
      /** No header parameters. */
      header?: never;
      /** The installation. */
      path: {
        /** The installation's id. */
        installation_id: string;
      };
      /** No cookie parameters. */
      cookie?: never;
    };
    /** Creates an installation token. */
    post: {
      /** The operation's parameters. */
      parameters: {
        /** No query parameters. */
        query?: never;
        /** No header parameters. */
        header?: never;
        /** The installation. */
        path: {
          /** The installation's id. */
          installation_id: string;
        };
        /** No cookie parameters. */
        cookie?: never;
      };
      /** No request body. */
      requestBody?: never;
      /** The answers. */
      responses: {
        /** The token was created. */
        201: {
          /** No documented headers. */
          headers: { [name: string]: unknown };
          /** The token and its absolute expiry. */
          content: {
            /** JSON. */
            'application/json': {
              /** The installation token. */
              token: string;
              /** When it expires, ISO-8601. */
              expires_at: string;
            };
          };
        };
        /** The assertion was refused. */
        401: {
          /** No documented headers. */
          headers: { [name: string]: unknown };
          /** The reason. */
          content: {
            /** JSON. */
            'application/json': {
              /** What was wrong. */
              message: string;
            };
          };
        };
      };
    };
  };
  /** The repositories the installation can reach. */
  '/installation/repositories': {
    /** No path parameters. */
    parameters: {
      /** No query parameters. */
      query?: never;
      /** No header parameters. */
      header?: never;
      /** No path parameters. */
      path?: never;
      /** No cookie parameters. */
      cookie?: never;
    };
    /** Lists them. */
    get: {
      /** No parameters. */
      parameters: {
        /** No query parameters. */
        query?: never;
        /** No header parameters. */
        header?: never;
        /** No path parameters. */
        path?: never;
        /** No cookie parameters. */
        cookie?: never;
      };
      /** No request body. */
      requestBody?: never;
      /** The answers. */
      responses: {
        /** The repositories. */
        200: {
          /** No documented headers. */
          headers: { [name: string]: unknown };
          /** The list. */
          content: {
            /** JSON. */
            'application/json': {
              /** How many. */
              total_count: number;
              /** Their full names. */
              repositories: { full_name: string }[];
            };
          };
        };
        /** The token was refused. */
        401: {
          /** No documented headers. */
          headers: { [name: string]: unknown };
          /** The reason. */
          content: {
            /** JSON. */
            'application/json': {
              /** What was wrong. */
              message: string;
            };
          };
        };
      };
    };
  };
}
