// `npm run start:dev`: the compiler in watch mode, and the server restarted whenever its output changes.
// Two Node features instead of a CLI framework (@nestjs/cli 12 needs Node 22.12+; CI runs Node 20.19).
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** @type {import('node:child_process').ChildProcess | undefined} */
let server;

// The playground's bundle (dist/web), rebuilt by esbuild on every change of web/ or client/src.
const web = spawn(process.execPath, [join(root, 'scripts', 'build-web.mjs'), '--watch'], { cwd: root, stdio: 'inherit' });
const compiler = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
compiler.stdout.on('data', (/** @type {Buffer} */ chunk) => {
  process.stdout.write(chunk);
  // The first clean compile starts the server; node --watch restarts it on every later one.
  if (!server && /Found 0 errors/.test(chunk.toString())) {
    // The server reads the AsyncAPI document from dist/, as `npm run build` leaves it.
    cpSync(join(root, 'docs', 'asyncapi.yaml'), join(root, 'dist', 'docs', 'asyncapi.yaml'));
    server = spawn(process.execPath, ['--watch-path=dist', '--watch-preserve-output', 'dist/src/main.js'], { cwd: root, stdio: 'inherit' });
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    compiler.kill(signal);
    web.kill(signal);
    server?.kill(signal);
  });
}
compiler.on('exit', (code) => process.exit(code ?? 0));
