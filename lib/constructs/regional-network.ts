import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeGrantPolicy } from '../compliance/acknowledge';

/** A site-to-site VPN peer: the legacy data center or a local provider. */
export interface VpnPeer {
  /** The peer device's public IPv4 address. */
  readonly address: string;
  /** The peer's BGP autonomous system number. */
  readonly bgpAsn: number;
}

/** Props for {@link RegionalNetwork}. */
export interface RegionalNetworkProps {
  /** The VPC's IPv4 CIDR block, from the plan. */
  readonly cidr: string;
  /** Encrypts the flow-log group. */
  readonly logsKey: IKey;
  /**
   * Availability zones to spread subnets across, taken from the stack's zones.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * NAT gateways; one per AZ keeps egress up when an AZ fails.
   * @default - one per availability zone
   */
  readonly natGateways?: number;
  /**
   * Days flow logs are kept. PCI DSS 10.7 asks for a year.
   * @default 365
   */
  readonly flowLogRetentionDays?: logs.RetentionDays;
  /**
   * Dynamic (BGP) site-to-site VPNs, one per peer, each to the customer gateway the Account stage
   * created for the peer in this region (imported by its export); routes are propagated to the
   * private and isolated subnets.
   * @default - no VPN
   */
  readonly vpnPeers?: readonly VpnConnectionTo[];
}

/** A VPN connection to a peer whose customer gateway exists already. */
export interface VpnConnectionTo {
  /** The peer's plan id, such as `bj-legacy`. */
  readonly id: string;
  readonly customerGatewayId: string;
}

/**
 * Tunnel settings both ends must match: IKEv2, AES-256 and SHA-256 with DH group 14 or better,
 * instead of the defaults that also accept IKEv1, AES-128, SHA-1 and DH group 2
 * (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html).
 */
const TUNNEL: ec2.CfnVPNConnection.VpnTunnelOptionsSpecificationProperty = {
  ikeVersions: [{ value: 'ikev2' }],
  phase1EncryptionAlgorithms: [{ value: 'AES256' }, { value: 'AES256-GCM-16' }],
  phase2EncryptionAlgorithms: [{ value: 'AES256' }, { value: 'AES256-GCM-16' }],
  phase1IntegrityAlgorithms: [{ value: 'SHA2-256' }, { value: 'SHA2-384' }],
  phase2IntegrityAlgorithms: [{ value: 'SHA2-256' }, { value: 'SHA2-384' }],
  phase1DhGroupNumbers: [{ value: 14 }, { value: 19 }, { value: 20 }],
  phase2DhGroupNumbers: [{ value: 14 }, { value: 19 }, { value: 20 }],
};

/**
 * The VPC a phase gets in one region: public, private-with-egress and isolated subnets over
 * at least two AZs, all traffic flow-logged to an encrypted log group, gateway endpoints for
 * S3 and DynamoDB, interface endpoints for what Fargate tasks call on start, and optionally
 * VPNs to the legacy data center and providers' sites for database replication during cutover.
 */
export class RegionalNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly flowLogGroup: logs.LogGroup;
  /** One per peer in `vpnPeers`, in order. */
  public readonly vpnConnections: readonly ec2.CfnVPNConnection[];

  constructor(scope: Construct, id: string, props: RegionalNetworkProps) {
    super(scope, id);
    const azs = props.maxAzs ?? 2;
    if (azs < 2) throw new Error(`${this.node.path}: maxAzs is ${azs}, expected at least 2 for failover`);

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: props.logsKey,
      retention: props.flowLogRetentionDays ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: azs,
      natGateways: props.natGateways ?? azs,
      subnetConfiguration: [
        // Nothing launched here needs an automatic public IP: ALBs and NAT gateways bring their own.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      flowLogs: {
        All: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
          trafficType: ec2.FlowLogTrafficType.ALL,
          maxAggregationInterval: ec2.FlowLogMaxAggregationInterval.ONE_MINUTE,
        },
      },
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      vpnGateway: (props.vpnPeers ?? []).length > 0,
      vpnRoutePropagation: props.vpnPeers?.length
        ? [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }]
        : undefined,
    });
    this.vpnConnections = (props.vpnPeers ?? []).map((peer) => {
      const connection = new ec2.CfnVPNConnection(this, `Vpn-${peer.id}`, {
        type: 'ipsec.1',
        customerGatewayId: peer.customerGatewayId,
        vpnGatewayId: this.vpc.vpnGatewayId as string,
        staticRoutesOnly: false,
        vpnTunnelOptionsSpecifications: [TUNNEL, TUNNEL],
        tags: [{ key: 'Name', value: `${peer.id} from ${this.node.path}` }],
      });
      // The gateway must be attached before a connection can use it.
      const attachment = this.vpc.node.tryFindChild('VPCVPNGW');
      if (attachment) connection.node.addDependency(attachment);
      return connection;
    });

    const flowLogRole = this.vpc.node.tryFindChild('All')?.node.tryFindChild('IAMRole');
    if (flowLogRole) acknowledgeGrantPolicy(flowLogRole);

    // Public subnets route to the internet gateway by design; nothing but load balancers and NAT lives there.
    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.tryFindChild('DefaultRoute');
      if (route) {
        Validations.of(route).acknowledge({
          id: 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW',
          reason:
            'Public subnets hold only the internet-facing load balancers and the NAT gateways; tasks and databases run in private and isolated subnets with no route from the internet.',
        });
      }
    }

    // Endpoints accept HTTPS from this VPC's own range only. The range is the literal from the
    // plan (not the VPC's CidrBlock attribute), so reviewers and cdk-nag can read the rule.
    const endpointGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from inside the VPC',
      allowAllOutbound: false,
    });
    endpointGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');

    // Tasks pull images, write logs and read secrets without leaving the VPC.
    const endpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
    };
    for (const [name, service] of Object.entries(endpoints)) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        privateDnsEnabled: true,
        open: false,
        securityGroups: [endpointGroup],
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      });
    }
  }
}
