/**
 * Jest's test order: slowest first, as Jest's own sequencer orders by the last run's timings, except
 * that the second file is the slowest one that does not read the default assembly. The first file
 * that asks for that assembly builds it while others wait (harness: `defaultAssembly`), so the
 * second worker starts on work that does not wait. Plain JavaScript: Jest loads its sequencer
 * untransformed.
 */
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

/** Reads the run's default assembly, directly or through the default environment's stacks. */
const readsDefault = (test) => /\b(defaultAssembly|synthesizeEnvironment)\(/.test(readFileSync(test.path, 'utf8'));

class DefaultAssemblyAware extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const first = sorted.findIndex(readsDefault);
    const other = sorted.findIndex((t) => !readsDefault(t));
    if (first < 0 || other < 0) return sorted;
    const lead = [sorted[first], sorted[other]];
    return [...lead, ...sorted.filter((t) => !lead.includes(t))];
  }
}

module.exports = DefaultAssemblyAware;
