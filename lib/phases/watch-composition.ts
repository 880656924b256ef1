import { Duration, type Stage } from 'aws-cdk-lib';
import type { ProbeTarget } from '../canary/goal-contract';
import { declareResidency, NO_PERSONAL_DATA } from '../compliance/residency/residency-declaration';
import type { MigrationPlan } from '../config/migration-plan';
import type { EnvironmentConfig, PhaseConfig } from '../config/schema';
import { layerName } from '../constructs/market-routing';
import type { WatchedSignal } from '../constructs/migration-alarms';
import { goalCanaryName, phaseDashboardName, stackId, stackName } from '../naming';
import { type MarketProbe, WatchStack } from '../stacks/watch-stack';

/** Props for {@link addWatchStacks}. */
export interface WatchStacksProps {
  readonly plan: MigrationPlan;
  readonly phase: PhaseConfig;
  readonly environment: EnvironmentConfig;
  /** Tags of a stack of this phase at a location (or region). */
  readonly tags: (location: string) => Record<string, string>;
  /**
   * What the phase's other stacks watch (tunnels, health checks, replications...), for its dashboard.
   * @default - the goals only
   */
  readonly watched?: readonly WatchedSignal[];
}

/**
 * Which watch stacks a phase has: one per region a canary of its markets runs in (the region
 * nearest each market, from the plan), and one in its goals region for the goal alarms, the exit
 * composite and the phase's one dashboard (the same stack when a canary runs there too), which
 * also shows what the phase's other stacks watch. Each canary probes
 * every service of the phase at the market's layer name, `p<phase>.<market>.<service>.<domain>`,
 * which exists whether the phase's site takes the traffic yet or passes it down, and so measures
 * what the phase gives the market, provider sites (Brazil) included.
 */
export function addWatchStacks(stage: Stage, props: WatchStacksProps): WatchStack[] {
  const { plan, phase, environment } = props;
  const markets = plan.watchedMarkets(phase);
  if (markets.length === 0) return [];
  const goals = plan.platform.goals;
  const goalsRegion = plan.goalsRegion(phase);
  // The phase takes all of its markets' traffic only at 100 % with every copy of their rows there.
  const cutoverComplete = plan.cutoverComplete(phase);

  const targets = (market: string): ProbeTarget[] =>
    phase.services.map((service) => {
      const serviceDomain = `${service}.${environment.domainName}`;
      return {
        service,
        host: layerName(phase.phase, market, serviceDomain),
        serverName: serviceDomain,
        path: plan.service(service).healthCheckPath,
      };
    });

  const byRegion = new Map<string, MarketProbe[]>([[goalsRegion, []]]);
  for (const { market, canaryRegion } of markets) {
    const probe = { market, canaryName: goalCanaryName(phase.phase, market), targets: targets(market) };
    byRegion.set(canaryRegion, [...(byRegion.get(canaryRegion) ?? []), probe]);
  }

  return [...byRegion].map(([region, probes]) => {
    const stack = new WatchStack(stage, stackId('watch', region), {
      env: { account: environment.account, region },
      stackName: stackName({ phase: phase.phase, workload: phase.workload, tier: 'watch', location: region }),
      description: `Phase ${phase.phase} (${phase.name}): ${[
        probes.length ? `goal canaries for ${probes.map((p) => p.market).join(', ')}` : '',
        region === goalsRegion ? "goal alarms, exit criteria and the phase's dashboard" : '',
      ]
        .filter(Boolean)
        .join('; ')} in ${region}.`,
      tags: props.tags(region),
      phase: phase.phase,
      probes,
      metricsRegion: goalsRegion,
      probeEvery: Duration.minutes(goals.probeEveryMinutes),
      alarmEmail: environment.alarmEmail,
      goals:
        region === goalsRegion
          ? {
              phase: phase.phase,
              phaseName: phase.name,
              cutoverComplete,
              cutover: plan.cutoverText(phase),
              latencyWindow: Duration.minutes(goals.latencyWindowMinutes),
              availabilityWindow: Duration.hours(goals.availabilityWindowHours),
              markets: markets.map((m) => ({
                ...m,
                canaryName: goalCanaryName(phase.phase, m.market),
                services: phase.services,
              })),
            }
          : undefined,
      dashboard:
        region === goalsRegion
          ? { name: phaseDashboardName(phase.phase, phase.workload), watched: props.watched ?? [] }
          : undefined,
    });
    declareResidency(stack, {
      markets: NO_PERSONAL_DATA,
      reason:
        'Synthetic probes of public names and what they measure (timings, statuses): no user request, identifier or response body is sent or kept.',
    });
    return stack;
  });
}
