// A throw-away workshop directory (what EC2_WORKSHOP_HOME points at), as the tool sets one up:
// Pulumi.yaml pointing at the installed program, and stacks/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "js-yaml";
import { mainFor, projectFileText } from "../../src/workshops/project.js";

export interface WorkshopFixture {
  name: string;
  region?: string;
  maximum?: number;
  instructions?: string;
  /** The `lifetime` setting (e.g. "36h"). */
  lifetime?: string;
  ami?: string;
  instanceType?: string;
  launchTemplate?: string;
  /**
   * The stack outputs its settings cache, as `workshop create` leaves them (e.g. a seeded simulator
   * workshop's); with the scheduler role and schedule group, expiry is enforced by EventBridge Scheduler.
   */
  outputs?: { vpcId: string; subnetIds: string[]; schedulerRoleArn?: string; scheduleGroupName?: string };
  /**
   * A reachable simulator's service port (Simulator.servicePort): written as the workshop's first
   * port, and the tool's own readiness default applies. Without it the fixture says
   * `readyWhen: checks`, so that a test never dials the simulator's made-up public addresses.
   */
  servicePort?: number;
  /** The workshop's readyWhen setting (overrides the above; "default" leaves it unset). */
  readyWhen?: "service-or-checks" | "service" | "checks" | "default";
}

export interface WorkshopHome {
  dir: string;
  addWorkshop(w: WorkshopFixture): string;
  remove(): void;
}

export function makeWorkshopHome(workshops: WorkshopFixture[] = []): WorkshopHome {
  const dir = mkdtempSync(join(tmpdir(), "ec2ws-home-"));
  mkdirSync(join(dir, "stacks"));
  writeFileSync(join(dir, "Pulumi.yaml"), projectFileText(mainFor(dir)));
  const home: WorkshopHome = {
    dir,
    addWorkshop(w) {
      const config: Record<string, unknown> = {
        "aws:region": w.region ?? "us-east-1",
        "ec2-workshop:maximum": String(w.maximum ?? 25),
        "ec2-workshop:instructions": w.instructions ?? `Log in with: ssh student@<address>\nPassword: on the whiteboard`,
        "ec2-workshop:ami": w.ami ?? "ami-0123456789abcdef0",
        "ec2-workshop:instanceType": w.instanceType ?? "t3.micro",
      };
      if (w.launchTemplate) config["ec2-workshop:launchTemplate"] = w.launchTemplate;
      if (w.lifetime) config["ec2-workshop:lifetime"] = w.lifetime;
      if (w.outputs) {
        // The simulator seeds subnets in the region's AZs a, b, c, in that order.
        const region = w.region ?? "us-east-1";
        const subnetIds = Object.fromEntries(w.outputs.subnetIds.map((id, i) => [`${region}${"abc"[i]}`, id]));
        const { schedulerRoleArn, scheduleGroupName } = w.outputs;
        config["ec2-workshop:outputs"] = { vpcId: w.outputs.vpcId, subnetIds, ...(schedulerRoleArn ? { schedulerRoleArn } : {}), ...(scheduleGroupName ? { scheduleGroupName } : {}) };
      }
      if (w.servicePort !== undefined) config["ec2-workshop:ports"] = [w.servicePort];
      const readyWhen = w.readyWhen ?? (w.servicePort === undefined ? "checks" : "default");
      if (readyWhen !== "default") config["ec2-workshop:readyWhen"] = readyWhen;
      const file = join(dir, "stacks", `Pulumi.${w.name}.yaml`);
      writeFileSync(file, dump({ config }));
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const w of workshops) home.addWorkshop(w);
  return home;
}
