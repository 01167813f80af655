/** The Redis the multi-instance specs use; every machine of ours (and CI) runs one at 127.0.0.1:6379. */
export function redisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}
