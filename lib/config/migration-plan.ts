import {
  type AwsLocationConfig,
  type DataState,
  type EnvironmentConfig,
  type GoalConfig,
  type LocationConfig,
  type MarketConfig,
  type PhaseConfig,
  type PhaseLocationConfig,
  type PlatformConfig,
  type ProviderLocationConfig,
  REST_OF_WORLD,
  type ServiceConfig,
} from './schema';

/** Where one phase puts one location, with the location resolved. */
export interface PhaseSite {
  readonly phase: PhaseConfig;
  readonly site: PhaseLocationConfig;
  readonly location: LocationConfig;
}

/** One weighted answer for a market's name: a phase's location, or the legacy data center. */
export interface RouteTarget {
  /** `legacy`, or `p<phase>-<location id>`: the Route 53 set identifier. */
  readonly setIdentifier: string;
  /** 0..100. Route 53 weights are relative; 0 takes traffic only when every other target is unhealthy. */
  readonly weight: number;
  /** The phase that serves it; undefined for legacy. */
  readonly phase?: number;
  /** The location id that serves it. */
  readonly locationId: string;
}

/** How one market reaches one service: through `<market>.<service>.<domain>`, weighted across its targets. */
export interface MarketRoute {
  readonly service: string;
  /** ISO code of a declared market. */
  readonly market: string;
  /** Whether any phase serves the market; an unserved market stays on the legacy data center. */
  readonly served: boolean;
  readonly targets: readonly RouteTarget[];
}

/** One site answering the rest of the world: its share against legacy, after latency chose it. */
export interface RestOfWorldTarget {
  readonly setIdentifier: string;
  readonly locationId: string;
  /** 0..100: the site's phase cutover. */
  readonly weight: number;
  /** 100 - weight: what stays on legacy for the users this site is nearest to. */
  readonly legacyWeight: number;
  /** Whether the site answers the rest of the world: its copy of their rows is ready, or it is the system of record. */
  readonly serves: boolean;
  /** Whether legacy still takes the rest (or the failover): false once the site is the system of record. */
  readonly legacyFallback: boolean;
}

/**
 * One phase's layer of a market's routing for a service: the record set `p<phase>.<market>.<service>`
 * that this phase's site owns, so that its number is in its own template and nowhere else.
 */
export interface MarketLayer {
  readonly service: string;
  readonly market: string;
  readonly phase: number;
  readonly locationId: string;
  /** `p<phase>-<location>`: the set identifier of the site's record in the layer. */
  readonly setIdentifier: string;
  /** Whether the site answers in this layer: its copy of the market's rows is ready, or it is the system of record. */
  readonly serves: boolean;
  /** The site's weight in the layer (0..100): the phase's cutover. */
  readonly weight: number;
  /**
   * Where the rest of the layer's traffic goes: the layer of the latest earlier phase serving the
   * market, or the legacy data center. None once this location is the system of record (finished):
   * nothing below it has the market's current rows.
   */
  readonly below?: { readonly phase: number } | 'legacy';
  /** The weight of this layer's record at the market's name: 1 for the latest phase serving the market, else 0. */
  readonly entryWeight: number;
}

/** What one site writes for one service's routing. */
export interface SiteRouting {
  /** This site's layer of each declared market it serves. */
  readonly layers: readonly MarketLayer[];
  /**
   * When this site owns the service's geolocation records: every declared market (one record
   * each, plus the default to the rest of the world) and the legacy records kept at market names.
   */
  readonly owner?: {
    readonly markets: readonly string[];
    readonly entryLegacy: readonly { readonly market: string; readonly weight: number }[];
  };
  /** When this site serves the rest of the world: its share against legacy. */
  readonly restOfWorld?: RestOfWorldTarget;
}

/** Where a location's copy of a market's rows comes from: an earlier phase's location, or legacy. */
export type DataSource = { readonly phase: number; readonly locationId: string } | 'legacy';

/** One replication into a site: a service's rows of some markets, from one source. */
export interface Replication {
  readonly service: string;
  readonly source: DataSource;
  readonly markets: readonly string[];
  /** Whether its full load truncates the target's tables first (the plan's `truncateBeforeLoad`). */
  readonly truncateBeforeLoad: boolean;
}

