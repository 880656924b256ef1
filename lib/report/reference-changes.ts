/**
 * References to replaced resources: a template can read the same `{ Ref: X }` before and after,
 * and still get a new value at deploy when X is replaced. This follows every reference, in the
 * stack and across stacks (`Fn::ImportValue` of an export, `Fn::GetStackOutput`), to the
 * resources whose values change.
 */
import type { ResourceChange, ResourceChangeKind } from './compare';
import type { ResourceSchemas } from './resource-schemas';
import { changeBase, fate, type StackPair } from './stack-changes';
import {
  crossStackReadsIn,
  type OutputResolver,
  type PropertyPath,
  referencesIn,
  resolveText,
} from './template-references';
import { shortValue } from './template-values';

/** A property of a resource that refers to a resource (maybe in another stack), by where it sits. */
export interface ReferenceEdge {
  readonly path: PropertyPath;
  /** The stack pair the target is in. */
  readonly pair: StackPair;
  /** The target's logical ID in that stack's new template. */
  readonly target: string;
  /** For a read of another stack: what it reads (`import NAME`, `output KEY`). */
  readonly via?: string;
  /**
   * For a read of another stack whose output itself changes value in the template (`old -> new`):
   * the edge stands for that output, and `target` is empty.
   */
  readonly valueChange?: string;
}

/** The references of every resource of the new templates, computed once. */
export class ReferenceGraph {
  private readonly pairByStack: Map<unknown, StackPair>;
  private readonly edges = new Map<string, readonly ReferenceEdge[]>();

  constructor(
    readonly pairs: readonly StackPair[],
    private readonly resolve: OutputResolver,
  ) {
    this.pairByStack = new Map(pairs.map((p) => [p.after, p]));
  }

  /** What the new template's resource `logicalId` of `pair` refers to. */
  edgesOf(pair: StackPair, logicalId: string): readonly ReferenceEdge[] {
    const key = `${pair.after.path}|${logicalId}`;
    let edges = this.edges.get(key);
    if (!edges) {
      const properties = pair.after.template.Resources?.[logicalId]?.Properties ?? {};
      const local = referencesIn(properties)
        .filter((r) => !r.target.startsWith('AWS::'))
        .map((r) => ({ path: r.path, pair, target: r.target }));
      const remote = crossStackReadsIn(properties).flatMap(({ path, read }) => {
        const source = this.resolve(pair.after, read);
        const sourcePair = source && this.pairByStack.get(source.stack);
        if (!source || !sourcePair) return [];
        const via = read.kind === 'import' ? `import ${source.exportName}` : `output ${source.outputKey}`;
        const was = outputBefore(sourcePair, source.outputKey, source.exportName);
        if (was !== undefined && JSON.stringify(was) !== JSON.stringify(source.value)) {
          const valueChange = `${shortValue(was)} -> ${shortValue(source.value)}`;
          return [{ path, pair: sourcePair, target: '', via, valueChange }];
        }
        return referencesIn(source.value).map((r) => ({ path, pair: sourcePair, target: r.target, via }));
      });
      edges = [...local, ...remote];
      this.edges.set(key, edges);
    }
    return edges;
  }

  /**
   * The change of a resource, by its logical ID in the new template: also the replacement of a
   * resource that got this ID as its new one (a template that reads it from another stack, or
   * through its new ID, gets a new value all the same).
   */
  changeOf(pair: StackPair, logicalId: string): ResourceChange | undefined {
    return pair.changes.get(logicalId) ?? [...pair.changes.values()].find((c) => c.newLogicalId === logicalId);
  }

  /** How a message names an edge's target, seen from `from`: its logical ID, or its stack, ID and the read. */
  describe(from: StackPair, edge: ReferenceEdge): string {
    return edge.pair === from ? edge.target : `${edge.pair.after.path}/${edge.target} (${edge.via})`;
  }
}

const RANK: Readonly<Record<ResourceChangeKind, number>> = {
  added: 0,
  removed: 0,
  modified: 1,
  'may be replaced': 2,
  replaced: 3,
};

/**
 * Marks every kept resource whose property refers to a replaced resource, until nothing more
 * changes: a create-only property replaces it in turn (or may, when the target only may be
 * replaced, or the property only may replace), any other property modifies it in place.
 */
export function propagateReferences(
  graph: ReferenceGraph,
  schemas: ResourceSchemas,
  stateful: (type: string) => boolean,
): void {
  const seen = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const pair of graph.pairs) {
      const oldResources = pair.before.template.Resources ?? {};
      for (const [id, now] of Object.entries(pair.after.template.Resources ?? {})) {
        const was = oldResources[id];
        if (!was || was.Type !== now.Type) continue;
        for (const edge of graph.edgesOf(pair, id)) {
          const current = pair.changes.get(id);
          if (current?.kind === 'replaced') break;
          // Across stacks, a target's new logical ID reads the same as the template's: follow it.
          const target = edge.via ? graph.changeOf(edge.pair, edge.target) : edge.pair.changes.get(edge.target);
          const certain = edge.valueChange !== undefined || target?.kind === 'replaced';
          if (!certain && target?.kind !== 'may be replaced') continue;
          const key = `${pair.after.path}|${id}|${edge.path.join('.')}|${edge.pair.after.path}|${edge.target}`;
          if (seen.has(key)) continue;
          seen.add(key);
          grew = true;
          const replacement = schemas.replacement(now.Type, edge.path);
          const hit: ResourceChangeKind =
            replacement === 'no' ? 'modified' : replacement === 'yes' && certain ? 'replaced' : 'may be replaced';
          const kind = current && RANK[current.kind] >= RANK[hit] ? current.kind : hit;
          const reason = edge.valueChange
            ? `${edge.path.join('.')} reads ${edge.pair.after.path} ${edge.via}, whose value changes: ${edge.valueChange}`
            : `${edge.path.join('.')} refers to ${graph.describe(pair, edge)}, which ${certain ? 'is replaced: its value changes' : 'may be replaced: its value may change'}`;
          const firstReplacement = kind !== 'modified' && (!current || current.kind === 'modified');
          pair.changes.set(id, {
            ...(current ?? { ...changeBase(pair, id, now, stateful(now.Type)), reasons: [] }),
            kind,
            reasons: [
              ...(current?.reasons ?? []),
              reason,
              ...(firstReplacement ? [fate('UpdateReplacePolicy', was.UpdateReplacePolicy)] : []),
            ],
            changedProperties: [...(current?.changedProperties ?? []), edge.path.join('.')],
            deletionPolicy: was.DeletionPolicy,
          });
        }
      }
    }
  }
}

/** An output's value in BASE: by its export name when it has one (the key may change), else by key. */
function outputBefore(pair: StackPair, outputKey: string, exportName: string | undefined): unknown {
  const outputs = pair.before.template.Outputs ?? {};
  if (exportName === undefined) return outputs[outputKey]?.Value;
  return Object.values(outputs).find((o) => o.Export && resolveText(o.Export.Name, pair.before) === exportName)?.Value;
}
