/**
 * What one template's own diff says about its resources: logical IDs gone, new or moved to another
 * ID for the same construct path, types changed, properties changed (with their old and new
 * values). References to replaced resources come after, in `reference-changes.ts`.
 */
import { type CfnResourceJson, constructPathOf, type StackArtifact } from './assembly';
import type { ResourceChange } from './compare';
import type { Replacement, ResourceSchemas } from './resource-schemas';
import { differingPaths, valueAt } from './template-references';
import { changeLine } from './template-values';

/** One stack both assemblies have, and what changes in it (by logical ID in BASE; added ones by their ID). */
export interface StackPair {
  readonly before: StackArtifact;
  readonly after: StackArtifact;
  readonly changes: Map<string, ResourceChange>;
}

/** The parts of a change every kind shares, for a resource of a stack pair. */
export function changeBase(pair: Omit<StackPair, 'changes'>, logicalId: string, r: CfnResourceJson, stateful: boolean) {
  const inBefore = pair.before.template.Resources?.[logicalId] === r;
  return {
    stack: pair.after.path,
    stackName: pair.after.stackName,
    logicalId,
    type: r.Type,
    constructPath: constructPathOf(inBefore ? pair.before : pair.after, logicalId),
    stateful,
    deletionPolicy: r.DeletionPolicy,
  };
}

/** Compares one stack's two templates resource by resource, without following references. */
export function directChanges(
  pair: Omit<StackPair, 'changes'>,
  schemas: ResourceSchemas,
  stateful: (type: string) => boolean,
): Map<string, ResourceChange> {
  const oldResources = pair.before.template.Resources ?? {};
  const newResources = pair.after.template.Resources ?? {};
  const base = (logicalId: string, r: CfnResourceJson) => changeBase(pair, logicalId, r, stateful(r.Type));

  const changes = new Map<string, ResourceChange>();
  const newIdByPath = new Map<string, string>();
  for (const id of Object.keys(newResources)) {
    const path = constructPathOf(pair.after, id);
    if (path && !oldResources[id]) newIdByPath.set(path, id);
  }
  const renamedTo = new Set<string>();
  for (const [id, r] of Object.entries(oldResources)) {
    if (newResources[id]) continue;
    const path = constructPathOf(pair.before, id);
    const newId = path ? newIdByPath.get(path) : undefined;
    if (newId && newResources[newId].Type === r.Type) {
      renamedTo.add(newId);
      changes.set(id, {
        ...base(id, r),
        kind: 'replaced',
        newLogicalId: newId,
        reasons: [
          `new logical ID ${newId} for the same construct path: CloudFormation creates ${newId} empty and removes ${id}`,
          fate('DeletionPolicy', r.DeletionPolicy),
        ],
      });
    } else {
      changes.set(id, {
        ...base(id, r),
        kind: 'removed',
        reasons: ['no longer in the template', fate('DeletionPolicy', r.DeletionPolicy)],
      });
    }
  }
  for (const [id, r] of Object.entries(newResources)) {
    if (!oldResources[id] && !renamedTo.has(id)) changes.set(id, { ...base(id, r), kind: 'added', reasons: [] });
  }
  for (const id of Object.keys(newResources).filter((i) => oldResources[i])) {
    const change = keptChange(oldResources[id], newResources[id], schemas);
    if (change)
      changes.set(id, { ...base(id, newResources[id]), ...change, deletionPolicy: oldResources[id].DeletionPolicy });
  }
  return changes;
}

/** A resource that keeps its logical ID: a type change or a create-only property replaces it. */
function keptChange(
  was: CfnResourceJson,
  now: CfnResourceJson,
  schemas: ResourceSchemas,
): Pick<ResourceChange, 'kind' | 'reasons' | 'changedProperties'> | undefined {
  if (was.Type !== now.Type) return { kind: 'replaced', reasons: [`type changed from ${was.Type}`] };
  const reasons: string[] = [];
  const changedProperties: string[] = [];
  let worst: Replacement | 'update' | 'none' = 'none';
  for (const path of differingPaths(was.Properties ?? {}, now.Properties ?? {})) {
    const replacement = schemas.replacement(now.Type, path);
    const line = changeLine(path, valueAt(was.Properties, path), valueAt(now.Properties, path));
    changedProperties.push(path.join('.'));
    if (replacement === 'yes') {
      worst = 'yes';
      reasons.push(`${line} (create-only: replaces the resource)`);
    } else if (replacement === 'maybe') {
      if (worst !== 'yes') worst = 'maybe';
      reasons.push(`${line} (may replace the resource, depending on the change)`);
    } else {
      if (worst === 'none') worst = 'update';
      reasons.push(line);
    }
  }
  for (const key of ['DeletionPolicy', 'UpdateReplacePolicy', 'Condition'] as const) {
    if (was[key] !== now[key]) {
      if (worst === 'none') worst = 'update';
      reasons.push(`${key} ${was[key] ?? '(none)'} -> ${now[key] ?? '(none)'}`);
    }
  }
  if (worst === 'none') return undefined;
  const kind = worst === 'yes' ? 'replaced' : worst === 'maybe' ? 'may be replaced' : 'modified';
  if (kind !== 'modified') reasons.push(fate('UpdateReplacePolicy', was.UpdateReplacePolicy));
  return { kind, reasons, changedProperties };
}

/** A renamed construct gets a new path and a new logical ID: a removal and an addition. Say so. */
export function markRenamedStores(changes: Map<string, ResourceChange>): void {
  for (const [id, removed] of changes) {
    if (removed.kind !== 'removed' || !removed.stateful) continue;
    const twin = [...changes.values()].find((r) => r.kind === 'added' && r.type === removed.type);
    if (twin) {
      changes.set(id, {
        ...removed,
        reasons: [
          ...removed.reasons,
          `renamed to ${twin.constructPath ?? twin.logicalId}? A renamed construct is a new, empty resource`,
        ],
      });
    }
  }
}

/** What CloudFormation does with the old resource, by its policy. */
export function fate(policy: 'DeletionPolicy' | 'UpdateReplacePolicy', value: string | undefined): string {
  switch (value) {
    case 'Retain':
    case 'RetainExceptOnCreate':
      return `${policy} ${value}: the old one stays in the account, unmanaged, with its data; the app no longer uses it`;
    case 'Snapshot':
      return `${policy} Snapshot: the old one is snapshotted, then deleted; its data is only in that snapshot`;
    default:
      return `${policy} ${value ?? 'Delete (default)'}: the old one is deleted with its data`;
  }
}
