// tsc writes dist/cli/memreplay.js without the executable bit; `npx memreplay`
// in the checkout runs that file directly, so the build sets the bit.
const { chmodSync } = require('node:fs');
const { join } = require('node:path');

chmodSync(join(__dirname, '..', 'dist', 'cli', 'memreplay.js'), 0o755);
