import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** One titled part of a phase's dashboard. */
export interface DashboardSection {
  /** Its heading. */
  readonly heading: string;
  /** One or two sentences on what it shows and when to worry (markdown). */
  readonly description: string;
  /** Its widgets, row by row; a row wider than the grid wraps. */
  readonly rows: readonly (readonly cloudwatch.IWidget[])[];
}

/** Props for {@link PhaseDashboard}. */
export interface PhaseDashboardProps {
  /** From the naming helper: one per phase in the account, as dashboards are. */
  readonly dashboardName: string;
  /** What the phase is and where it stands (markdown), at the top. */
  readonly summary: string;
  /** In order; a section with no widget is left out. */
  readonly sections: readonly DashboardSection[];
  /**
   * The time range the dashboard opens on.
   * @default 1 day - the goals' availability window
   */
  readonly defaultInterval?: Duration;
}

/** A dashboard body holds at most this many widgets (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html). */
const MAX_WIDGETS = 500;

/**
 * One dashboard per phase, for the people who watch its cutover: its exit criteria and goals, and
 * each VPN tunnel, health check, provider service and replication it relies on, in sections.
 *
 * Dashboards are global to the account, not regional
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-dashboard.html),
 * and a metric widget reads the region it names, so one stack shows what lives in every region.
 * Every widget here names its region; alarm widgets appear only for alarms of this stack's own
 * region (whether CloudWatch shows another region's alarms on them is not documented). Names are
 * unique per account, 1 to 255 of `A-Z a-z 0-9 - _`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html).
 */
export class PhaseDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PhaseDashboardProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(props.dashboardName)) {
      throw new Error(
        `${this.node.path}: dashboard name "${props.dashboardName}" must be 1 to 255 of A-Z, a-z, 0-9, "-" and "_"`,
      );
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Default', {
      dashboardName: props.dashboardName,
      defaultInterval: props.defaultInterval ?? Duration.days(1),
    });
    const text = (markdown: string, height: number) => new cloudwatch.TextWidget({ markdown, width: 24, height });
    const widgets: cloudwatch.IWidget[][] = [[text(props.summary, 2)]];
    for (const section of props.sections) {
      if (section.rows.every((row) => row.length === 0)) continue;
      widgets.push([text(`## ${section.heading}\n${section.description}`, 2)]);
      for (const row of section.rows) if (row.length > 0) widgets.push([...row]);
    }
    const count = widgets.flat().reduce((n, w) => n + w.toJson().length, 0);
    if (count > MAX_WIDGETS) {
      throw new Error(`${this.node.path}: ${count} widgets, and a dashboard holds at most ${MAX_WIDGETS}`);
    }
    for (const row of widgets) this.dashboard.addWidgets(...row);
  }
}
