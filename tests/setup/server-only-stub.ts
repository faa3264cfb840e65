// Stand-in for the `server-only` marker package in Node-side tests (see vitest.config.ts).
export {};
