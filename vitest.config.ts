import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      // Several unit tests load and parse the whole shipped bank (83 files) more than once: seconds, not ms.
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 20_000 } },
      { test: { name: 'cli', include: ['tests/cli/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // e2e tests spawn the built binary and tmux sessions; two cores, keep it calm.
          maxWorkers: 2,
          // vitest 4 refuses a mixed run (npm test) when projects differ in maxWorkers but share a group.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
