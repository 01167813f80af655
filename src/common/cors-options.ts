import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';
import type { AppConfig } from '../config/app-config';

/**
 * CORS for the REST API, from CORS_ORIGINS. A listed origin gets its own origin back (with `Vary: Origin`), `*` gets
 * `*`; any other origin gets no CORS header at all, and its preflight falls through to a 404. Tokens travel in
 * `Authorization`, never in cookies, so credentials are not allowed.
 */
export function corsOptions(cors: AppConfig['cors']): CorsOptions | null {
  if (!cors) return null;
  const { origins } = cors;
  return {
    origin: (origin, allow) => allow(null, origins === '*' ? '*' : origin !== undefined && origins.includes(origin)),
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    // X-Next-Before is the history page cursor; browsers hide headers that are not listed here.
    exposedHeaders: ['X-Request-Id', 'X-Next-Before'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  };
}
