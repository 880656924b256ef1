import type { DataSource, MigrationPlan } from '../config/migration-plan';
import { type DataState, REST_OF_WORLD } from '../config/schema';
import { marketScopedTableMappings } from '../constructs/market-scoped-table-mappings';
import { stackId } from '../naming';

/**
 * The transition gate at the migration's level: what a plan deployed over another does to each
 * market's users and rows, and which of those changes a running migration cannot take. Pure: two
 * validated plans in, facts and refusals out. The templates' half (replacements, exports in use,
 * in-place updates a service refuses) is `compareAssemblies`.
 */

/** Where a share of one market's users of one service goes. */
export interface Share {
  /** `p<phase> <location>`, or the legacy data center's id. */
  readonly target: string;
  readonly percent: number;
}

/** One market's users and rows of one service, before and after. */
export interface MarketMove {
  readonly market: string;
  readonly service: string;
  readonly before: readonly Share[];
  readonly after: readonly Share[];
  /** `p<phase> <location>` to the state of the market's rows there (`absent`: none copied there). */
  readonly rowsBefore: Readonly<Record<string, RowState>>;
  readonly rowsAfter: Readonly<Record<string, RowState>>;
}

export type RowState = DataState | 'absent';

/** What happens to one replication (a service's rows of some markets, from one source, into one site). */
export interface ReplicationChange {
  readonly kind: 'created' | 'replaced' | 'ended' | 'removed' | 'unchanged';
  readonly phase: number;
  readonly location: string;
  readonly service: string;
  readonly source: string;
  /** The stack it lives in: `Phase<n>/Data-<site>`, `Site-<site>` or `Transfer-<source>`. */
  readonly stack: string;
  readonly marketsBefore: readonly string[];
  readonly marketsAfter: readonly string[];
}

/** A change the running migration cannot take, and what to do instead. */
export interface TransitionRefusal {
  readonly rule:
    | 'users-before-rows'
    | 'moved-inside-phase'
    | 'undeclared-rest-of-world'
    | 'replication-reloaded'
    | 'replication-removed'
    | 'finished-undone';
  readonly market?: string;
  readonly service?: string;
  readonly stack: string;
  readonly message: string;
  /** The runbook's step instead. */
  readonly step: string;
}

/** Everything the gate says of one plan deployed over another. */
export interface PlanTransition {
  /** Every (market, service) whose users or rows change. */
  readonly moves: readonly MarketMove[];
  /** Every replication of either plan, unchanged ones included. */
  readonly replications: readonly ReplicationChange[];
  readonly refusals: readonly TransitionRefusal[];
  /** Each phase's cutover of a service that changes. */
  readonly cutovers: readonly {
    readonly phase: number;
    readonly service: string;
    readonly before: number;
    readonly after: number;
  }[];
  /** Rows a market may not keep where they are, which the plan names for deletion. */
  readonly rowsToRemove: readonly { readonly market: string; readonly location: string }[];
}

const READY: readonly RowState[] = ['ready', 'finished'];
const at = (phase: number, location: string) => `p${phase} ${location}`;

