// Every command, registered in the order --help lists them. Command modules are light:
// heavy libraries (AWS SDK, Pulumi) are imported inside execute(), never at the top.
import { SetupCommand } from "./setup.js";
import { WorkshopCreateCommand } from "./workshop/create.js";
import { WorkshopListCommand } from "./workshop/list.js";
import { WorkshopShowCommand } from "./workshop/show.js";
import { WorkshopUpdateCommand } from "./workshop/update.js";
import { WorkshopCheckCommand } from "./workshop/check.js";
import { WorkshopDestroyCommand } from "./workshop/destroy.js";
import { InstancesCreateCommand } from "./instances/create.js";
import { InstancesListCommand } from "./instances/list.js";
import { InstancesHandoutCommand } from "./instances/handout.js";
import { InstancesReplaceCommand } from "./instances/replace.js";
import { InstancesDestroyCommand } from "./instances/destroy.js";
import { InstancesStopCommand } from "./instances/stop.js";
import { InstancesStartCommand } from "./instances/start.js";
import { InstancesExtendCommand } from "./instances/extend.js";
import { SweepCommand } from "./sweep.js";

export const commands = [
  SetupCommand,
  WorkshopCreateCommand,
  WorkshopListCommand,
  WorkshopShowCommand,
  WorkshopUpdateCommand,
  WorkshopCheckCommand,
  WorkshopDestroyCommand,
  InstancesCreateCommand,
  InstancesListCommand,
  InstancesHandoutCommand,
  InstancesReplaceCommand,
  InstancesDestroyCommand,
  InstancesStopCommand,
  InstancesStartCommand,
  InstancesExtendCommand,
  SweepCommand,
];
