// Reads a spec and walks it the way the tests need: follow local $refs, and list every
// example together with the JSON pointer of the schema it illustrates.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ExampleSite {
  /** Where the example sits, for failure messages. */
  where: string;
  /** JSON pointer (without '#') of the schema the example must satisfy. */
  schemaPointer: string;
  value: Json;
  /** The media type the example is written for, when it belongs to a media type. */
  mediaType?: string;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function loadSpec(path: string): JsonObject {
  const doc = parse(readFileSync(path, 'utf8')) as Json;
  if (!isObject(doc)) throw new Error(`${path} is not a YAML mapping`);
  return doc;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapeToken = (token: string) => token.replaceAll('~1', '/').replaceAll('~0', '~');

export function pointerJoin(pointer: string, ...tokens: string[]): string {
  return [pointer, ...tokens.map(escapeToken)].join('/');
}

export function getPointer(doc: JsonObject, pointer: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const token of pointer.split('/').slice(1)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = node[unescapeToken(token)];
    else return undefined;
  }
  return node;
}

/** Follows `$ref`s from `pointer` until a node without one; returns that node and its pointer. */
export function follow(doc: JsonObject, pointer: string): { node: JsonObject; pointer: string } {
  let current = pointer;
  for (let hops = 0; hops < 20; hops++) {
    const node = getPointer(doc, current);
    if (!isObject(node)) throw new Error(`Nothing at #${current}`);
    const ref = node.$ref;
    if (typeof ref !== 'string') return { node, pointer: current };
    if (!ref.startsWith('#')) throw new Error(`Only local $refs are supported, found ${ref}`);
    current = ref.slice(1);
  }
  throw new Error(`$ref loop at #${pointer}`);
}

function examplesOf(
  doc: JsonObject,
  holder: JsonObject,
  holderPointer: string,
): Array<{ name: string; value: Json }> {
  const found: Array<{ name: string; value: Json }> = [];
  if ('example' in holder) found.push({ name: 'example', value: holder.example ?? null });
  if (isObject(holder.examples)) {
    for (const name of Object.keys(holder.examples)) {
      const { node } = follow(doc, pointerJoin(holderPointer, 'examples', name));
      if ('value' in node) found.push({ name: `examples.${name}`, value: node.value ?? null });
    }
  }
  return found;
}

/** Every example of parameters, headers and media types, with the schema it must satisfy. */
export function exampleSites(doc: JsonObject): ExampleSite[] {
  const sites: ExampleSite[] = [];
  const addFrom = (holderPointer: string, where: string, mediaType?: string) => {
    const { node: holder, pointer } = follow(doc, holderPointer);
    if (!isObject(holder.schema)) return;
    for (const { name, value } of examplesOf(doc, holder, pointer)) {
      sites.push({
        where: `${where} ${name}`,
        schemaPointer: pointerJoin(pointer, 'schema'),
        value,
        ...(mediaType ? { mediaType } : {}),
      });
    }
  };
  const addContent = (ownerPointer: string, where: string) => {
    const { node: owner, pointer } = follow(doc, ownerPointer);
    if (isObject(owner.content)) {
      for (const mediaType of Object.keys(owner.content)) {
        addFrom(pointerJoin(pointer, 'content', mediaType), `${where} ${mediaType}`, mediaType);
      }
    }
    if (isObject(owner.headers)) {
      for (const header of Object.keys(owner.headers)) {
        addFrom(pointerJoin(pointer, 'headers', header), `${where} header ${header}`);
      }
    }
  };
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const path of Object.keys(paths)) {
    const itemPointer = pointerJoin('', 'paths', path);
    const item = follow(doc, itemPointer).node;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    shared.forEach((_, i) => {
      addFrom(pointerJoin(itemPointer, 'parameters', String(i)), `${path} parameter ${i}`);
    });
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const opPointer = pointerJoin(itemPointer, method);
      const label = `${method.toUpperCase()} ${path}`;
      (Array.isArray(op.parameters) ? op.parameters : []).forEach((_, i) => {
        const p = follow(doc, pointerJoin(opPointer, 'parameters', String(i))).node;
        addFrom(
          pointerJoin(opPointer, 'parameters', String(i)),
          `${label} parameter ${String(p.name)}`,
        );
      });
      if (op.requestBody) addContent(pointerJoin(opPointer, 'requestBody'), `${label} request`);
      const responses = isObject(op.responses) ? op.responses : {};
      for (const status of Object.keys(responses)) {
        addContent(pointerJoin(opPointer, 'responses', status), `${label} ${status}`);
      }
    }
  }
  const schemas =
    isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  for (const name of Object.keys(schemas)) {
    const schema = schemas[name];
    if (isObject(schema) && Array.isArray(schema.examples)) {
      schema.examples.forEach((value, i) => {
        sites.push({
          where: `components.schemas.${name} examples[${i}]`,
          schemaPointer: pointerJoin('', 'components', 'schemas', name),
          value,
        });
      });
    }
  }
  return sites;
}

export interface OperationSummary {
  method: string;
  path: string;
  operationId: string | undefined;
  security: Json | undefined;
  responses: string[];
}

export function operations(doc: JsonObject): OperationSummary[] {
  const result: OperationSummary[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const path of Object.keys(paths)) {
    const item = follow(doc, pointerJoin('', 'paths', path)).node;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      result.push({
        method,
        path,
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        security: op.security,
        responses: isObject(op.responses) ? Object.keys(op.responses) : [],
      });
    }
  }
  return result;
}