/** Compares the deployed plan (`before`) with the one about to deploy (`after`). */
export function comparePlans(before: MigrationPlan, after: MigrationPlan): PlanTransition {
  const markets = [
    ...new Set([...before.platform.markets, ...after.platform.markets].map((m) => m.code)),
    REST_OF_WORLD,
  ];
  const services = [...new Set([...before.phases, ...after.phases].flatMap((p) => p.services))];
  const refusals: TransitionRefusal[] = [];
  const moves: MarketMove[] = [];

  for (const service of services) {
    for (const market of markets) {
      const move: MarketMove = {
        market,
        service,
        before: shares(before, service, market),
        after: shares(after, service, market),
        rowsBefore: rows(before, service, market),
        rowsAfter: rows(after, service, market),
      };
      if (JSON.stringify([move.before, move.rowsBefore]) !== JSON.stringify([move.after, move.rowsAfter])) {
        moves.push(move);
      }
      refusals.push(...usersBeforeRows(after, move), ...finishedUndone(after, move));
    }
  }
  refusals.push(...movedInsidePhase(before, after), ...undeclaredRestOfWorld(before, after));
  const replications = compareReplications(before, after);
  refusals.push(...replicationRefusals(before, after, replications));
  const rowsToRemove = after.platform.markets.flatMap((m) =>
    m.removeRowsFrom.map((location) => ({ market: m.code, location })),
  );
  const cutovers = after.phases.flatMap((phase) =>
    before.phases.some((p) => p.phase === phase.phase)
      ? phase.services
          .filter((s) => before.phase(phase.phase).services.includes(s))
          .map((service) => ({
            phase: phase.phase,
            service,
            before: before.cutover(phase.phase, service),
            after: after.cutover(phase.phase, service),
          }))
          .filter((c) => c.before !== c.after)
      : [],
  );
  return { moves, replications, refusals, cutovers, rowsToRemove };
}

/** Where a market's users of a service go in a plan; a market the plan does not declare is part of "*". */
export function shares(plan: MigrationPlan, service: string, market: string): Share[] {
  const legacy = plan.platform.legacy.id;
  if (market !== REST_OF_WORLD && plan.market(market)) {
    const route = plan.routes(service).find((r) => r.market === market);
    if (!route) return [{ target: legacy, percent: 100 }];
    return route.targets
      .filter((t) => t.weight > 0)
      .map((t) => ({ target: t.phase === undefined ? legacy : at(t.phase, t.locationId), percent: t.weight }));
  }
  // The rest of the world reaches the nearest site serving it (latency), then that site's pair against
  // legacy: shown as an even spread over the sites, which is exact for one site per service.
  const sites = plan.restOfWorld(service);
  if (sites.length === 0) return [{ target: legacy, percent: 100 }];
  const phases = new Map(plan.sites().map((s) => [`p${s.phase.phase}-${s.location.id}`, s.phase.phase]));
  const spread = [
    ...sites.map((s) => ({ target: at(phases.get(s.setIdentifier) ?? 0, s.locationId), percent: s.weight })),
    { target: legacy, percent: sites.reduce((sum, s) => sum + s.legacyWeight, 0) },
  ];
  return spread.map((s) => ({ ...s, percent: Math.round(s.percent / sites.length) })).filter((s) => s.percent > 0);
}

/** The state of a market's rows of a service at every site of a plan that holds them. */
export function rows(plan: MigrationPlan, service: string, market: string): Record<string, RowState> {
  const declared = market === REST_OF_WORLD || plan.market(market) !== undefined;
  const result: Record<string, RowState> = {};
  for (const { phase, site, location } of plan.sites()) {
    if (!phase.services.includes(service) || !plan.service(service).database) continue;
    const key = site.markets.includes(market)
      ? market
      : !declared && site.markets.includes(REST_OF_WORLD)
        ? REST_OF_WORLD
        : undefined;
    if (key) result[at(phase.phase, location.id)] = plan.dataState(phase.phase, location.id, service, key);
  }
  return result;
}

const routingStack = (plan: MigrationPlan, target: string) => {
  const [phase, location] = target.slice(1).split(' ');
  const kind = plan.location(location).kind === 'aws' ? 'service' : 'site';
  return `Phase${phase}/${stackId(kind, location)}`;
};

