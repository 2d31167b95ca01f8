// The profiles file: stored credentials per profile and vendor, 0600 in a 0700 directory.
import { join } from 'node:path';
import { CommandError } from './cli-errors';
import { defaultConfigDir } from './platform-dirs';
import { ensurePrivateDir, readIfExists, writePrivateFile } from './private-files';
import { type Field, isVendor, type Vendor } from './vendors';

/** Stored credentials of one vendor. */
export type StoredCredentials = Partial<Record<Field, string>>;

/** Every profile: name → vendor → credentials. */
export type Profiles = Record<string, Partial<Record<Vendor, StoredCredentials>>>;

/** Where the profiles file is. */
export function profilesPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(defaultConfigDir({ env }), 'profiles.json');
}

/** Reads the profiles file (none yet: no profiles). */
export async function readProfiles(path: string): Promise<Profiles> {
  const text = await readIfExists(path);
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CommandError(
      `${path} is not valid JSON: fix it or delete it (then run tokenwire login again).`,
    );
  }
  const profiles: Profiles = {};
  const all =
    typeof parsed === 'object' && parsed !== null && 'profiles' in parsed ? parsed.profiles : {};
  for (const [name, byVendor] of Object.entries(typeof all === 'object' && all ? all : {})) {
    const entry: Partial<Record<Vendor, StoredCredentials>> = {};
    for (const [vendor, credentials] of Object.entries(
      typeof byVendor === 'object' && byVendor ? byVendor : {},
    )) {
      if (!isVendor(vendor) || typeof credentials !== 'object' || !credentials) continue;
      entry[vendor] = Object.fromEntries(
        Object.entries(credentials).filter(([, value]) => typeof value === 'string'),
      );
    }
    profiles[name] = entry;
  }
  return profiles;
}

/** Writes the profiles file atomically, mode 0600. */
export async function writeProfiles(path: string, profiles: Profiles): Promise<void> {
  await ensurePrivateDir(join(path, '..'));
  await writePrivateFile(path, `${JSON.stringify({ profiles }, null, 2)}\n`);
}
