// The entry point Pulumi runs for a workshop stack: Pulumi.yaml's `main` in the workshop directory
// points here. The engine runs it with the folder of this file as its working directory (not the
// workshop directory) and tells it the project's root (the workshop directory) separately.
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../errors.js";
import { workshopProgram } from "./program.js";
import { ENDPOINT_ENV, HOME_ENV } from "./settings.js";

/**
 * The workshop directory: the project root the engine reports (PULUMI_NODEJS_ROOT_DIRECTORY,
 * from CLIs that pass --root-directory), else the one the tool passed when it runs the engine.
 */
function workshopDirectory(): string | undefined {
  const root = pulumi.getRootDirectory();
  // An SDK that was not told reports its placeholder "rootDirectory" (or nothing).
  if (root && root !== "rootDirectory") return root;
  return process.env[HOME_ENV] || undefined;
}

export default async () => {
  try {
    return await workshopProgram(pulumi.getStack(), pulumi.runtime.allConfig(), {
      home: workshopDirectory(),
      endpointUrl: process.env[ENDPOINT_ENV],
    });
  } catch (err) {
    // A settings problem is the user's to fix: one line from the engine, no stack trace.
    if (err instanceof UserError) throw new pulumi.RunError(err.message);
    throw err;
  }
};
