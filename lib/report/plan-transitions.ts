import type { MigrationPlan } from '../config/migration-plan';
import { type DataState, REST_OF_WORLD } from '../config/schema';
import { stackId } from '../naming';
import { compareReplications, replicationRefusals } from './replication-transitions';

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
/** `p<phase> <location>`: a site as the transition names it. */
export const at = (phase: number, location: string) => `p${phase} ${location}`;

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

/** `p1 us-west-1 50 %, bj-legacy 50 %`. */
export function formatShares(shares: readonly Share[]): string {
  return shares.length ? shares.map((s) => `${s.target} ${s.percent} %`).join(', ') : 'nowhere';
}
