// Where workshops live: the folder holding Pulumi.yaml and stacks/.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's own root (this file is dist/src/home.js once built). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export type Env = Record<string, string | undefined>;

/** EC2_WORKSHOP_HOME when set, else the package root (README.md, "Commands"). */
export function workshopHome(env: Env = process.env): string {
  const fromEnv = env.EC2_WORKSHOP_HOME?.trim();
  return fromEnv ? resolve(fromEnv) : PACKAGE_ROOT;
}

export function stacksDir(home: string): string {
  return join(home, "stacks");
}

export function stackConfigPath(home: string, workshop: string): string {
  return join(stacksDir(home), `Pulumi.${workshop}.yaml`);
}

export function hasPulumiProject(home: string): boolean {
  return existsSync(join(home, "Pulumi.yaml"));
}
