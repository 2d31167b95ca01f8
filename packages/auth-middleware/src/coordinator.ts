import { SingleFlight } from './single-flight';
import type { TokenSet } from './token-set';
import type { TokenStore } from './token-store';

/** How many refused access tokens are remembered per key: only recent ones can still be in use. */
const REFUSALS_KEPT = 32;

/**
 * What every token manager on one store shares in this process, so managers on the same
 * store and key agree:
 * - the flights: at most one token request per key at a time, whose outcome every waiter
 *   shares;
 * - the refusals: per key, the access tokens the API refused (401) since they were stored.
 *   A flight that started before the 401 must not hand the refused token back as fresh, and
 *   new requests must not send it while its replacement is on its way.
 */
export class InProcessCoordinator {
  readonly #flights = new SingleFlight<TokenSet>();
  readonly #refusals = new Map<string, string[]>();

  /** Runs `task` unless a flight for `key` is already running; either way, its outcome. */
  fly(key: string, task: () => Promise<TokenSet>): Promise<TokenSet> {
    return this.#flights.run(key, task);
  }

  /** Records that the API refused `accessToken`. */
  refuse(key: string, accessToken: string): void {
    this.#refusals.set(
      key,
      [...(this.#refusals.get(key) ?? []), accessToken].slice(-REFUSALS_KEPT),
    );
  }

  isRefused(key: string, accessToken: string): boolean {
    return this.#refusals.get(key)?.includes(accessToken) ?? false;
  }

  /**
   * A token was just stored: a server may re-issue the very token it refused before, and
   * once stored again it is usable again. Other refusals stay: a 401 for a token still in
   * use elsewhere may be arriving.
   */
  stored(key: string, accessToken: string): void {
    const refused = this.#refusals.get(key);
    if (refused?.includes(accessToken)) {
      this.#refusals.set(
        key,
        refused.filter((token) => token !== accessToken),
      );
    }
  }
}

const coordinators = new WeakMap<TokenStore, InProcessCoordinator>();

/** The coordinator of every manager on `store` in this process. */
export function coordinatorFor(store: TokenStore): InProcessCoordinator {
  let coordinator = coordinators.get(store);
  if (!coordinator) {
    coordinator = new InProcessCoordinator();
    coordinators.set(store, coordinator);
  }
  return coordinator;
}
