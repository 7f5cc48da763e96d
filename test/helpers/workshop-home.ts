// A throw-away workshop directory (what EC2_WORKSHOP_HOME points at): Pulumi.yaml + stacks/.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "js-yaml";
import { PACKAGE_ROOT } from "../../src/home.js";

export interface WorkshopFixture {
  name: string;
  region?: string;
  maximum?: number;
  instructions?: string;
  ami?: string;
  instanceType?: string;
  launchTemplate?: string;
}

export interface WorkshopHome {
  dir: string;
  addWorkshop(w: WorkshopFixture): string;
  remove(): void;
}

export function makeWorkshopHome(workshops: WorkshopFixture[] = []): WorkshopHome {
  const dir = mkdtempSync(join(tmpdir(), "ec2ws-home-"));
  mkdirSync(join(dir, "stacks"));
  copyFileSync(join(PACKAGE_ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
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
      const file = join(dir, "stacks", `Pulumi.${w.name}.yaml`);
      writeFileSync(file, dump({ config }));
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const w of workshops) home.addWorkshop(w);
  return home;
}
