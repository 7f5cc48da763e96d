// A faithful model of the launch-and-wait strategy of the 2018 Python tool this one reimplements,
// the benchmark's baseline. Run as a child process so its memory is measured on its own:
//   node dist/test/bench/original.js '{"endpoint":..., "region":..., "n":..., "scale":..., "workshop":..., "seed":...}'
// It prints a JSON line when its hand-out would be on screen ({ "handout": [ids of survivors] }), then
// one at the end: { "ids": [...], "errorsSurfaced": n, "createMs": real ms, "destroyMs": real ms }.
// Differences from the original, all in its favour: DescribeInstanceStatus ids are sent in
// chunks of 100 (EC2's limit; the original sent them all and would fail above 100), and a run
// that meets an error carries on instead of ending with a traceback (the error is counted).
import { DescribeInstanceStatusCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { scaledClock } from "../../src/clock.js";
import { Prng } from "../../src/sim/prng.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

interface Args {
  endpoint: string;
  region: string;
  n: number;
  scale: number;
  workshop: string;
  seed: number;
  /** The subnet the original's hand-made launch template named (one AZ, as in the console). */
  subnetId: string;
}

const PHASE_MS = 600_000; // the code's 10 minutes per phase (the README promised 5)

/** A seeded PRNG (the simulator's mulberry32), so every run makes the same choices. */
function prng(seed: number): () => number {
  const rng = new Prng(seed);
  return () => rng.next();
}

async function main(args: Args): Promise<void> {
  const clock = scaledClock(args.scale);
  const random = prng(args.seed);
  // boto3's legacy retry mode: 5 attempts in all.
  const ec2 = new EC2Client({
    endpoint: args.endpoint,
    region: args.region,
    maxAttempts: 5,
    credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "dummy" },
  });
  let errorsSurfaced = 0;
  const attempt = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch {
      errorsSurfaced++;
      return undefined;
    }
  };

  const createStart = performance.now();
  const run = await attempt(() =>
    ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateName: `ec2-workshop-${args.workshop}` },
        MinCount: args.n,
        MaxCount: args.n,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: args.subnetId }],
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Workshop", Value: args.workshop }] }],
      }),
    ),
  );
  const ids = (run?.Instances ?? []).map((i) => i.InstanceId!);

  // Phase 1: DescribeInstances by id until nothing is pending, sleeping 0-15 s between polls.
  const phase1End = clock.now() + PHASE_MS;
  while (ids.length && clock.now() < phase1End) {
    const states = await attempt(async () => {
      const out: string[] = [];
      for await (const page of paginateDescribeInstances({ client: ec2 }, { InstanceIds: ids }))
        for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) out.push(i.State?.Name ?? "");
      return out;
    });
    if (states && !states.includes("pending")) break;
    await clock.sleep(random() * 15_000);
  }

  // Phase 2: DescribeInstanceStatus (IncludeAllInstances) until every check is ok, 0-5 s sleeps.
  const phase2End = clock.now() + PHASE_MS;
  const waiting = new Set(ids);
  const survivors = new Set<string>();
  while (waiting.size && clock.now() < phase2End) {
    const chunk = [...waiting];
    for (let i = 0; i < chunk.length; i += 100) {
      const res = await attempt(() =>
        ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: chunk.slice(i, i + 100), IncludeAllInstances: true })),
      );
      for (const s of res?.InstanceStatuses ?? []) {
        const ok = s.InstanceStatus?.Status === "ok" && s.SystemStatus?.Status === "ok";
        const failed =
          s.InstanceState?.Name !== "running" || s.InstanceStatus?.Status === "impaired" || s.SystemStatus?.Status === "impaired";
        if (ok || failed) waiting.delete(s.InstanceId!);
        if (ok) survivors.add(s.InstanceId!);
      }
    }
    if (waiting.size) await clock.sleep(random() * 5_000);
  }
  const createMs = performance.now() - createStart;
  // "You requested N instances; M survived" and the addresses: the attendees' hand-out.
  process.stdout.write(`${JSON.stringify({ handout: [...survivors] })}\n`);

  // destroy_instances: list by the Workshop tag (paginated), then one TerminateInstances call.
  const destroyStart = performance.now();
  const listed = await attempt(async () => {
    const out: string[] = [];
    for await (const page of paginateDescribeInstances(
      { client: ec2 },
      { Filters: [{ Name: "tag:Workshop", Values: [args.workshop] }] },
    ))
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) if (i.State?.Name !== "terminated") out.push(i.InstanceId!);
    return out;
  });
  if (listed?.length) await attempt(() => ec2.send(new TerminateInstancesCommand({ InstanceIds: listed })));
  const destroyMs = performance.now() - destroyStart;
  ec2.destroy();
  process.stdout.write(`${JSON.stringify({ ids, errorsSurfaced, createMs, destroyMs })}\n`);
}

await main(JSON.parse(process.argv[2] ?? "{}") as Args);