/** One market a phase serves, as its goal canary and alarms see it. */
export interface WatchedMarket {
  /** ISO code of a declared market. */
  readonly market: string;
  /** The market's name, for alarm descriptions and the dashboard. */
  readonly name: string;
  /** The AWS region nearest the market's users, where its canary runs. */
  readonly canaryRegion: string;
  /** The plan's defaults with the market's own goals on top. */
  readonly goals: GoalConfig;
}

/** The phase site that writes a service's geolocation records and legacy weights. */
export interface RoutingOwner {
  readonly phase: number;
  readonly locationId: string;
}

/**
 * The validated migration plan: the platform file and every phase, with the lookups and
 * derived facts (residency, routing weights) that compositions need. Pure data; build it with
 * `loadPlan`, which guarantees every reference here resolves.
 */
export class MigrationPlan {
  constructor(
    public readonly platform: PlatformConfig,
    public readonly phases: readonly PhaseConfig[],
  ) {}

  public environment(name: string): EnvironmentConfig {
    const env = this.platform.environments[name];
    if (!env) {
      throw new Error(
        `-c env=${name}: unknown environment, expected one of: ${Object.keys(this.platform.environments).join(', ')}`,
      );
    }
    return env;
  }

  public phase(n: number): PhaseConfig {
    const phase = this.phases.find((p) => p.phase === n);
    if (!phase) throw new Error(`unknown phase ${n}, expected one of: ${this.phases.map((p) => p.phase).join(', ')}`);
    return phase;
  }

  public service(name: string): ServiceConfig {
    return must(
      this.platform.services.find((s) => s.name === name),
      `service ${name}`,
    );
  }

  public market(code: string): MarketConfig | undefined {
    return this.platform.markets.find((m) => m.code === code);
  }

  public location(id: string): LocationConfig {
    return must(
      this.platform.locations.find((l) => l.id === id),
      `location ${id}`,
    );
  }

  /**
   * Where a location's copy of one market's rows of a service stands in a phase (`*` for the rest
   * of the world): `finished` for a service with no database (nothing to copy), else the plan's
   * `data` entry for the market, `copying` when it says nothing. A whole-site state (`shop: ready`)
   * is what earlier plans wrote; only a deployed plan may hold one (see `loadPlan`).
   */
  public dataState(phase: number, locationId: string, service: string, market: string): DataState {
    if (!this.service(service).database) return 'finished';
    const entry = this.phase(phase).locations.find((l) => l.location === locationId)?.data[service];
    if (typeof entry === 'string') return entry;
    return entry?.[market] ?? 'copying';
  }

  /**
   * How many provider hosts a site has registered: `hostsRegistered`, with `true` (what earlier
   * plans wrote, accepted only in a deployed plan) read as the site's minTasks.
   */
  public registeredHosts(site: PhaseLocationConfig): number {
    const hosts = site.hostsRegistered;
    return typeof hosts === 'number' ? hosts : hosts ? site.minTasks : 0;
  }

  /** The share of a phase's markets' traffic for a service that its locations take (0..100). */
  public cutover(phase: number, service: string): number {
    const cutover = this.phase(phase).cutoverPercent;
    return typeof cutover === 'number' ? cutover : (cutover[service] ?? 0);
  }

  /** A phase's cutover as a reviewer reads it: `50 %`, or `shop 10 %, accounts 0 %` when it differs per service. */
  public cutoverText(phase: PhaseConfig): string {
    const shares = phase.services.map((s) => this.cutover(phase.phase, s));
    if (shares.every((p) => p === shares[0])) return `${shares[0]} %`;
    return phase.services.map((s, i) => `${s} ${shares[i]} %`).join(', ');
  }

  /** Whether a phase takes all of its markets' traffic: every service at 100 %, no market's rows still copying. */
  public cutoverComplete(phase: PhaseConfig): boolean {
    return phase.services.every(
      (service) =>
        this.cutover(phase.phase, service) === 100 &&
        phase.locations.every((site) =>
          site.markets.every((m) => this.dataState(phase.phase, site.location, service, m) !== 'copying'),
        ),
    );
  }

  /**
   * The site that serves a market in a phase: the location that names it, or, for a market that
   * no location of the phase names, the one serving the rest of the world when the market is not
   * declared (an undeclared country is part of "*").
   */
  public siteOf(phase: number, market: string): string | undefined {
    const locations = this.phase(phase).locations;
    const named = locations.find((l) => l.markets.includes(market));
    if (named) return named.location;
    if (market === REST_OF_WORLD || this.market(market)) return undefined;
    return locations.find((l) => l.markets.includes(REST_OF_WORLD))?.location;
  }

