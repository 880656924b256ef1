import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import * as https from 'node:https';
import type { ProbeTarget } from './goal-contract';

/** What one probe of one service found. Nothing of the response is kept but its status. */
export interface ProbeResult {
  readonly service: string;
  /** Answered 2xx or 3xx before the timeout (what a Route 53 health check also counts as healthy). */
  readonly ok: boolean;
  /** Milliseconds from the start (DNS lookup included) to the last byte, or to the failure. */
  readonly latencyMs: number;
  /** The HTTP status, when one came back. */
  readonly status?: number;
  /** Why it failed, when it did: a network error, a timeout, or the status. */
  readonly error?: string;
}

/** `https.request`'s shape, so tests can probe a plain HTTP server. */
export type RequestFunction = (options: RequestOptions, callback: (response: IncomingMessage) => void) => ClientRequest;

/** Options for {@link probe}. */
export interface ProbeOptions {
  /** After this, the probe is abandoned and counts as failed. */
  readonly timeoutMs: number;
  /**
   * Sends the request.
   * @default https.request
   */
  readonly request?: RequestFunction;
  /**
   * The port to connect to.
   * @default 443
   */
  readonly port?: number;
  /**
   * The clock, in milliseconds.
   * @default performance.now
   */
  readonly now?: () => number;
}

/**
 * Identifies the probe in access logs: a synthetic request, never a user. It carries no cookie,
 * no token and no user ID, so what it causes to be logged is no one's personal data.
 */
export const PROBE_USER_AGENT = 'dc-migration-goal-probe/1 (CloudWatch Synthetics; synthetic request, no user)';

/**
 * Requests one service the way a user of the market reaches it: a new connection to the phase's
 * layer name (DNS resolves it through the weighted records, as for a user), with the service's
 * public name as TLS server name and Host header (the name the certificate and the load balancer
 * answer to), and the certificate checked against that name. Never throws: a failure is a result.
 */
export function probe(target: ProbeTarget, options: ProbeOptions): Promise<ProbeResult> {
  const request = options.request ?? https.request;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const elapsed = () => Math.round(now() - started);

  return new Promise((resolve) => {
    let settled = false;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const finish = (result: Omit<ProbeResult, 'service' | 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ service: target.service, latencyMs: elapsed(), ...result });
    };
    const req = request(
      {
        host: target.host,
        port: options.port ?? 443,
        path: target.path,
        method: 'GET',
        servername: target.serverName,
        headers: { host: target.serverName, 'user-agent': PROBE_USER_AGENT, accept: '*/*' },
        // A new connection each time: the cost of a user's first request is what distance changes most.
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // The body is read to its end (the last byte counts) and dropped.
        response.resume();
        response.on('end', () =>
          status >= 200 && status < 400
            ? finish({ ok: true, status })
            : finish({ ok: false, status, error: `HTTP ${status}` }),
        );
        response.on('error', (error) => finish({ ok: false, status, error: error.message }));
      },
    );
    // The whole request, not one socket read, must fit in the timeout.
    deadline = setTimeout(() => {
      finish({ ok: false, error: `no complete answer within ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error) => finish({ ok: false, error: error.message }));
    req.end();
  });
}
