/** Says up front whether the PostgreSQL specs run; on CI they must. */
export default function setup(): void {
  if (process.env.TEST_DATABASE_URL) {
    process.stdout.write(`PostgreSQL specs run against ${redact(process.env.TEST_DATABASE_URL)}\n`);
    return;
  }
  if (process.env.CI) {
    throw new Error('CI must run the PostgreSQL specs: set TEST_DATABASE_URL (see .ci/run)');
  }
  process.stdout.write('PostgreSQL specs skipped: TEST_DATABASE_URL is not set (SQLite specs run)\n');
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
