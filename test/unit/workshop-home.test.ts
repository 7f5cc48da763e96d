// Where workshops live (the rule of src/home.ts) and the workshop directory's Pulumi.yaml
// (src/workshops/project.ts): chosen, set up, corrected, migrated, never lost.
import { expect } from "chai";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "js-yaml";
import { PACKAGE_ROOT, PROGRAM_MAIN, chooseWorkshopHome, migrateOldWorkshops } from "../../src/home.js";
import { inspectProject, mainFor, prepareWorkshopDir, projectFileText } from "../../src/workshops/project.js";

describe("the workshop directory", () => {
  let root: string;
  beforeEach(() => (root = realpathSync(mkdtempSync(join(tmpdir(), "ec2ws-homerule-")))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe("which one (EC2_WORKSHOP_HOME, else a project folder upward, else ~/.ec2-workshop)", () => {
    it("EC2_WORKSHOP_HOME wins, resolved against the current directory", () => {
      expect(chooseWorkshopHome({ EC2_WORKSHOP_HOME: "ws", HOME: root }, root)).to.deep.equal({ dir: join(root, "ws"), source: "EC2_WORKSHOP_HOME" });
    });

    it("a global install run anywhere: the per-user folder under HOME, not the package folder", () => {
      const cwd = join(root, "somewhere");
      mkdirSync(cwd);
      const choice = chooseWorkshopHome({ HOME: join(root, "alice") }, cwd);
      expect(choice).to.deep.equal({ dir: join(root, "alice", ".ec2-workshop"), source: "per-user" });
      expect(choice.dir.startsWith(PACKAGE_ROOT)).to.equal(false);
    });

    it("a checkout (a folder whose Pulumi.yaml is ec2-workshop's) stays the workshop directory from anywhere inside it; another project's does not count", () => {
      writeFileSync(join(root, "Pulumi.yaml"), projectFileText("dist/src/workshops/main.js"));
      mkdirSync(join(root, "stacks", "deep"), { recursive: true });
      expect(chooseWorkshopHome({ HOME: join(root, "bob") }, join(root, "stacks", "deep"))).to.deep.equal({ dir: root, source: "project folder" });
      const other = join(root, "other");
      mkdirSync(other);
      writeFileSync(join(other, "Pulumi.yaml"), "name: my-website\nruntime: nodejs\n");
      expect(chooseWorkshopHome({ HOME: join(root, "bob") }, other).dir).to.equal(root);
    });
  });

  describe("moving an earlier version's workshops out of the package folder", () => {
    it("moves settings files, keeps a name already taken (and says so), and never deletes a file it could not place", () => {
      const from = join(root, "pkg", "stacks");
      const to = join(root, "user", ".ec2-workshop", "stacks");
      mkdirSync(from, { recursive: true });
      mkdirSync(to, { recursive: true });
      writeFileSync(join(from, "Pulumi.old1.yaml"), "config:\n  aws:region: us-east-1\n");
      writeFileSync(join(from, "Pulumi.clash.yaml"), "config: {a: 1}\n");
      writeFileSync(join(to, "Pulumi.clash.yaml"), "config: {a: 2}\n");
      writeFileSync(join(from, "README.md"), "not a workshop\n");
      const notes = migrateOldWorkshops(from, to);
      expect(readFileSync(join(to, "Pulumi.old1.yaml"), "utf8")).to.contain("us-east-1");
      expect(existsSync(join(from, "Pulumi.old1.yaml"))).to.equal(false);
      expect(readFileSync(join(to, "Pulumi.clash.yaml"), "utf8")).to.contain("a: 2");
      expect(readFileSync(join(from, "Pulumi.clash.yaml"), "utf8")).to.contain("a: 1");
      expect(existsSync(join(from, "README.md"))).to.equal(true);
      expect(notes.some((n) => n.startsWith("Moved ") && n.includes("Pulumi.old1.yaml"))).to.equal(true);
      expect(notes.some((n) => n.includes("Pulumi.clash.yaml") && n.includes("already exists"))).to.equal(true);
      expect(migrateOldWorkshops(from, to).filter((n) => n.startsWith("Moved"))).to.deep.equal([]);
    });
  });

  describe("Pulumi.yaml pointing at the installed program", () => {
    it("an empty directory is set up: Pulumi.yaml with an absolute main (the CLI resolves a relative one against this folder), stacks/", async () => {
      const home = join(root, "new-home");
      const notes = await prepareWorkshopDir(home);
      const project = load(readFileSync(join(home, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
      expect(project).to.include({ name: "ec2-workshop", main: PROGRAM_MAIN, stackConfigDir: "stacks" });
      expect(existsSync(join(home, "stacks"))).to.equal(true);
      expect(notes[0]).to.contain("Set up");
      expect(await inspectProject(home)).to.deep.equal({ kind: "ok", main: PROGRAM_MAIN });
      expect(await prepareWorkshopDir(home), "nothing to change the second time").to.deep.equal([]);
    });

    it("a checkout keeps its relative main; a copied or moved installation's main is corrected, the rest of the file kept", async () => {
      expect(mainFor(PACKAGE_ROOT)).to.equal("dist/src/workshops/main.js");
      expect(mainFor(root)).to.equal(PROGRAM_MAIN);
      for (const stale of ["dist/src/workshops/main.js", "/opt/old-node/lib/node_modules/ec2-workshop-manager/dist/src/workshops/main.js"]) {
        writeFileSync(join(root, "Pulumi.yaml"), `name: ec2-workshop\nruntime: nodejs\nmain: ${stale}\nstackConfigDir: stacks\nbackend:\n  url: file:///srv/team-state\n`);
        const notes = await prepareWorkshopDir(root);
        const text = readFileSync(join(root, "Pulumi.yaml"), "utf8");
        expect(load(text)).to.deep.include({ main: PROGRAM_MAIN, backend: { url: "file:///srv/team-state" } });
        expect(notes[0]).to.contain(`it was ${stale}`);
      }
    });

    it("another project's Pulumi.yaml is refused, untouched", async () => {
      writeFileSync(join(root, "Pulumi.yaml"), "name: my-website\nruntime: nodejs\n");
      let message = "";
      try {
        await prepareWorkshopDir(root);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.contain("belongs to another Pulumi project (name: my-website)");
      expect(readFileSync(join(root, "Pulumi.yaml"), "utf8")).to.equal("name: my-website\nruntime: nodejs\n");
    });

    it("a directory where no settings file can be written fails first, with one line, and is left as it was", async function () {
      // As root, file modes do not stop writes: a `stacks` that is a file does.
      const home = join(root, "ro");
      mkdirSync(home);
      if (process.getuid?.() === 0) writeFileSync(join(home, "stacks"), "");
      else chmodSync(home, 0o555);
      let message = "";
      try {
        await prepareWorkshopDir(home);
      } catch (err) {
        message = (err as Error).message;
      } finally {
        chmodSync(home, 0o755);
      }
      expect(message).to.match(/^Cannot write in .*ro(\/stacks)? \((EACCES|EEXIST|ENOTDIR)\), so no workshop can be created or changed there; nothing was changed\./);
      expect(existsSync(join(home, "Pulumi.yaml"))).to.equal(false);
    });
  });
});