  /**
   * Where a market's rows for a service come from when a phase's location takes it over: the
   * latest earlier phase that served the market for the service, or the legacy data center.
   */
  public dataSource(phase: number, service: string, market: string): DataSource {
    const earlier = this.sites()
      .filter((s) => s.phase.phase < phase && s.phase.services.includes(service) && s.site.markets.includes(market))
      .pop();
    return earlier ? { phase: earlier.phase.phase, locationId: earlier.location.id } : 'legacy';
  }

  /**
   * Every layer of every declared market's routing for a service, in phase order per market.
   * Each phase serving a market owns one layer: its site at the phase's cutover (once the data is
   * there) and the rest to the layer below. The market's name holds one record per layer, weight 1
   * for the latest. A cutover edit so changes one layer, in one phase's template; a new phase
   * serving the market changes earlier templates only in their entry weight (structure, not numbers).
   */
  public layers(service: string): MarketLayer[] {
    const byMarket = new Map<string, PhaseSite[]>();
    for (const s of this.sites()) {
      if (!s.phase.services.includes(service)) continue;
      for (const market of s.site.markets) {
        if (market !== REST_OF_WORLD) byMarket.set(market, [...(byMarket.get(market) ?? []), s]);
      }
    }
    return [...byMarket.entries()].flatMap(([market, sites]) =>
      sites.map((s, i): MarketLayer => {
        const state = this.dataState(s.phase.phase, s.location.id, service, market);
        const previous = sites[i - 1];
        return {
          service,
          market,
          phase: s.phase.phase,
          locationId: s.location.id,
          setIdentifier: `p${s.phase.phase}-${s.location.id}`,
          serves: state !== 'copying',
          weight: state === 'copying' ? 0 : this.cutover(s.phase.phase, service),
          below: state === 'finished' ? undefined : previous ? { phase: previous.phase.phase } : 'legacy',
          entryWeight: i === sites.length - 1 ? 1 : 0,
        };
      }),
    );
  }

  /**
   * The legacy record the routing owner keeps at a market's name while at most one phase serves
   * the market: weight 1 while no phase does (today's state), then 0, so whichever of the owner's
   * and the serving phase's stacks deploys first, the name always answers. Once a second phase
   * serves the market, the first phase's layer is the fallback and the legacy record goes.
   */
  public entryLegacy(service: string): { readonly market: string; readonly weight: number }[] {
    return this.platform.markets.flatMap(({ code }) => {
      const serving = this.layers(service).filter((l) => l.market === code).length;
      return serving <= 1 ? [{ market: code, weight: serving === 0 ? 1 : 0 }] : [];
    });
  }

  /** Everything one phase site writes for one service's routing, and nothing another site writes. */
  public siteRouting(phase: number, locationId: string, service: string): SiteRouting {
    const setIdentifier = `p${phase}-${locationId}`;
    const owner = this.routingOwner(service);
    return {
      layers: this.layers(service).filter((l) => l.setIdentifier === setIdentifier),
      owner:
        owner?.phase === phase && owner.locationId === locationId
          ? { markets: this.platform.markets.map((m) => m.code), entryLegacy: this.entryLegacy(service) }
          : undefined,
      restOfWorld: this.restOfWorld(service).find((t) => t.setIdentifier === setIdentifier),
    };
  }

  /** The AWS location the plan has in a region, if any. */
  public awsLocationOfRegion(region: string): string | undefined {
    return this.platform.locations.find((l) => l.kind === 'aws' && l.region === region)?.id;
  }

  /** AWS region of an AWS location. */
  public regionOf(locationId: string): string {
    const location = this.location(locationId);
    return location.kind === 'aws' ? location.region : location.homeRegion;
  }

  /**
   * Whether a market's personal data may live at a location. The rest of the world (`*`)
   * has no declared constraint; a declared market may live only where it lists.
   */
  public isAllowed(market: string, locationId: string): boolean {
    if (market === REST_OF_WORLD) return true;
    return this.market(market)?.allowedLocations.includes(locationId) ?? false;
  }

  /** Every (phase, location) the plan deploys, in phase order. */
  public sites(): PhaseSite[] {
    return this.phases.flatMap((phase) =>
      phase.locations.map((site) => ({ phase, site, location: this.location(site.location) })),
    );
  }

