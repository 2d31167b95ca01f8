import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  exampleSites,
  follow,
  isObject,
  type JsonObject,
  loadSpec,
  operations,
  pointerJoin,
} from './openapi-document';

const repoRoot = resolve(import.meta.dirname, '..');
const run = promisify(execFile);
// ajv-formats ships CommonJS with a default export; under ESM interop it may arrive nested.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Security = Array<Record<string, string[]>>;
interface ExpectedOperation {
  operationId: string;
  method: string;
  path: string;
  security: Security;
}

const none: Security = [];
const cloudlxOAuth: Security = [{ oauth2: [] }];
const cloudcxAny: Security = [{ oauth2: [] }, { apiKey: [] }];
const sensuBasic: Security = [{ basicAuth: [] }];
const sensuBearer: Security = [{ bearerAuth: [] }];
const sensuCore: Security = [{ bearerAuth: [] }, { apiKeyAuth: [] }];

const expected: Record<string, { operations: ExpectedOperation[]; schemes: JsonObject }> = {
  cloudlx: {
    operations: [
      {
        operationId: 'createAccessToken',
        method: 'post',
        path: '/api/oauth2/access-token',
        security: none,
      },
      {
        operationId: 'refreshAccessToken',
        method: 'post',
        path: '/api/oauth2/refresh-token',
        security: none,
      },
      { operationId: 'listServices', method: 'get', path: '/api/services', security: cloudlxOAuth },
      { operationId: 'listUsers', method: 'get', path: '/api/users', security: cloudlxOAuth },
      {
        operationId: 'listCustomers',
        method: 'get',
        path: '/api/customers',
        security: cloudlxOAuth,
      },
    ],
    schemes: {
      oauth2: {
        type: 'oauth2',
        flows: {
          clientCredentials: {
            tokenUrl: '/api/oauth2/access-token',
            refreshUrl: '/api/oauth2/refresh-token',
          },
        },
      },
    },
  },
  cloudcx: {
    operations: [
      { operationId: 'requestToken', method: 'post', path: '/oauth/token', security: none },
      {
        operationId: 'listUsers',
        method: 'get',
        path: '/openapi/v2/user/page',
        security: cloudcxAny,
      },
    ],
    schemes: {
      oauth2: { type: 'oauth2', flows: { password: { tokenUrl: '/oauth/token' } } },
      apiKey: { type: 'http', scheme: 'bearer' },
    },
  },
  sensu: {
    operations: [
      { operationId: 'authenticate', method: 'get', path: '/auth', security: sensuBasic },
      { operationId: 'testCredentials', method: 'get', path: '/auth/test', security: sensuBasic },
      {
        operationId: 'refreshAccessToken',
        method: 'post',
        path: '/auth/token',
        security: sensuBearer,
      },
      { operationId: 'logout', method: 'post', path: '/auth/logout', security: sensuBearer },
      { operationId: 'getHealth', method: 'get', path: '/health', security: none },
      { operationId: 'getVersion', method: 'get', path: '/version', security: none },
      {
        operationId: 'listNamespaces',
        method: 'get',
        path: '/api/core/v2/namespaces',
        security: sensuCore,
      },
      {
        operationId: 'listEntities',
        method: 'get',
        path: '/api/core/v2/namespaces/{namespace}/entities',
        security: sensuCore,
      },
    ],
    schemes: {
      basicAuth: { type: 'http', scheme: 'basic' },
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKeyAuth: { type: 'apiKey', in: 'header', name: 'Authorization' },
    },
  },
};

function validatorFor(doc: JsonObject) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'https://spec.tokenwire.invalid/openapi.json' }, 'spec');
  return (pointer: string, value: unknown) => {
    const validate = ajv.compile({ $ref: `spec#${pointer}` });
    const ok = validate(value);
    return ok
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  };
}

describe.each(Object.keys(expected))('specs/%s.yaml', (api) => {
  const file = resolve(repoRoot, `specs/${api}.yaml`);
  const doc = loadSpec(file);
  const want = expected[api] ?? { operations: [], schemes: {} };

  it('passes redocly lint with 0 errors and 0 warnings', async () => {
    const redocly = resolve(repoRoot, 'node_modules/.bin/redocly');
    const { stdout } = await run(redocly, ['lint', api, '--format', 'json'], {
      cwd: repoRoot,
    }).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`redocly lint ${api} failed:\n${error.stdout}\n${error.stderr}`);
    });
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: Array<{ ruleId: string; message: string }>;
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('has every example valid against its own schema', () => {
    const validate = validatorFor(doc);
    const sites = exampleSites(doc);
    expect(sites.length).toBeGreaterThan(want.operations.length);
    const failures: string[] = [];
    for (const site of sites) {
      for (const message of validate(site.schemaPointer, site.value)) {
        failures.push(`${site.where}: ${message}`);
      }
      // text/plain bodies that carry JSON declare it with contentMediaType/contentSchema:
      // their examples must parse and satisfy that inner schema too.
      const schema = follow(doc, site.schemaPointer);
      if (
        schema.node.contentMediaType === 'application/json' &&
        isObject(schema.node.contentSchema) &&
        typeof site.value === 'string'
      ) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(site.value);
        } catch {
          failures.push(`${site.where}: declared as JSON text but does not parse`);
          continue;
        }
        for (const message of validate(pointerJoin(schema.pointer, 'contentSchema'), parsed)) {
          failures.push(`${site.where} (parsed JSON): ${message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('declares exactly the expected operations, methods, paths and security', () => {
    const actual = operations(doc).map((op) => ({
      operationId: op.operationId,
      method: op.method,
      path: op.path,
      security: op.security,
    }));
    const sort = (ops: Array<{ operationId: string | undefined }>) =>
      [...ops].sort((a, b) => String(a.operationId).localeCompare(String(b.operationId)));
    expect(sort(actual)).toEqual(sort(want.operations));
  });

  it.each(want.operations)('$operationId documents a 2xx and a 4xx response', ({ operationId }) => {
    const op = operations(doc).find((o) => o.operationId === operationId);
    expect(op?.responses.some((s) => s.startsWith('2'))).toBe(true);
    expect(op?.responses.some((s) => s.startsWith('4'))).toBe(true);
  });

  it('declares the expected security schemes', () => {
    const components = isObject(doc.components) ? doc.components : {};
    const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
    expect(Object.keys(schemes).sort()).toEqual(Object.keys(want.schemes).sort());
    expect(schemes).toMatchObject(want.schemes);
  });
});

describe('specs/cloudlx.yaml vendor media type', () => {
  it('sends Accept: application/vnd.cloudlx.v1+json on every operation via one shared parameter', () => {
    const doc = loadSpec(resolve(repoRoot, 'specs/cloudlx.yaml'));
    for (const op of operations(doc)) {
      const item = follow(doc, pointerJoin('', 'paths', op.path)).node;
      const opNode = item[op.method];
      const params = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(isObject(opNode) && Array.isArray(opNode.parameters) ? opNode.parameters : []),
      ];
      const refs = params.filter(isObject).map((p) => p.$ref);
      expect(refs, `${op.method} ${op.path}`).toContain('#/components/parameters/Accept');
    }
    const accept = follow(doc, '/components/parameters/Accept').node;
    expect(accept).toMatchObject({ in: 'header', name: 'Accept', required: true });
    expect(JSON.stringify(accept)).toContain('application/vnd.cloudlx.v1+json');
  });
});
