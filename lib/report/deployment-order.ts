import type { Assembly, StackArtifact } from './assembly';
import { mermaidId, mermaidText } from './markdown';

/** One "deploy this before that" between two stacks. */
export interface DeploymentEdge {
  /** Path of the stack deployed first. */
  readonly before: string;
  /** Path of the stack that waits for it. */
  readonly after: string;
  /**
   * `dependency`: the manifest says so (same stage; `cdk deploy` orders it).
   * `import`: an `Fn::ImportValue` of an export the other stack declares (across stages too; nothing orders it but you).
   * `output`: an `Fn::GetStackOutput` of the other stack.
   */
  readonly kind: 'dependency' | 'import' | 'output';
  /** Export names (or the producing stack's name, for outputs) behind an import or output. */
  readonly via: readonly string[];
}

/** The order stacks must deploy in. */
export interface DeploymentOrder {
  readonly edges: readonly DeploymentEdge[];
  /** Stacks by wave: every stack of a wave can deploy in parallel once the earlier waves are done. */
  readonly waves: readonly (readonly string[])[];
  /** Stages that another stage waits for, with the stages that wait and what they import. */
  readonly stagesFirst: readonly {
    readonly stage: string;
    readonly before: readonly string[];
    readonly via: readonly string[];
  }[];
  /** Stacks in a cycle (none in a deployable app). */
  readonly cyclic: readonly string[];
}

/** The deployment order of an assembly's stacks, from the manifests and the templates' cross-stack reads. */
export function deploymentOrder(assembly: Assembly): DeploymentOrder {
  const byArtifact = new Map(assembly.stacks.map((s) => [`${s.stage}|${s.artifactId}`, s]));
  const edges: { before: string; after: string; kind: DeploymentEdge['kind']; via: string[] }[] = [];
  const add = (edge: { before: string; after: string; kind: DeploymentEdge['kind']; via?: string }) => {
    if (edge.before === edge.after) return;
    const known = edges.find((e) => e.before === edge.before && e.after === edge.after);
    if (!known) edges.push({ ...edge, via: edge.via ? [edge.via] : [] });
    else if (edge.via && !known.via.includes(edge.via)) known.via.push(edge.via);
  };
  for (const stack of assembly.stacks) {
    for (const dep of stack.dependencies) {
      const before = byArtifact.get(`${stack.stage}|${dep}`);
      if (before) add({ before: before.path, after: stack.path, kind: 'dependency' });
    }
  }
  // Exports are unique per account and region; an import reads the one of its own.
  const exporters = new Map<string, StackArtifact>();
  for (const stack of assembly.stacks) {
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      const name = output.Export?.Name;
      if (typeof name === 'string') exporters.set(`${stack.account}|${stack.region}|${name}`, stack);
    }
  }
  const byName = new Map(assembly.stacks.map((s) => [`${s.account}|${s.region}|${s.stackName}`, s]));
  for (const stack of assembly.stacks) {
    walk(stack.template.Resources ?? {}, (node) => {
      const imported = node['Fn::ImportValue'];
      if (typeof imported === 'string') {
        const exporter = exporters.get(`${stack.account}|${stack.region}|${imported}`);
        if (exporter) add({ before: exporter.path, after: stack.path, kind: 'import', via: imported });
      }
      const output = node['Fn::GetStackOutput'] as { StackName?: unknown; Region?: unknown } | undefined;
      if (output && typeof output.StackName === 'string') {
        const region = typeof output.Region === 'string' ? output.Region : stack.region;
        const producer = byName.get(`${stack.account}|${region}|${output.StackName}`);
        if (producer) add({ before: producer.path, after: stack.path, kind: 'output', via: output.StackName });
      }
    });
  }

  const { waves, cyclic } = layers(
    assembly.stacks.map((s) => s.path),
    edges,
  );
  const stageOf = new Map(assembly.stacks.map((s) => [s.path, s.stage]));
  const crossStage = new Map<string, { before: Set<string>; via: Set<string> }>();
  for (const edge of edges) {
    const from = stageOf.get(edge.before) ?? '';
    const to = stageOf.get(edge.after) ?? '';
    if (from === to) continue;
    const entry = crossStage.get(from) ?? { before: new Set(), via: new Set() };
    entry.before.add(to);
    for (const via of edge.via) entry.via.add(via);
    crossStage.set(from, entry);
  }
  const stageRank = (stage: string) => waves.findIndex((w) => w.some((p) => stageOf.get(p) === stage));
  const stagesFirst = [...crossStage.entries()]
    .map(([stage, e]) => ({ stage, before: [...e.before].sort(), via: [...e.via].sort() }))
    .sort((a, b) => stageRank(a.stage) - stageRank(b.stage) || a.stage.localeCompare(b.stage));
  return { edges, waves, stagesFirst, cyclic };
}

/** Kahn's algorithm, level by level, each level sorted for a stable report. */
function layers(nodes: readonly string[], edges: readonly DeploymentEdge[]): { waves: string[][]; cyclic: string[] } {
  const waiting = new Map(nodes.map((n) => [n, new Set<string>()]));
  for (const edge of edges) waiting.get(edge.after)?.add(edge.before);
  const waves: string[][] = [];
  const done = new Set<string>();
  while (done.size < nodes.length) {
    const wave = nodes.filter((n) => !done.has(n) && [...(waiting.get(n) ?? [])].every((d) => done.has(d))).sort();
    if (wave.length === 0) break;
    for (const n of wave) done.add(n);
    waves.push(wave);
  }
  return { waves, cyclic: nodes.filter((n) => !done.has(n)) };
}

/** Calls `visit` on every object inside a JSON value. */
export function walk(value: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (value !== null && typeof value === 'object') {
    visit(value as Record<string, unknown>);
    for (const item of Object.values(value)) walk(item, visit);
  }
}

/** The order as a Mermaid flowchart: one box per stage, solid arrows that `cdk deploy` follows, dotted ones it does not. */
export function deploymentMermaid(assembly: Assembly, order: DeploymentOrder): string {
  const lines = ['flowchart LR'];
  const stages = [...new Set(assembly.stacks.map((s) => s.stage))];
  const firstStages = new Set(order.stagesFirst.map((s) => s.stage));
  for (const stage of stages) {
    const title = firstStages.has(stage) ? `${stage}: deploy before ${stagesAfter(order, stage).join(', ')}` : stage;
    lines.push(`  subgraph ${mermaidId(`stage ${stage}`)}["${mermaidText(title)}"]`);
    for (const stack of assembly.stacks.filter((s) => s.stage === stage)) {
      const label = `${stack.path.slice(stage.length + 1) || stack.path}<br/>${stack.region}`;
      lines.push(`    ${mermaidId(stack.path)}["${mermaidText(label)}"]`);
    }
    lines.push('  end');
  }
  for (const edge of order.edges) {
    const arrow = edge.kind === 'dependency' ? '-->' : edge.kind === 'import' ? '-. import .->' : '-. output .->';
    lines.push(`  ${mermaidId(edge.before)} ${arrow} ${mermaidId(edge.after)}`);
  }
  return lines.join('\n');
}

function stagesAfter(order: DeploymentOrder, stage: string): string[] {
  return [...(order.stagesFirst.find((s) => s.stage === stage)?.before ?? [])];
}