  public awsSites(phase: PhaseConfig): (PhaseSite & { location: AwsLocationConfig })[] {
    return this.sites().filter(
      (s): s is PhaseSite & { location: AwsLocationConfig } => s.phase === phase && s.location.kind === 'aws',
    );
  }

  public providerSites(phase: PhaseConfig): (PhaseSite & { location: ProviderLocationConfig })[] {
    return this.sites().filter(
      (s): s is PhaseSite & { location: ProviderLocationConfig } => s.phase === phase && s.location.kind === 'provider',
    );
  }

  /**
   * Routing for every declared market of a service, across all phases (the rest of the world
   * is routed by latency: see `restOfWorld`).
   *
   * A phase takes its cutover (`cutover`) of the traffic of each market it serves, from whatever served
   * the market before it. Working back from the latest phase: each takes its percentage of what
   * later phases left, and legacy keeps the remainder. So phase 3 at 10 % over phase 1 at 100 %
   * is 10 / 90 / 0 (legacy), and over phase 2 at 50 % it is 10 / 45 / 45. A market no phase
   * serves stays wholly on legacy, as today. A site whose copy of the market's rows is still
   * copying takes nothing.
   * These are the effective shares the layers produce (see `layers`), for checks and reviewers;
   * the records hold only each phase's own number.
   */
  public routes(service: string): MarketRoute[] {
    const sitesOf = new Map<string, PhaseSite[]>();
    for (const s of this.sites()) {
      if (!s.phase.services.includes(service)) continue;
      for (const market of s.site.markets) sitesOf.set(market, [...(sitesOf.get(market) ?? []), s]);
    }
    if (sitesOf.size === 0) return [];
    return this.platform.markets.map(({ code: market }) => {
      const sites = sitesOf.get(market) ?? [];
      const targets: RouteTarget[] = [];
      let remaining = 100;
      for (const s of [...sites].reverse()) {
        const copying = this.dataState(s.phase.phase, s.location.id, service, market) === 'copying';
        const share = copying ? 0 : this.cutover(s.phase.phase, service);
        const weight = Math.round((remaining * share) / 100);
        targets.unshift({
          setIdentifier: `p${s.phase.phase}-${s.location.id}`,
          weight,
          phase: s.phase.phase,
          locationId: s.location.id,
        });
        remaining -= weight;
      }
      const legacy = this.platform.legacy.id;
      if (this.isAllowed(market, legacy) || remaining > 0) {
        targets.push({ setIdentifier: 'legacy', weight: remaining, locationId: legacy });
      }
      return { service, market, served: sites.length > 0, targets };
    });
  }

  /**
   * The sites that answer the rest of the world for a service, each with its own cutover: DNS
   * sends an undeclared country's users to the nearest of them (latency), and then by weight to
   * that site or to legacy. The rest of the world has no residency constraint, so any site may.
   */
  public restOfWorld(service: string): RestOfWorldTarget[] {
    return this.sites()
      .filter((s) => s.phase.services.includes(service) && s.site.markets.includes(REST_OF_WORLD))
      .map((s) => {
        const state = this.dataState(s.phase.phase, s.location.id, service, REST_OF_WORLD);
        const serves = state !== 'copying';
        const weight = serves ? this.cutover(s.phase.phase, service) : 0;
        return {
          setIdentifier: `p${s.phase.phase}-${s.location.id}`,
          locationId: s.location.id,
          weight,
          legacyWeight: 100 - weight,
          serves,
          legacyFallback: state !== 'finished',
        };
      });
  }

  /**
   * The site that writes a service's geolocation records (one per market, plus the default)
   * and its legacy weights: the first to serve the rest of the world. It never changes as
   * later phases arrive, so those records never move between stacks.
   */
  public routingOwner(service: string): RoutingOwner | undefined {
    const owner = this.sites().find(
      (s) => s.phase.services.includes(service) && s.site.markets.includes(REST_OF_WORLD),
    );
    return owner && { phase: owner.phase.phase, locationId: owner.location.id };
  }

