// A workshop directory that matches a seeded simulator workshop: Pulumi.yaml and
// stacks/Pulumi.<name>.yaml, as `workshop create` would have left them, with the stack outputs
// its update caches there (network, template, and the scheduler role and schedule group that
// expiry needs). For the demo and for `ec2-workshop-sim --home DIR`, so the instance commands can
// be tried with no AWS account.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stackConfigPath } from "../home.js";
import { mainFor, projectFileText } from "../workshops/project.js";
import { DEFAULTS, writeSettings, type CachedOutputs } from "../workshops/settings.js";
import { WORKSHOP_AMI } from "./seed.js";
import type { SeededWorkshop } from "./types.js";

export const SIM_INSTRUCTIONS = "Seat {seat}: open a terminal and run: ssh student@{address}\nThe password is on the whiteboard.";

/** The outputs `workshop create` would have cached for this seeded workshop. */
export function seededOutputs(w: SeededWorkshop): CachedOutputs {
  return {
    vpcId: w.vpcId,
    subnetIds: Object.fromEntries(w.subnetIds.map((id, i) => [w.availabilityZones[i]!, id])),
    securityGroupId: w.securityGroupId,
    launchTemplateId: w.launchTemplateId,
    schedulerRoleArn: w.schedulerRoleArn,
    scheduleGroupName: w.scheduleGroupName,
  };
}

/**
 * Writes the settings file for `name` (and Pulumi.yaml) into `home`, unless already there;
 * `seeded`: what the simulator seeded for it, cached as the stack's outputs. With a reachable
 * simulator's `servicePort`, that port is the workshop's first port (the one the tool's probe
 * dials); without one the workshop waits on status checks alone (`readyWhen: checks`), so the
 * tool never dials the simulator's made-up public addresses.
 */
export async function writeSimWorkshopHome(home: string, name: string, region: string, o: { maximum?: number; servicePort?: number; seeded?: SeededWorkshop } = {}): Promise<string> {
  mkdirSync(join(home, "stacks"), { recursive: true });
  if (!existsSync(join(home, "Pulumi.yaml"))) writeFileSync(join(home, "Pulumi.yaml"), projectFileText(mainFor(home)));
  const file = stackConfigPath(home, name);
  if (existsSync(file)) return file;
  return writeSettings(home, {
    name,
    region,
    maximum: o.maximum ?? 25,
    instructions: SIM_INSTRUCTIONS,
    ami: WORKSHOP_AMI,
    instanceType: "t3.micro",
    ports: o.servicePort === undefined ? [...DEFAULTS.ports] : [{ from: o.servicePort, to: o.servicePort }],
    ...(o.servicePort === undefined ? { readyWhen: "checks" as const } : {}),
    cidrs: [...DEFAULTS.cidrs],
    volumeSize: DEFAULTS.volumeSize,
    volumeType: DEFAULTS.volumeType,
    vpcCidr: DEFAULTS.vpcCidr,
    azCount: DEFAULTS.azCount,
    ipv6: true,
    ...(o.seeded ? { outputs: seededOutputs(o.seeded) } : {}),
    extra: {},
  });
}
