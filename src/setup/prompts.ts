// The questions setup may ask, each only in a terminal and only when its flag was not given.
// The flow (flow.ts) talks to this interface, so it runs the same with or without a person.
import type { Readable, Writable } from "node:stream";
import { UserError } from "../errors.js";
import { PROFILE_NAME } from "../aws/credentials-file.js";
import type { RegionInfo } from "../aws/regions.js";
import { keyIdProblem, secretProblem } from "./keys.js";
import { commandToType } from "../invocation.js";

export interface SetupPrompter {
  confirm(message: string, initial: boolean): Promise<boolean>;
  region(message: string, choices: RegionInfo[], initial?: string): Promise<string>;
  /** A profile name to store keys in; `initial` is offered and kept on Enter. */
  profileName(message: string, initial: string): Promise<string>;
  accessKeyId(): Promise<string>;
  /** Typed without echo (masked). */
  secretAccessKey(): Promise<string>;
  /** Typed without echo; only asked for temporary (ASIA) keys. */
  sessionToken(): Promise<string>;
  /** A long action with a spinner. */
  spin<T>(message: string, work: () => Promise<T>): Promise<T>;
}

export class SetupCancelled extends UserError {
  constructor() {
    super(`Setup cancelled. Files written before the cancel (if any) were named above; run \`${commandToType("setup")}\` again to finish.`);
    this.name = "SetupCancelled";
  }
}

/** Prompts with @clack/prompts on the command's own streams (loaded lazily: only in a terminal). */
export async function clackPrompter(input: Readable, output: Writable): Promise<SetupPrompter> {
  const p = await import("@clack/prompts");
  const io = { input, output };
  const settled = <T>(value: T): Exclude<T, symbol> => {
    if (p.isCancel(value)) throw new SetupCancelled();
    return value as Exclude<T, symbol>;
  };
  return {
    async confirm(message, initial) {
      const r = await p.confirm({ ...io, message, initialValue: initial });
      return settled(r) === true;
    },
    async region(message, choices, initial) {
      const options = choices.map((r) => ({
        value: r.name,
        label: r.name,
        hint: r.partition === "aws" ? r.description : `${r.description} · ${r.partition}`,
      }));
      const r = await p.autocomplete<string>({
        ...io,
        message,
        options,
        ...(initial ? { initialValue: initial } : {}),
        placeholder: "type to search, e.g. frankfurt or eu-",
        maxItems: 10,
        filter: (search, option) => {
          const q = search.trim().toLowerCase();
          return q === "" || `${option.value} ${option.hint ?? ""}`.toLowerCase().includes(q);
        },
      });
      return settled(r);
    },
    async profileName(message, initial) {
      const r = await p.text({
        ...io,
        message,
        initialValue: initial,
        validate: (v) =>
          PROFILE_NAME.test((v ?? "").trim()) ? undefined : "Use up to 64 letters, digits and _ . @ + -, starting with a letter or digit.",
      });
      return settled(r).trim();
    },
    async accessKeyId() {
      const r = await p.text({
        ...io,
        message: "AWS access key id",
        placeholder: "AKIA…",
        validate: (v) => keyIdProblem(v ?? ""),
      });
      return settled(r).trim();
    },
    async secretAccessKey() {
      const r = await p.password({ ...io, message: "AWS secret access key (not shown)", validate: (v) => secretProblem(v ?? "") });
      return settled(r).trim();
    },
    async sessionToken() {
      const r = await p.password({
        ...io,
        message: "AWS session token (temporary keys need one; not shown)",
        validate: (v) => (v && v.trim() ? undefined : "Enter the session token that came with the temporary key."),
      });
      return settled(r).trim();
    },
    async spin(message, work) {
      const s = p.spinner({ output });
      s.start(message);
      try {
        const result = await work();
        s.stop(message);
        return result;
      } catch (err) {
        s.error(message);
        throw err;
      }
    },
  };
}
