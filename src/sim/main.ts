// `ec2-workshop-sim`: run the simulator standalone, for a person who wants to point the CLI
// or the AWS CLI at it. Light: node:util parseArgs, no CLI framework.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { describeFaults, FAULT_SPEC_HELP, mergeFaults, noFaults, parseFaultSpec } from "./faults.js";
import { startSimulator } from "./index.js";
import type { Simulator } from "./types.js";
import { writeSimWorkshopHome } from "./workshop-home.js";

const USAGE = `Usage: ec2-workshop-sim [options]

Runs an EC2-compatible simulator (EC2 Query API, STS GetCallerIdentity, Service Quotas
GetServiceQuota, Price List GetProducts and EventBridge Scheduler) on 127.0.0.1.

Options:
  --port N            port to listen on (default 4566; 0 = any free port)
  --scale N           sim time runs N times faster than real time (default 1);
                      give the CLI EC2_WORKSHOP_TIME_SCALE=N too
  --seed N            seed for every random choice (default 1)
  --region R          region to simulate (default us-east-1)
  --workshop NAME     seed what a built workshop has (VPC, 3 subnets, security group,
                      launch template ec2-workshop-NAME, schedule group and scheduler
                      role for expiry); may be repeated
  --home DIR          with --workshop: also write DIR/stacks/Pulumi.NAME.yaml (kept if
                      present) with the stack outputs, so EC2_WORKSHOP_HOME=DIR makes the
                      workshop usable
  --throttling MODE   aws (AWS's token buckets, default) or off
  --reachable         instances get addresses in 127.0.0.0/8 and their service answers on a
                      real local TCP port (printed; an SSH banner once booted, 15-45 s after
                      running; refused before); with --home, that port is the workshop's first
                      port. Linux (all of 127.0.0.0/8 is loopback there); no root needed
  --faults SPEC       inject faults (see below)
  -h, --help          show this help

${FAULT_SPEC_HELP}
`;

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  // `ec2-workshop-sim | head`: the server keeps serving when nobody reads its log any more.
  for (const stream of [out, err]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
    });
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string", default: "4566" },
        scale: { type: "string", default: "1" },
        seed: { type: "string", default: "1" },
        region: { type: "string", default: "us-east-1" },
        workshop: { type: "string", multiple: true },
        home: { type: "string" },
        throttling: { type: "string", default: "aws" },
        faults: { type: "string" },
        reachable: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    err.write(`ec2-workshop-sim: ${(e as Error).message}\nRun ec2-workshop-sim --help for the options.\n`);
    return 2;
  }
  if (values.help) {
    out.write(USAGE);
    return 0;
  }
  const num = (name: string, ok: (n: number) => boolean): number => {
    const n = Number(values[name]);
    if (!ok(n)) throw new UsageError(`--${name} must be ${name === "scale" ? "a positive number" : "a whole number"}, got "${String(values[name])}"`);
    return n;
  };
  let sim: Simulator;
  let faultsLine: string | undefined;
  let throttlingMode: string | undefined;
  try {
    const port = num("port", (n) => Number.isInteger(n) && n >= 0 && n < 65536);
    const scale = num("scale", (n) => n > 0 && Number.isFinite(n));
    const seed = num("seed", (n) => Number.isInteger(n));
    const throttling = values.throttling;
    if (throttling !== "aws" && throttling !== "off") throw new UsageError(`--throttling must be aws or off, got "${String(throttling)}"`);
    const faults = typeof values.faults === "string" ? parseFaultSpec(values.faults) : {};
    faultsLine = describeFaults(mergeFaults(noFaults(), faults));
    throttlingMode = throttling === "off" ? "off" : "as AWS throttles";
    const workshops = (values.workshop as string[] | undefined) ?? [];
    for (const w of workshops)
      if (!/^[a-z0-9][a-z0-9-]*$/.test(w)) throw new UsageError(`--workshop must be lowercase letters, digits and hyphens, got "${w}"`);
    sim = await startSimulator({ port, scale, seed, region: String(values.region), throttling, faults, reachable: values.reachable === true });
    const home = typeof values.home === "string" ? resolve(values.home) : undefined;
    for (const w of workshops) {
      const ws = sim.seedWorkshop(w);
      out.write(`Seeded workshop ${w}: ${ws.launchTemplateName} (${ws.launchTemplateId}), subnets ${ws.subnetIds.join(", ")}\n`);
      if (home) out.write(`Settings: ${await writeSimWorkshopHome(home, w, sim.region, { servicePort: sim.servicePort, seeded: ws })}\n`);
    }
  } catch (e) {
    const message = e instanceof UsageError || e instanceof RangeError ? e.message : `could not start: ${(e as Error).message}`;
    err.write(`ec2-workshop-sim: ${message}\n`);
    return e instanceof UsageError || e instanceof RangeError ? 2 : 1;
  }

  out.write(
    `EC2 simulator listening on ${sim.endpoint} (region ${sim.region}, scale ${sim.scale}x, seed ${String(values.seed)})\n` +
      `Faults: ${faultsLine ?? "none"}. Throttling: ${throttlingMode ?? "as AWS throttles"}.\n` +
      (sim.servicePort !== undefined ? `Instances answer on port ${sim.servicePort} at their 127.x.y.z addresses once booted.\n` : "") +
      `Use it with:\n` +
      `  export AWS_ENDPOINT_URL_EC2=${sim.endpoint}\n` +
      `  export AWS_ENDPOINT_URL_STS=${sim.endpoint}\n` +
      `  export AWS_REGION=${sim.region}\n` +
      `  export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n` +
      `  export AWS_SECRET_ACCESS_KEY=dummy\n` +
      `  export EC2_WORKSHOP_TIME_SCALE=${sim.scale} EC2_WORKSHOP_TIME_ORIGIN=${sim.timeOrigin}\n` +
      (typeof values.home === "string" ? `  export EC2_WORKSHOP_HOME=${resolve(values.home)}\n` : "") +
      `Press Ctrl-C to stop.\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await sim.close();
  out.write(`Simulator stopped after ${sim.log.length} requests.\n`);
  return 0;
}

class UsageError extends Error {}