  /**
   * The replications that fill one site's copy of a service's rows, one per source: each market the
   * site serves comes from where its rows are now (`dataSource`): the legacy database for markets no
   * earlier phase served, else the earlier phase's site (India: Singapore to Mumbai). A replication
   * goes once every market it copies is `finished` here (final sync done, the site is their system
   * of record): until then it keeps all of them, since DMS cannot change a started replication. None
   * when the service keeps no legacy rows.
   */
  public replications(phase: number, locationId: string, service: string): Replication[] {
    const site = this.phase(phase).locations.find((l) => l.location === locationId);
    if (!site || !this.service(service).database?.legacySchema) return [];
    const bySource = new Map<string, Replication>();
    for (const market of site.markets) {
      const source = this.dataSource(phase, service, market);
      const key = source === 'legacy' ? 'legacy' : `${source.phase}|${source.locationId}`;
      const truncateBeforeLoad = site.truncateBeforeLoad.includes(service);
      const entry = bySource.get(key) ?? { service, source, markets: [], truncateBeforeLoad };
      bySource.set(key, { ...entry, markets: [...entry.markets, market] });
    }
    return [...bySource.values()].filter((r) =>
      r.markets.some((m) => this.dataState(phase, locationId, service, m) !== 'finished'),
    );
  }

  /** Markets a site replicates from the legacy database for a service (see `replications`). */
  public legacyReplicationMarkets(phase: number, locationId: string, service: string): readonly string[] {
    return this.replications(phase, locationId, service).find((r) => r.source === 'legacy')?.markets ?? [];
  }

  /**
   * Replications out of an earlier site's stores into later phases' sites: what that site must
   * let the later phase reach (its network, its databases), whatever phase is synthesized.
   */
  public replicationsFrom(phase: number, locationId: string): (Replication & { readonly into: PhaseSite })[] {
    return this.sites().flatMap((into) =>
      into.phase.services.flatMap((service) =>
        this.replications(into.phase.phase, into.location.id, service)
          .filter((r) => r.source !== 'legacy' && r.source.phase === phase && r.source.locationId === locationId)
          .map((r) => ({ ...r, into })),
      ),
    );
  }

  /** A market's goals: `goals.defaults`, each replaced by the market's own where it sets one. */
  public goals(market: string): GoalConfig {
    return { ...this.platform.goals.defaults, ...this.market(market)?.goals };
  }

  /**
   * The declared markets a phase serves (the rest of the world has no canary: it has no one place
   * to measure from), each once, in the order its locations list them. `loadPlan` guarantees each
   * has a canary region.
   */
  public watchedMarkets(phase: PhaseConfig): WatchedMarket[] {
    const codes = [...new Set(phase.locations.flatMap((l) => l.markets))].filter((m) => m !== REST_OF_WORLD);
    return codes.map((code) => {
      const market = must(this.market(code), `market ${code}`);
      return {
        market: code,
        name: market.name,
        canaryRegion: must(market.canaryRegion, `canaryRegion of ${code}`),
        goals: this.goals(code),
      };
    });
  }

  /**
   * Where a phase's goal alarms, exit composite and dashboard live, and where its canaries publish:
   * the region of its first location. A composite alarm reads only alarms of its own region
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html),
   * and an alarm only metrics of its own, so every measurement of the phase lands in one region.
   */
  public goalsRegion(phase: PhaseConfig): string {
    return this.regionOf(phase.locations[0].location);
  }

  /** Every region a canary of any phase runs in, sorted (the guardrail allows them). */
  public canaryRegions(): string[] {
    return [...new Set(this.phases.flatMap((p) => this.watchedMarkets(p).map((m) => m.canaryRegion)))].sort();
  }

  /**
   * Who a phase's CDN serves: every market and the rest of the world (`viewers`), less the
   * markets the phase lists in `edge.blockedMarkets` (`blocked`; refused at the edge, they keep
   * using the legacy site). Nothing is blocked implicitly: CloudFront logs every viewer's IP at
   * `edge.logLocation`, and `loadPlan` rejects a plan whose viewers do not all allow it, so moving
   * the logs or adding a market never cuts a market off as a side effect.
   */
  public cdnAudience(phase: PhaseConfig): { readonly viewers: string[]; readonly blocked: string[] } {
    const blocked = [...(phase.edge?.blockedMarkets ?? [])];
    const markets = [...this.platform.markets.map((m) => m.code), REST_OF_WORLD];
    return { viewers: markets.filter((m) => !blocked.includes(m)), blocked };
  }
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not in the plan (loadPlan should have rejected this)`);
  return value;
}
