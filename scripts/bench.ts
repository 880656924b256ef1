/**
 * `npm run bench`: median wall time of the project's three loops, against their targets.
 * A benchmark, not a test: it prints and never fails the build on a slow machine.
 *
 *   BENCH_RUNS=5 npm run bench     (default 3 runs each)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = join(__dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const runs = Number(process.env.BENCH_RUNS ?? 3);

const tasks = [
  { name: 'type-check (tsc)', cmd: bin('tsc'), args: [] as string[], targetSeconds: 3 },
  { name: 'full synth, all phases (cdk synth)', cmd: bin('cdk'), args: ['synth', '--quiet'], targetSeconds: 12 },
  { name: 'whole test suite (jest)', cmd: bin('jest'), args: ['--silent'], targetSeconds: 60 },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = tasks.map((task) => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(task.cmd, task.args, { cwd: root, stdio: 'ignore' });
    times.push((performance.now() - start) / 1000);
    if (result.status !== 0) throw new Error(`${task.name} failed (exit ${result.status}); fix it before benchmarking`);
  }
  const m = median(times);
  return { ...task, median: m, min: Math.min(...times), max: Math.max(...times) };
});

const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
console.log(`\nMedian of ${runs} runs on ${require('node:os').cpus().length} cores, Node ${process.version}\n`);
console.log(line(['what', 'median', 'min', 'max', 'target', 'within target']));
console.log(line(['---', '---:', '---:', '---:', '---:', '---']));
for (const r of rows) {
  console.log(
    line([
      r.name,
      `${r.median.toFixed(1)} s`,
      `${r.min.toFixed(1)} s`,
      `${r.max.toFixed(1)} s`,
      `< ${r.targetSeconds} s`,
      r.median < r.targetSeconds ? 'yes' : 'NO',
    ]),
  );
}
