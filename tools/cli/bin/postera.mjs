#!/usr/bin/env node
// `npx postera` — the launcher npm links into node_modules/.bin. The CLI itself is TypeScript,
// compiled with the rest of the repository; this file only finds it and hands it the arguments.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('postera: the CLI is not built: run `npm run build` first (at the repository root)\n');
  process.exit(2);
}
// Output piped into a reader that stops early (`| head`) closes the pipe: that is no error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import(compiled.href);
process.exitCode = await main(process.argv.slice(2));
