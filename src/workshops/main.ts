// The entry point Pulumi runs for a workshop stack (Pulumi.yaml: `main: dist/src/workshops/main.js`).
// The engine starts it with the workshop directory as cwd and the stack's config loaded.
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../errors.js";
import { workshopProgram } from "./program.js";
import { ENDPOINT_ENV } from "./settings.js";

export default async () => {
  try {
    return await workshopProgram(pulumi.getStack(), pulumi.runtime.allConfig(), {
      home: process.cwd(),
      endpointUrl: process.env[ENDPOINT_ENV],
    });
  } catch (err) {
    // A settings problem is the user's to fix: one line from the engine, no stack trace.
    if (err instanceof UserError) throw new pulumi.RunError(err.message);
    throw err;
  }
};
