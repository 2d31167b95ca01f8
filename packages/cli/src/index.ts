/**
 * `@tokenwire/cli`: the `tokenwire` command (see its README), and {@link FileTokenStore}, the
 * token cache on disk it uses, for any Node program whose processes should share tokens.
 *
 * @packageDocumentation
 */
export { FileTokenStore, type FileTokenStoreOptions } from './file-token-store';
export { defaultCacheDir, defaultConfigDir, type PlatformEnv } from './platform-dirs';
