// A workshop directory that matches a seeded simulator workshop: Pulumi.yaml and
// stacks/Pulumi.<name>.yaml, as `workshop create` would have left them. For the demo and for
// `ec2-workshop-sim --home DIR`, so the instance commands can be tried with no AWS account.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stackConfigPath } from "../home.js";
import { mainFor, projectFileText } from "../workshops/project.js";
import { DEFAULTS, writeSettings } from "../workshops/settings.js";
import { WORKSHOP_AMI } from "./seed.js";

export const SIM_INSTRUCTIONS = "Seat {seat}: open a terminal and run: ssh student@{address}\nThe password is on the whiteboard.";

/** Writes the settings file for `name` (and Pulumi.yaml) into `home`, unless already there. */
export async function writeSimWorkshopHome(home: string, name: string, region: string, maximum = 25): Promise<string> {
  mkdirSync(join(home, "stacks"), { recursive: true });
  if (!existsSync(join(home, "Pulumi.yaml"))) writeFileSync(join(home, "Pulumi.yaml"), projectFileText(mainFor(home)));
  const file = stackConfigPath(home, name);
  if (existsSync(file)) return file;
  return writeSettings(home, {
    name,
    region,
    maximum,
    instructions: SIM_INSTRUCTIONS,
    ami: WORKSHOP_AMI,
    instanceType: "t3.micro",
    ports: [...DEFAULTS.ports],
    cidrs: [...DEFAULTS.cidrs],
    volumeSize: DEFAULTS.volumeSize,
    volumeType: DEFAULTS.volumeType,
    vpcCidr: DEFAULTS.vpcCidr,
    azCount: DEFAULTS.azCount,
    ipv6: true,
    extra: {},
  });
}
