// The HTTP front: EC2 Query protocol (form-encoded POST, XML answers), STS GetCallerIdentity,
// the JSON-protocol services (Service Quotas, Price List; by their X-Amz-Target header) and
// EventBridge Scheduler (REST JSON: by its paths, /schedules and /schedule-groups) on one port.
// Order per request: due schedules fire, dropped/5xx faults, throttling (EC2 only),
// UnauthorizedOperation, DryRun, the action. Every request lands in the request log.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EC2_ACTIONS, isReadOnly, JSON_OPERATIONS } from "./actions/index.js";
import { isSchedulerPath, routeScheduler } from "./actions/scheduler.js";
import { getCallerIdentityXml, stsErrorXml } from "./actions/sts.js";
import type { SimClock } from "./clock.js";
import type { Params } from "./params.js";
import { Prng } from "./prng.js";
import { SimError } from "./sim-error.js";
import { chargeFor, type Throttler } from "./throttle.js";
import type { RequestLogEntry } from "./types.js";
import type { World } from "./world.js";
import { el, node } from "./xml.js";

const EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface ServerDeps {
  world: World;
  clock: SimClock;
  throttler: Throttler;
  /** Separate from the world's PRNG, so request faults do not shift lifecycle draws. */
  requestRng: Prng;
  maxLogEntries: number;
}

interface Outcome {
  status: number;
  body: string;
  outcome: string;
  throttled: boolean;
  requestId: string;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
  /** A JSON-protocol answer (Service Quotas, Price List). */
  json?: boolean;
  /** JSON errors name themselves in a header too. */
  errorType?: string;
}

export class SimServer {
  readonly log: RequestLogEntry[] = [];
  private seq = 0;
  private server: Server | undefined;

  constructor(private readonly deps: ServerDeps) {}