/** Users follow rows: a share above 0 needs the market's rows there ready in the deployed plan. */
function usersBeforeRows(after: MigrationPlan, move: MarketMove): TransitionRefusal[] {
  const legacy = after.platform.legacy.id;
  return move.after
    .filter((s) => s.target !== legacy && !READY.includes(move.rowsBefore[s.target] ?? 'absent'))
    .map((s) => ({
      rule: 'users-before-rows' as const,
      market: move.market,
      service: move.service,
      stack: routingStack(after, s.target),
      message: `${move.market}'s ${move.service} users would go to ${s.target} (${s.percent} %), where its rows are ${move.rowsBefore[s.target] ?? 'absent'} in the deployed plan`,
      step: `rows first, users in a later deploy: deploy with ${move.market}: ${move.rowsBefore[s.target] === undefined ? 'copying' : 'ready'} there and the cutover unchanged, then raise the cutover (docs/runbook.md, "The states of a copy")`,
    }));
}

/** Finished is final: the replication is gone and the layers below are stale. */
function finishedUndone(after: MigrationPlan, move: MarketMove): TransitionRefusal[] {
  return Object.entries(move.rowsBefore)
    .filter(
      ([site, state]) =>
        state === 'finished' && move.rowsAfter[site] !== undefined && move.rowsAfter[site] !== 'finished',
    )
    .map(([site]) => ({
      rule: 'finished-undone' as const,
      market: move.market,
      service: move.service,
      stack: routingStack(after, site),
      message: `${move.market}'s ${move.service} rows at ${site} go from finished back to ${move.rowsAfter[site]}, but their replication is gone and every layer below holds stale rows`,
      step: 'after finishing, a rollback is a new migration the other way (a new phase taking the market from where its rows are)',
    }));
}

/** A market moves in a new phase, never between two locations of one (each phase's numbers stay its own). */
function movedInsidePhase(before: MigrationPlan, after: MigrationPlan): TransitionRefusal[] {
  const markets = [...new Set([...before.platform.markets, ...after.platform.markets].map((m) => m.code))];
  return before.phases.flatMap((phase) => {
    if (!after.phases.some((p) => p.phase === phase.phase)) return [];
    return markets.flatMap((market) => {
      const from = before.siteOf(phase.phase, market);
      const to = after.siteOf(phase.phase, market);
      if (!from || from === to) return [];
      const asRest = before.market(market) ? '' : ' (as part of "*")';
      return [
        {
          rule: 'moved-inside-phase' as const,
          market,
          stack: `Phase${phase.phase}/${stackId(after.location(from).kind === 'aws' ? 'data' : 'site', from)}`,
          message: `phase ${phase.phase} serves ${market} from ${from}${asRest} in the deployed plan, and ${to ? `from ${to}` : `no longer (its users go back down the layers, their writes at ${from} stranded)`} in this one`,
          step: `keep ${market} at ${from} in phase ${phase.phase}${asRest ? ` (name it there beside "*", formerlyRestOfWorld: true)` : ''}, and move it in a new phase, from where its rows are (docs/runbook.md, "Add a market")`,
        },
      ];
    });
  });
}

/** A country that "*" served is declared as what it was: its rows and users are at the "*" sites. */
function undeclaredRestOfWorld(before: MigrationPlan, after: MigrationPlan): TransitionRefusal[] {
  if (!before.sites().some((s) => s.site.markets.includes(REST_OF_WORLD))) return [];
  return after.platform.markets
    .filter((m) => !before.market(m.code) && !m.formerlyRestOfWorld)
    .map((m) => ({
      rule: 'undeclared-rest-of-world' as const,
      market: m.code,
      stack: 'phases/platform.yaml',
      message: `${m.code} is declared now; in the deployed plan it was part of "*", whose sites hold its users and rows`,
      step: `set formerlyRestOfWorld: true on ${m.code} and name it at the sites serving "*" (docs/runbook.md, "Name a market out of *")`,
    }));
}

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

function compareReplications(before: MigrationPlan, after: MigrationPlan): ReplicationChange[] {
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
function replicationRefusals(
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

/** `p1 us-west-1 50 %, bj-legacy 50 %`. */
export function formatShares(shares: readonly Share[]): string {
  return shares.length ? shares.map((s) => `${s.target} ${s.percent} %`).join(', ') : 'nowhere';
}
