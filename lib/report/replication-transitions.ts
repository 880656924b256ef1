import type { DataSource, MigrationPlan } from '../config/migration-plan';
import { marketScopedTableMappings } from '../constructs/market-scoped-table-mappings';
import { stackId } from '../naming';
import { at, type ReplicationChange, type TransitionRefusal } from './plan-transitions';

/** Each replication of two plans, and what a running migration refuses of its change (see comparePlans). */

interface ReplicationFacts {
  readonly phase: number;
  readonly location: string;
  readonly service: string;
  readonly source: DataSource;
  readonly markets: readonly string[];
  /** What DMS is given: the table mappings and the full load's preparation. */
  readonly identity: string;
}

function replicationsOf(plan: MigrationPlan): Map<string, ReplicationFacts> {
  const result = new Map<string, ReplicationFacts>();
  const declaredMarkets = plan.platform.markets.map((m) => m.code);
  for (const { phase, location } of plan.sites()) {
    for (const service of phase.services) {
      const database = plan.service(service).database;
      for (const r of plan.replications(phase.phase, location.id, service)) {
        const mappings = marketScopedTableMappings({
          schema: database?.legacySchema ?? '',
          tables: database?.legacyTables ?? [],
          marketColumn: plan.platform.legacy.database.marketColumn,
          markets: r.markets,
          declaredMarkets,
        });
        const source = r.source === 'legacy' ? 'legacy' : at(r.source.phase, r.source.locationId);
        result.set(`${at(phase.phase, location.id)}|${service}|${source}`, {
          phase: phase.phase,
          location: location.id,
          service,
          source: r.source,
          markets: r.markets,
          identity: JSON.stringify([mappings, r.truncateBeforeLoad]),
        });
      }
    }
  }
  return result;
}

export function compareReplications(before: MigrationPlan, after: MigrationPlan): ReplicationChange[] {
  const was = replicationsOf(before);
  const now = replicationsOf(after);
  return [...new Set([...was.keys(), ...now.keys()])].map((key) => {
    const old = was.get(key);
    const current = now.get(key);
    const facts = (current ?? old) as ReplicationFacts;
    const plan = current ? after : before;
    const kind = changeKind(after, old, current);
    const source = facts.source === 'legacy' ? 'legacy' : at(facts.source.phase, facts.source.locationId);
    const stack =
      facts.source !== 'legacy'
        ? stackId('transfer', facts.source.locationId)
        : stackId(plan.location(facts.location).kind === 'aws' ? 'data' : 'site', facts.location);
    return {
      kind,
      phase: facts.phase,
      location: facts.location,
      service: facts.service,
      source,
      stack: `Phase${facts.phase}/${stack}`,
      marketsBefore: old?.markets ?? [],
      marketsAfter: current?.markets ?? [],
    };
  });
}

function changeKind(
  after: MigrationPlan,
  old: ReplicationFacts | undefined,
  current: ReplicationFacts | undefined,
): ReplicationChange['kind'] {
  if (!old) return 'created';
  if (current) return old.identity === current.identity ? 'unchanged' : 'replaced';
  // Gone: the plan's end of a copy when every market of it is finished at a site still there.
  const site = after.sites().find((s) => s.phase.phase === old.phase && s.location.id === old.location);
  const finished = old.markets.every(
    (m) => site && after.dataState(old.phase, old.location, old.service, m) === 'finished',
  );
  return finished ? 'ended' : 'removed';
}

/**
 * A started replication cannot change (DMS refuses ModifyReplicationConfig), and a new one loads
 * every selected table again: into tables that hold its markets' rows, `DO_NOTHING` fails on their
 * keys (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.ReloadTables.html). So a
 * replacement passes only while nobody uses the target and the plan truncates it first.
 */
export function replicationRefusals(
  before: MigrationPlan,
  after: MigrationPlan,
  changes: readonly ReplicationChange[],
): TransitionRefusal[] {
  return changes.flatMap((c): TransitionRefusal[] => {
    if (c.kind === 'replaced') {
      const site = after.phase(c.phase).locations.find((l) => l.location === c.location);
      const unused = c.marketsBefore.every((m) => before.dataState(c.phase, c.location, c.service, m) === 'copying');
      if (unused && site?.truncateBeforeLoad.includes(c.service)) return [];
      const added = c.marketsAfter.filter((m) => !c.marketsBefore.includes(m));
      return [
        {
          rule: 'replication-reloaded',
          service: c.service,
          market: added[0],
          stack: c.stack,
          message: `replaces the started ${c.service} replication from ${c.source} into ${at(c.phase, c.location)} (${c.marketsBefore.join(', ')} -> ${c.marketsAfter.join(', ')}): the new one loads ${c.marketsBefore.join(', ')} again into tables that hold them, and a full load that does not truncate fails on their keys`,
          step: unused
            ? `while every market there is still copying: add ${c.service} to truncateBeforeLoad of ${c.location} in phase ${c.phase}, stop the old replication before the deploy, start the new one after it (docs/runbook.md, "Change a replication")`
            : `serve ${added.length ? added.join(', ') : 'the change'} from a new phase's location, which gets a replication of its own; the rows of ${c.marketsBefore.join(', ')} here are in use (docs/runbook.md, "Add a market")`,
        },
      ];
    }
    if (c.kind === 'removed') {
      return [
        {
          rule: 'replication-removed',
          service: c.service,
          market: c.marketsBefore[0],
          stack: c.stack,
          message: `removes the ${c.service} replication from ${c.source} into ${at(c.phase, c.location)} while the rows of ${c.marketsBefore.join(', ')} there are not all finished`,
          step: 'a replication ends when every market of it is finished there (write freeze, final sync, validation; docs/runbook.md, "Finish a copy")',
        },
      ];
    }
    return [];
  });
}