  listen(port: number): Promise<number> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = 5_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  clearLog(): void {
    this.log.length = 0;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const target = req.headers["x-amz-target"];
      const simTime = this.deps.clock.now();
      this.deps.world.scheduler.fireDue(this.deps.world, simTime);
      const url = new URL(req.url ?? "/", "http://sim");
      let params: Params;
      let result: Outcome;
      if (isSchedulerPath(url.pathname)) {
        const input = parseJsonBody(body);
        const route = routeScheduler(req.method ?? "GET", url.pathname);
        params = { Action: route?.op.action ?? `${req.method} ${url.pathname}`, ...(route?.name ? { Name: route.name } : {}), ...Object.fromEntries(url.searchParams), ...flatInput(input) };
        result = this.handleScheduler(req.method ?? "GET", url, input, simTime);
      } else if (typeof target === "string") {
        const input = parseJsonBody(body);
        params = { Action: JSON_OPERATIONS[target]?.action ?? target, ...flatInput(input) };
        result = this.handleJson(target, input, simTime);
      } else {
        const query = req.url?.includes("?") ? req.url.slice(req.url.indexOf("?") + 1) : "";
        params = {};
        for (const [k, v] of new URLSearchParams(query)) params[k] = v;
        for (const [k, v] of new URLSearchParams(body)) params[k] = v;
        result = this.handle(params, simTime);
      }
      this.record(params, simTime, result);
      if (result.drop) {
        req.socket.destroy();
        return;
      }
      res.writeHead(result.status, {
        "Content-Type": result.json ? "application/x-amz-json-1.1" : "text/xml;charset=UTF-8",
        "Content-Length": Buffer.byteLength(result.body),
        ...(result.json ? {} : { Server: "AmazonEC2" }),
        ...(result.errorType ? { "x-amzn-ErrorType": result.errorType } : {}),
        "x-amzn-RequestId": result.requestId,
      });
      res.end(result.body);
    });
  }

  private record(params: Params, simTime: number, r: Outcome): void {
    const log = this.log;
    log.push({
      seq: ++this.seq,
      action: params.Action ?? "",
      params,
      simTime,
      status: r.drop ? 0 : r.status,
      outcome: r.drop ? "dropped" : r.outcome,
      throttled: r.throttled,
    });
    if (log.length > this.deps.maxLogEntries) log.splice(0, log.length - this.deps.maxLogEntries);
  }

  /** One request, start to end, without I/O (so it is easy to reason about and fast). */
  handle(params: Params, now: number): Outcome {
    const { world, requestRng } = this.deps;
    const action = params.Action ?? "";
    const requestId = requestRng.uuid();
    const isSts = action === "GetCallerIdentity";
    const fail = (e: SimError, throttled = false): Outcome => ({
      status: e.status,
      body: isSts
        ? stsErrorXml(e.code, e.message, requestId, e.status >= 500 ? "Receiver" : "Sender")
        : errorXml(e.code, e.message, requestId),
      outcome: e.code,
      throttled,
      requestId,
    });
    const faults = world.faults;

    if (requestRng.chance(faults.errorRate)) {
      return fail(
        requestRng.chance(0.5)
          ? new SimError("InternalError", "An internal error has occurred", 500)
          : new SimError("Unavailable", "The service is unavailable. Please try again shortly.", 503),
      );
    }
    // A dropped connection loses the answer AFTER the work is done: the case retries with
    // the same ClientToken exist for.
    const drop = requestRng.chance(faults.dropRate);

    let result: Outcome;
    if (isSts) {
      result = faults.unauthorizedActions.includes(action)
        ? fail(new SimError("InvalidClientTokenId", "The security token included in the request is invalid.", 403))
        : { status: 200, body: getCallerIdentityXml(world.accountId, requestId), outcome: "ok", throttled: false, requestId };
    } else {
      result = this.handleEc2(action, params, now, requestId, fail);
    }
    return drop ? { ...result, drop: true } : result;
  }

  /**
   * One JSON-protocol request: the same 5xx and dropped-connection faults as EC2, and the
   * `unauthorized` fault as AccessDeniedException. Not throttled (these services have their
   * own, far looser, limits).
   */
  handleJson(target: string, input: Record<string, unknown>, now: number): Outcome {
    const { world, requestRng } = this.deps;
    const requestId = requestRng.uuid();
    const fail = (e: SimError): Outcome => ({
      status: e.status,
      body: JSON.stringify({ __type: e.code, message: e.message }),
      outcome: e.code,
      throttled: false,
      requestId,
      json: true,
      errorType: e.code,
    });
    if (requestRng.chance(world.faults.errorRate)) return fail(new SimError("ServiceUnavailableException", "The service is unavailable. Please try again shortly.", 503));
    const drop = requestRng.chance(world.faults.dropRate);
    const op = JSON_OPERATIONS[target];
    let result: Outcome;
    if (!op) result = fail(new SimError("UnknownOperationException", `The operation ${target} is not known to this simulator.`));
    else if (world.faults.unauthorizedActions.includes(op.action))
      result = fail(new SimError("AccessDeniedException", `User: arn:aws:iam::${world.accountId}:user/workshop is not authorized to perform: ${op.iamAction}`));
    else {
      try {
        const out = op.handler({ world, input, now });
        result = { status: 200, body: JSON.stringify(out), outcome: "ok", throttled: false, requestId, json: true };
      } catch (e) {
        result = fail(e instanceof SimError ? e : new SimError("ServiceException", "An internal error has occurred", 500));
      }
    }
    return drop ? { ...result, drop: true } : result;
  }

  /**
   * One EventBridge Scheduler request: the same 5xx, dropped-connection and `unauthorized`
   * faults as the JSON services; `noscheduler` answers 404 as an endpoint without the service
   * does. Not throttled (its request-rate quotas are in the thousands per second).
   */
  handleScheduler(method: string, url: URL, input: Record<string, unknown>, now: number): Outcome {
    const { world, requestRng } = this.deps;
    const requestId = requestRng.uuid();
    const fail = (e: SimError): Outcome => ({
      status: e.status,
      body: JSON.stringify({ Message: e.message }),
      outcome: e.code,
      throttled: false,
      requestId,
      json: true,
      errorType: e.code,
    });
    if (world.faults.schedulerUnavailable)
      return { status: 404, body: JSON.stringify({ message: "Not Found" }), outcome: "NotFound", throttled: false, requestId, json: true };
    if (requestRng.chance(world.faults.errorRate)) return fail(new SimError("InternalServerException", "Unexpected server error.", 500));
    const drop = requestRng.chance(world.faults.dropRate);
    const route = routeScheduler(method, url.pathname);
    let result: Outcome;
    if (!route) result = fail(new SimError("UnknownOperationException", `No operation for ${method} ${url.pathname} in this simulator.`, 404));
    else if (world.faults.unauthorizedActions.includes(route.op.action))
      result = fail(
        new SimError("AccessDeniedException", `User: arn:aws:iam::${world.accountId}:user/workshop is not authorized to perform: ${route.op.iamAction} on resource: ${world.scheduler.groupArn(url.searchParams.get("groupName") ?? String(input.GroupName ?? "default"))}`, 403),
      );
    else {
      try {
        const out = route.op.handle(world, { method, path: url.pathname, query: url.searchParams, body: input, now }, route.name);
        result = { status: 200, body: JSON.stringify(out), outcome: "ok", throttled: false, requestId, json: true };
      } catch (e) {
        result = fail(e instanceof SimError ? e : new SimError("InternalServerException", "Unexpected server error.", 500));
      }
    }
    return drop ? { ...result, drop: true } : result;
  }

  private handleEc2(action: string, params: Params, now: number, requestId: string, fail: (e: SimError, throttled?: boolean) => Outcome): Outcome {
    const { world, throttler } = this.deps;
    const handler = EC2_ACTIONS[action];
    if (!handler) {
      return fail(
        action
          ? new SimError("InvalidAction", `The action ${action} is not valid for this web service.`)
          : new SimError("MissingAction", "The request must contain the parameter Action"),
      );
    }
    const instanceCount = requestedInstances(action, params);
    if (!throttler.admit(chargeFor(action, params, instanceCount), now)) return fail(SimError.throttled(), true);
    try {
      if (world.faults.unauthorizedActions.includes(action)) throw SimError.unauthorized();
      if (params.DryRun === "true" && isReadOnly(action)) throw SimError.dryRun();
      const body = handler({ world, params, now });
      return {
        status: 200,
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}">` +
          el("requestId", requestId) +
          body +
          `</${action}Response>`,
        outcome: "ok",
        throttled: false,
        requestId,
      };
    } catch (e) {
      if (e instanceof SimError) return fail(e);
      if (e instanceof RangeError) return fail(SimError.invalidParameterValue(e.message));
      return fail(new SimError("InternalError", "An internal error has occurred", 500));
    }
  }
}

function parseJsonBody(body: string): Record<string, unknown> {
  try {
    const v: unknown = body.trim() ? JSON.parse(body) : {};
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A JSON input for the request log: scalars as they are, structures as JSON text. */
function flatInput(input: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(input)) out[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  return out;
}

/** How many instances a request draws from the resource buckets. */
function requestedInstances(action: string, params: Params): number {
  if (action === "RunInstances") return Math.max(1, Number(params.MaxCount) || 1);
  if (action === "StartInstances" || action === "StopInstances" || action === "TerminateInstances")
    return Object.keys(params).filter((k) => /^InstanceId\.\d+$/.test(k)).length;
  return 0;
}

export function errorXml(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    node("Response", node("Errors", node("Error", el("Code", code), el("Message", message))), el("RequestID", requestId))
  );
}
