// Loads TypeScript through ts-node with SWC: transpile-only, several times faster to start than TypeScript's own
// transpiler. The unit suite and the benchmark's child processes use it, as the npm scripts do (`ts-node --swc`).
require("ts-node").register({ swc: true });
