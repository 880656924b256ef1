import type { Whereabouts } from '../whereabouts';
import { dig, each, type Flow, flowRule } from './residency-rule';

/** Log drivers that keep logs on the host that runs the container. */
const HOST_LOCAL_DRIVERS = new Set(['json-file', 'local', 'journald', 'none']);
/** FireLens outputs that write to an AWS service in the region of their `region` option. */
const AWS_FIRELENS_OUTPUTS = new Set([
  'cloudwatch',
  'cloudwatch_logs',
  'kinesis_firehose',
  'firehose',
  'kinesis_streams',
  'kinesis',
  's3',
]);

function logFlows(container: unknown, path: string): Flow[] {
  const config = dig(container, 'LogConfiguration');
  if (config === undefined) return [];
  const driver = dig(config, 'LogDriver');
  const options = (dig(config, 'Options') ?? {}) as Record<string, unknown>;
  const via = `${path}.LogConfiguration`;
  if (driver === 'awslogs') {
    // awslogs writes to CloudWatch Logs in `awslogs-region`, the task's region when absent.
    return [{ value: options['awslogs-region'] ?? { Ref: 'AWS::Region' }, via: `${via}.Options.awslogs-region` }];
  }
  if (typeof driver === 'string' && HOST_LOCAL_DRIVERS.has(driver)) return [];
  if (driver === 'awsfirelens') {
    const output = options.Name;
    if (typeof output === 'string' && AWS_FIRELENS_OUTPUTS.has(output)) {
      return [{ value: options.region ?? { Ref: 'AWS::Region' }, via: `${via}.Options.region` }];
    }
  }
  const outside: Whereabouts = {
    kind: 'unprovable',
    why: `log-driver-${String(driver)}-${String(options.Name ?? '')}`,
  };
  return [{ value: driver, via: `${via}.LogDriver`, whereabouts: [outside] }];
}

/** Container logs go only to regions the task's markets allow. */
export const ContainerLogDestination = flowRule({
  id: 'ContainerLogDestination',
  info: "A container's log driver sends its logs to a region one of the task's markets does not allow, or to a place outside AWS.",
  explanation:
    "Application logs hold IPs, user IDs and request details. Use the awslogs driver with awslogs-region left out or set to the task's own region (or a FireLens output to an AWS service in a region each market allows); Splunk, Fluentd, GELF, syslog and other outputs outside AWS cannot be placed.",
  how: 'logs-shipped-to',
  covers: { 'AWS::ECS::TaskDefinition': ['ContainerDefinitions.*.LogConfiguration'] },
  flows: (props) =>
    each(props.ContainerDefinitions, 'ContainerDefinitions').flatMap(({ item, path }) => logFlows(item, path)),
});
