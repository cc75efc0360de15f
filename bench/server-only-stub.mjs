// The bench runs service-layer code (lib/clinic/record-visit.ts) in plain Node, outside React's server runtime, so
// `import 'server-only'` (a guard against bundling into client code) would throw. Like the tests' vi.mock, this
// puts an empty module in its place before anything loads it. Loaded with `tsx --import` (package.json "bench").
import Module, { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const file = path.join(import.meta.dirname, '..', 'node_modules', 'server-only', 'index.js');
const stub = new Module(file);
stub.filename = file;
stub.loaded = true;
stub.exports = {};
require.cache[file] = stub;
