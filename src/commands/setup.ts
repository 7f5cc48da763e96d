import { Command, Option } from "clipanion";
import type { SetupPrompter } from "../setup/prompts.js";
import { BaseCommand, EXIT } from "./base.js";
import { CATALOG } from "./catalog.js";

export class SetupCommand extends BaseCommand {
  static override paths = CATALOG.setup.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.setup.category,
    description: CATALOG.setup.description,
    details: `
      Finds credentials the way every AWS tool does (environment variables, AWS_PROFILE / --profile, the shared config and credentials files, IAM Identity Center (SSO), credential_process), and proves they work: STS GetCallerIdentity prints the account and ARN, and an EC2 DescribeInstances dry run checks the EC2 permission.

      When no credentials work, setup (in a terminal) offers to store an access key in a named profile of the shared credentials file (created with mode 0600; other profiles are never touched; the secret is typed without echo and never printed). Keys are checked with AWS before anything is written, and every file the key and its region go into is checked before either is written: a symlink, a read-only file, a place it may not write, or an empty HOME (which would put ./.aws in the current folder) stops the store with nothing written. A credentials file that others can read is made private (0600) first, with your consent (the question, --fix-permissions or --yes); without it, no key goes into it. In scripts, \`--store-profile NAME\` stores the keys given in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: keys are never accepted as command-line flags.

      The region comes from --region, AWS_REGION, or the profile's config; when none is set, setup offers the regions the AWS SDK knows. A region chosen here is saved in the profile's section of the config file (asked, or with --yes).

      It also checks the Pulumi CLI (only \`workshop\` commands need it: a missing CLI is a warning), the Node.js version, and that the workshop directory (EC2_WORKSHOP_HOME, else the package folder) is writable.

      Safe to run again and again: with everything in place it asks nothing, writes nothing, and prints a short summary. Without a terminal it never waits for input; a missing value is an error. Exit code 0 when the region, the credentials, STS and the EC2 dry run are fine; 1 otherwise; 2 for bad input.
    `,
    examples: [
      ["Check (and on first use, set up) the default profile", "$0 setup"],
      ["Use a named profile and save its region", "$0 setup --profile workshop --region eu-west-1 --yes"],
      [
        "Store keys from the environment in a new profile, without prompts",
        "AWS_ACCESS_KEY_ID=AKIA... AWS_SECRET_ACCESS_KEY=... $0 setup --store-profile workshop --region eu-west-1",
      ],
      ["Check against the local EC2 simulator", "$0 setup --endpoint-url http://127.0.0.1:4566 --region us-east-1"],
    ],
  });

  yes = Option.Boolean("--yes,-y", false, {
    description: "Accept the default answers without asking (save the region, make the credentials file private)",
  });
  storeProfile = Option.String("--store-profile", {
    description: "Store an access key in this profile (typed in a terminal, else from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
  });
  replaceProfile = Option.Boolean("--replace-profile", false, {
    description: "With --store-profile: allow replacing that profile's keys if it exists (only that profile changes)",
  });
  fixPermissions = Option.Boolean("--fix-permissions", false, {
    description: "Make a credentials file that others can read private (chmod 600)",
  });
  installPulumi = Option.Boolean("--install-pulumi", false, {
    description: "Download and install the Pulumi CLI when it is missing (needs the internet)",
  });

  protected async run(): Promise<number> {
    const { runSetup } = await import("../setup/flow.js");
    const { plainOutput, clackOutput } = await import("../setup/output.js");
    const { stdin, stdout } = this.context;
    let prompter: SetupPrompter | undefined;
    let out = plainOutput(stdout, this.style);
    if (this.interactive) {
      const p = await import("@clack/prompts");
      const { clackPrompter } = await import("../setup/prompts.js");
      p.intro("ec2-workshop setup", { output: stdout });
      prompter = withDefaultsWhen(this.yes, await clackPrompter(stdin, stdout));
      out = clackOutput(p, stdout, this.style);
    }
    const result = await runSetup(
      {
        ...(this.profile !== undefined ? { profile: this.profile } : {}),
        ...(this.region !== undefined ? { region: this.region } : {}),
        ...(this.awsTarget().endpointUrl ? { endpointUrl: this.awsTarget().endpointUrl } : {}),
        ...(this.storeProfile !== undefined ? { storeProfile: this.storeProfile } : {}),
        replaceProfile: this.replaceProfile,
        yes: this.yes,
        fixPermissions: this.fixPermissions || this.yes,
        installPulumi: this.installPulumi,
        env: this.env,
        signal: this.abortSignal,
      },
      { out, ...(prompter ? { prompter } : {}) },
    );
    return result.ok ? EXIT.ok : EXIT.error;
  }
}

/** With --yes, questions that have a default (yes/no, the profile name) take it without asking; the rest still ask. */
function withDefaultsWhen(yes: boolean, prompter: SetupPrompter): SetupPrompter {
  if (!yes) return prompter;
  return {
    ...prompter,
    confirm: (_message, initial) => Promise.resolve(initial),
    profileName: (_message, initial) => Promise.resolve(initial),
  };
}
