import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import jwt from 'jsonwebtoken';
import { ConfigError, loadConfig } from '../config/app-config';
import { resolveSigningSecret } from './signing-secret';

const USAGE = 'usage: npm run -s token -- --sub <user> [--ttl 1h] [--roles admin,operator] [--issuer <iss>] [--audience <aud>]';

/** Prints a token the server accepts, signed with the configured (or generated development) secret. */
function main(): number {
  loadDotenv({ quiet: true });
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      roles: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.sub) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const config = loadConfig(process.env);
  const signing = resolveSigningSecret(config);
  if (!signing) {
    process.stderr.write('JWKS_URI is set: tokens come from your identity provider, not from this command\n');
    return 2;
  }
  const roles = values.roles?.split(',').map((role) => role.trim()).filter(Boolean) ?? [];
  const issuer = values.issuer ?? config.auth.issuer;
  const audience = values.audience ?? config.auth.audience;
  const token = jwt.sign({ [config.auth.rolesClaim]: roles }, signing.secret, {
    algorithm: 'HS256',
    subject: values.sub,
    expiresIn: values.ttl as jwt.SignOptions['expiresIn'],
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
  });
  process.stdout.write(`${token}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exitCode = 2;
}
