import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';

export const DEV_SECRET_FILE = 'jwt-secret';

export interface SigningSecret {
  secret: string;
  /** Where it came from, so start-up can tell the operator. */
  source: 'environment' | 'generated' | 'data-folder';
  path?: string;
}

/**
 * The HS256 secret: JWT_SECRET when set; otherwise (development only, config refuses production)
 * a random key generated once into the data folder and reused, so tokens survive restarts.
 */
export function resolveSigningSecret(config: AppConfig): SigningSecret | null {
  if (config.auth.mode !== 'secret') return null;
  if (config.auth.secret) return { secret: config.auth.secret, source: 'environment' };
  const path = join(config.dataDir, DEV_SECRET_FILE);
  try {
    return { secret: readFileSync(path, 'utf8').trim(), source: 'data-folder', path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    // 'wx' fails if another process (a second instance, the token CLI) created it first: then read theirs.
    writeFileSync(path, secret + '\n', { flag: 'wx', mode: 0o600 });
    return { secret, source: 'generated', path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: readFileSync(path, 'utf8').trim(), source: 'data-folder', path };
  }
}
