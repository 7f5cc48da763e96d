// Every command's path(s), group and one-line description, in one light module: the command
// classes take theirs from here, and the top-level help (src/commands/overview.ts) renders this list
// without loading clipanion or any command, so `ec2-workshop --help` answers at once.
export interface CatalogEntry {
  /** The first path is the command; the others are aliases (the original tool's names). */
  paths: string[][];
  category: "Setup" | "Workshops" | "Instances";
  description: string;
  /** Positional arguments, as the top-level help shows them. */
  args?: string;
}

export const CATALOG = {
  setup: {
    paths: [["setup"]],
    category: "Setup",
    description: "Find and check AWS credentials and region, the Pulumi CLI, Node.js and the workshop directory",
  },
  workshopCreate: {
    paths: [["workshop", "create"]],
    category: "Workshops",
    args: "[name]",
    description: "Build a workshop: network and launch template, as a Pulumi stack",
  },
  workshopList: {
    paths: [["workshop", "list"]],
    category: "Workshops",
    description: "List workshops with region, template, maximum, last update and live instances",
  },
  workshopShow: {
    paths: [["workshop", "show"]],
    category: "Workshops",
    args: "<name>",
    description: "Show a workshop's settings, outputs and instances",
  },
  workshopUpdate: {
    paths: [["workshop", "update"]],
    category: "Workshops",
    args: "<name>",
    description: "Change a workshop's settings and update its stack",
  },
  workshopCheck: {
    paths: [["workshop", "check"]],
    category: "Workshops",
    args: "<name>",
    description: "Before the day: will N instances launch (quota, AZs, AMI, addresses), and what they cost",
  },
  workshopDestroy: {
    paths: [["workshop", "destroy"]],
    category: "Workshops",
    args: "<name>",
    description: "Tear a workshop's network and template down, and remove its stack",
  },
  instancesCreate: {
    paths: [["instances", "create"], ["create-instances"]],
    category: "Instances",
    description: "Launch a batch of instances, wait until usable, print one address per attendee",
  },
  instancesList: {
    paths: [["instances", "list"]],
    category: "Instances",
    description: "List a workshop's instances, by seat",
  },
  instancesHandout: {
    paths: [["instances", "handout"]],
    category: "Instances",
    description: "Print the hand-out again: one address per seat, as text, CSV, JSON or printable cards",
  },
  instancesReplace: {
    paths: [["instances", "replace"]],
    category: "Instances",
    description: "Give seats a new machine: terminate theirs, launch into the same seats, wait",
  },
  instancesDestroy: {
    paths: [["instances", "destroy"], ["destroy-instances"]],
    category: "Instances",
    description: "Select and terminate a workshop's instances",
  },
  instancesStop: {
    paths: [["instances", "stop"]],
    category: "Instances",
    description: "Between days: stop machines (they keep their seats); only their disks cost",
  },
  instancesStart: {
    paths: [["instances", "start"]],
    category: "Instances",
    description: "Start stopped machines, wait until usable, print the hand-out with the new addresses",
  },
  instancesExtend: {
    paths: [["instances", "extend"]],
    category: "Instances",
    description: "Move machines' expiry later (AWS terminates them at expiry)",
  },
  sweep: {
    paths: [["sweep"]],
    category: "Workshops",
    description: "Terminate every workshop's machines past their expiry; list what is left behind and costs money",
  },
} as const satisfies Record<string, CatalogEntry>;
