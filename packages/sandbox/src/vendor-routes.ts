import type { Hono } from 'hono';
import type { TokenLedger } from './control-types';
import type { FaultRenderer, SandboxContext, SandboxCore, SandboxEnv } from './core';
import type { RouteClass } from './faults';
import {
  createRouteResponder,
  type HttpMethod,
  type MethodOf,
  type RouteResponder,
} from './typed-response';

/**
 * One vendor operation, written once: its method and spec path give the Hono route, the
 * typed responder its handler answers with, and the pattern that tells a 405 from a 404.
 */
export interface VendorRoute {
  method: HttpMethod;
  /** The path as the spec writes it, `{name}` for a parameter. */
  path: string;
  /** Which faults hit it: the token endpoints, or every other operation. */
  routeClass: RouteClass;
  handle(c: SandboxContext): Response | Promise<Response>;
}

/** Answers one operation with the responder its spec entry types. */
export type RouteHandler<Paths, P extends keyof Paths, M extends HttpMethod> = (
  c: SandboxContext,
  send: RouteResponder<Paths, P, M>,
) => Response | Promise<Response>;

/**
 * The route builder of one spec: `route('get', '/api/services', 'api', (c, send) => ...)`
 * accepts only a method and path the spec has, and `send` only the statuses and bodies it
 * documents for them.
 */
export function routeBuilder<Paths>() {
  return <P extends keyof Paths & string, M extends MethodOf<Paths, P>>(
    method: M,
    path: P,
    routeClass: RouteClass,
    handler: RouteHandler<Paths, P, M>,
  ): VendorRoute => {
    const send = createRouteResponder<Paths, P, M>();
    return { method, path, routeClass, handle: (c) => handler(c, send) };
  };
}

/** Everything a vendor contributes to a sandbox. */
export interface VendorDefinition {
  routes: readonly VendorRoute[];
  /** The token store behind the control API. */
  ledger: TokenLedger;
  renderer: FaultRenderer;
  /** Runs before every vendor route, faults included (CloudLX counts a missing `Accept`). */
  beforeRoute?(c: SandboxContext): void;
  /** The vendor's answer for a path it does not serve. */
  notFound(c: SandboxContext): Response;
  /** The vendor's answer for a path it serves, with a method it does not. */
  methodNotAllowed(c: SandboxContext): Response;
}

/** `/a/{id}/b` as Hono writes it: `/a/:id/b`. */
export function honoPath(specPath: string): string {
  return specPath.replace(/\{([^}/]+)\}/g, ':$1');
}

/** A RegExp matching the concrete paths of a spec path (a parameter is one segment). */
export function pathPattern(specPath: string): RegExp {
  const parts = specPath
    .split(/(\{[^}/]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('')}$`);
}

/** Registers a vendor's routes on `app`, each running through the core's fault handling. */
export function mountVendorRoutes(
  app: Hono<SandboxEnv>,
  core: SandboxCore,
  vendor: VendorDefinition,
): void {
  const before = vendor.beforeRoute;
  for (const route of vendor.routes) {
    const { routeClass } = route;
    app.on(
      route.method.toUpperCase(),
      honoPath(route.path),
      before
        ? (c) => {
            before(c);
            return core.handle(routeClass, c, () => route.handle(c));
          }
        : (c) => core.handle(routeClass, c, () => route.handle(c)),
    );
  }
}

/** True when `path` is one the vendor serves (with some method): a wrong method is a 405. */
export function servesPath(vendor: VendorDefinition): (path: string) => boolean {
  const patterns = vendor.routes.map((route) => pathPattern(route.path));
  return (path) => patterns.some((pattern) => pattern.test(path));
}
