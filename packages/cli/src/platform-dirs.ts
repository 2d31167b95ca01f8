import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the directory lookups read: the environment, the platform and the home directory. */
export interface PlatformEnv {
  /** Environment variables (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `process.platform` by default. */
  readonly platform?: NodeJS.Platform;
  /** `os.homedir()` by default. */
  readonly home?: string;
}

function resolved(options: PlatformEnv) {
  return {
    env: options.env ?? process.env,
    platform: options.platform ?? process.platform,
    home: options.home ?? homedir(),
  };
}

/** A variable's value when it is set to something other than blanks. */
function setting(env: Readonly<Record<string, string | undefined>>, name: string) {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The directory of the token cache: `TOKENWIRE_CACHE_DIR` when set; else
 * `$XDG_CACHE_HOME/tokenwire` or `~/.cache/tokenwire` on Linux and other Unixes,
 * `~/Library/Caches/tokenwire` on macOS, `%LOCALAPPDATA%\tokenwire` on Windows.
 */
export function defaultCacheDir(options: PlatformEnv = {}): string {
  const { env, platform, home } = resolved(options);
  const override = setting(env, 'TOKENWIRE_CACHE_DIR');
  if (override) return override;
  if (platform === 'win32') {
    return join(setting(env, 'LOCALAPPDATA') ?? join(home, 'AppData', 'Local'), 'tokenwire');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'tokenwire');
  return join(setting(env, 'XDG_CACHE_HOME') ?? join(home, '.cache'), 'tokenwire');
}

/**
 * The directory of the CLI's profiles file: `TOKENWIRE_CONFIG_DIR` when set; else
 * `$XDG_CONFIG_HOME/tokenwire` or `~/.config/tokenwire` on Linux and other Unixes,
 * `~/Library/Application Support/tokenwire` on macOS, `%APPDATA%\tokenwire` on Windows.
 */
export function defaultConfigDir(options: PlatformEnv = {}): string {
  const { env, platform, home } = resolved(options);
  const override = setting(env, 'TOKENWIRE_CONFIG_DIR');
  if (override) return override;
  if (platform === 'win32') {
    return join(setting(env, 'APPDATA') ?? join(home, 'AppData', 'Roaming'), 'tokenwire');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'tokenwire');
  return join(setting(env, 'XDG_CONFIG_HOME') ?? join(home, '.config'), 'tokenwire');
}
