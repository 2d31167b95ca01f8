import type { TokenSet, TokenStore } from '@tokenwire/auth-middleware';
import type { FileTokenStore } from './file-token-store';

/**
 * The CLI's view of the store: every token set read or written through it is noted, so
 * that `tokenwire token --json` can print the expiry of the token the client handed out
 * (the client's controls return the access token alone).
 */
export function observedStore(store: FileTokenStore): {
  store: TokenStore;
  find(accessToken: string): TokenSet | undefined;
} {
  const seen = new Map<string, TokenSet>();
  const note = (tokens: TokenSet | undefined) => {
    if (tokens) seen.set(tokens.accessToken, tokens);
    return tokens;
  };
  const { coordination } = store;
  return {
    find: (accessToken) => seen.get(accessToken),
    store: {
      get: async (key) => note(await store.get(key)),
      set: async (key, tokens) => {
        note(tokens);
        await store.set(key, tokens);
      },
      delete: (key) => store.delete(key),
      coordination: {
        lease: async (key, options) => {
          const lease = await coordination.lease(key, options);
          return {
            read: async () => note(await lease.read()),
            write: async (tokens) => {
              const written = await lease.write(tokens);
              if (written) note(tokens);
              return written;
            },
            release: () => lease.release(),
          };
        },
        refuse: (key, accessToken) => coordination.refuse(key, accessToken),
        isRefused: (key, accessToken) => coordination.isRefused(key, accessToken),
      },
    },
  };
}
