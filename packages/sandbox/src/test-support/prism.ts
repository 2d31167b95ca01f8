// The repository's one way of starting Prism (scripts/prism.mjs), in the shape the
// contract test uses.
import {
  type Prism,
  repoRoot,
  startPrism,
  type Violation,
  violationsOf,
} from '../../../../scripts/prism.mjs';

export { repoRoot, type Violation, violationsOf };

export type PrismProxy = Prism;

/**
 * `prism proxy <spec> <upstream> [--errors]` on a free loopback port: validates every request
 * and response passing through against the spec. With `errors`, a violation turns into
 * Prism's own 422/500 problem response; without it, the traffic passes and the violations
 * are listed in the `sl-violations` header.
 */
export function startPrismProxy(
  spec: string,
  upstream: string,
  options: { errors: boolean },
): Promise<Prism> {
  return startPrism({ spec, upstream, errors: options.errors });
}
