// Expiry, pure: the tag, the time left, extending, the lifetime flags and setting, the schedules
// a batch needs (grouped by time, chunked, named by content), and the simulator's at() reading.
import { expect } from "chai";
import { chooseExpiry } from "../../src/commands/instances/expiry-options.js";
import { expiryOf, extendedExpiry, formatSpan, isExpired, NEVER, timeLeftLabel } from "../../src/instances/expiry.js";
import { inheritedExpiry } from "../../src/instances/replace.js";
import { atExpression, IDS_PER_SCHEDULE, MAX_INPUT_CHARS, membersOf, planBatchSchedules, terminateInput, type ScheduleMember } from "../../src/instances/schedules.js";
import { TAG } from "../../src/instances/tags.js";
import { DEFAULT_LIFETIME_MS, parseLifetime, workshopLifetimeMs } from "../../src/instances/workshop-extras.js";
import { parseAt } from "../../src/sim/scheduler.js";
import type { WorkshopInstance } from "../../src/instances/describe.js";
import type { WorkshopSettings } from "../../src/workshops/settings.js";

const NOW = new Date("2025-03-04T09:00:00.000Z");
const withTag = (value?: string): Pick<WorkshopInstance, "tags"> => ({ tags: value === undefined ? {} : { [TAG.expiresAt]: value } });
const settings = (extra: Record<string, unknown> = {}): WorkshopSettings => ({ name: "intro", region: "us-east-1", maximum: 25, instructions: "", ports: [], cidrs: [], volumeSize: 16, volumeType: "gp3", vpcCidr: "10.42.0.0/16", azCount: 3, ipv6: false, extra }) as WorkshopSettings;
const id = (n: number): string => `i-${n.toString(16).padStart(17, "0")}`;

describe("expiry: the tag and the time left", () => {
  it("reads an ISO time, `never`, or nothing (unknown; a malformed value is unknown too)", () => {
    expect(expiryOf(withTag("2025-03-04T21:00:00.000Z"))).to.deep.equal(new Date("2025-03-04T21:00:00.000Z"));
    expect(expiryOf(withTag("never"))).to.equal(NEVER);
    expect(expiryOf(withTag())).to.equal(undefined);
    expect(expiryOf(withTag("tomorrow"))).to.equal(undefined);
    expect(expiryOf(withTag("1741078800"))).to.equal(undefined);
  });

  it("expired means past it now; never and unknown never are", () => {
    expect(isExpired(withTag("2025-03-04T08:59:59.000Z"), NOW)).to.equal(true);
    expect(isExpired(withTag("2025-03-04T09:00:00.000Z"), NOW)).to.equal(true);
    expect(isExpired(withTag("2025-03-04T09:00:01.000Z"), NOW)).to.equal(false);
    expect(isExpired(withTag("never"), NOW)).to.equal(false);
    expect(isExpired(withTag(), NOW)).to.equal(false);
  });

  it("labels the time left for the table", () => {
    expect(timeLeftLabel(withTag("2025-03-04T21:00:00.000Z"), NOW)).to.equal("in 12 h");
    expect(timeLeftLabel(withTag("2025-03-04T10:35:00.000Z"), NOW)).to.equal("in 1 h 35 min");
    expect(timeLeftLabel(withTag("2025-03-04T08:55:00.000Z"), NOW)).to.equal("expired 5 min ago");
    expect(timeLeftLabel(withTag("2025-03-06T12:00:00.000Z"), NOW)).to.equal("in 2 d 3 h");
    expect(timeLeftLabel(withTag("never"), NOW)).to.equal("never");
    expect(timeLeftLabel(withTag(), NOW)).to.equal("");
    expect(formatSpan(30_000)).to.equal("<1 min");
  });

  it("extends from the later of the expiry and now, keeps never, whole seconds", () => {
    expect(extendedExpiry(new Date("2025-03-04T21:00:00.000Z"), 24, NOW)).to.deep.equal(new Date("2025-03-05T21:00:00.000Z"));
    expect(extendedExpiry(new Date("2025-03-04T08:00:00.000Z"), 2, NOW)).to.deep.equal(new Date("2025-03-04T11:00:00.000Z"));
    expect(extendedExpiry(undefined, 1.5, NOW)).to.deep.equal(new Date("2025-03-04T10:30:00.000Z"));
    expect(extendedExpiry(NEVER, 3, NOW)).to.equal(NEVER);
  });

  it("a replacement inherits the latest expiry of what it replaces; never wins; none gives none", () => {
    const h = (v?: string) => ({ tags: v ? { [TAG.expiresAt]: v } : {} }) as WorkshopInstance;
    expect(inheritedExpiry([h("2025-03-04T21:00:00.000Z"), h("2025-03-05T21:00:00.000Z"), h()])).to.deep.equal(new Date("2025-03-05T21:00:00.000Z"));
    expect(inheritedExpiry([h("2025-03-04T21:00:00.000Z"), h("never")])).to.equal(NEVER);
    expect(inheritedExpiry([h(), h()])).to.equal(undefined);
    expect(inheritedExpiry([])).to.equal(undefined);
  });
});

describe("expiry: --lifetime, --no-expiry and the lifetime setting", () => {
  it("parses lifetimes from 1 minute to 31 days; a number needs a unit", () => {
    expect(parseLifetime("3h")).to.equal(3 * 3_600_000);
    expect(parseLifetime("90m")).to.equal(90 * 60_000);
    expect(parseLifetime("1h30m")).to.equal(90 * 60_000);
    for (const bad of ["36", 12, "30s", "0", "-1h", "800h", "soon", "", undefined, null]) expect(parseLifetime(bad), String(bad)).to.equal(undefined);
  });

  it("the setting is the default, 12 h without one; a bad setting names the file", () => {
    expect(workshopLifetimeMs(settings())).to.equal(DEFAULT_LIFETIME_MS);
    expect(workshopLifetimeMs(settings({ lifetime: "36h" }))).to.equal(36 * 3_600_000);
    expect(() => workshopLifetimeMs(settings({ lifetime: "forever" }))).to.throw(/Pulumi\.intro\.yaml has an invalid lifetime: "forever"/);
    expect(() => workshopLifetimeMs(settings({ lifetime: 12 }))).to.throw(/invalid lifetime: 12 has no unit: write 12h for hours or 12m for minutes/);
  });

  it("flags beat the setting; an inherited expiry still ahead beats the lifetime; the two flags exclude each other", () => {
    const s = settings({ lifetime: "10h" });
    expect(chooseExpiry({ noExpiry: false, settings: s, now: NOW })).to.deep.include({ source: "setting", expiry: new Date("2025-03-04T19:00:00.000Z") });
    expect(chooseExpiry({ lifetime: "2m", noExpiry: false, settings: s, now: NOW })).to.deep.include({ source: "--lifetime", expiry: new Date("2025-03-04T09:02:00.000Z") });
    expect(chooseExpiry({ noExpiry: true, settings: s, now: NOW })).to.deep.include({ source: "--no-expiry", expiry: NEVER });
    expect(chooseExpiry({ noExpiry: false, settings: settings(), now: NOW })).to.deep.include({ source: "default" });
    const later = new Date("2025-03-05T09:00:00.000Z");
    expect(chooseExpiry({ noExpiry: false, settings: s, now: NOW, inherited: later })).to.deep.include({ source: "inherited", expiry: later });
    expect(chooseExpiry({ noExpiry: false, settings: s, now: NOW, inherited: new Date("2025-03-04T08:00:00.000Z") }).source, "past: lifetime").to.equal("setting");
    expect(() => chooseExpiry({ lifetime: "2h", noExpiry: true, settings: s, now: NOW })).to.throw(/not both/);
    expect(() => chooseExpiry({ lifetime: "2 hours", noExpiry: false, settings: s, now: NOW })).to.throw(/--lifetime "2 hours" is not a lifetime/);
    expect(() => chooseExpiry({ lifetime: "3", noExpiry: false, settings: s, now: NOW })).to.throw(/^--lifetime 3 has no unit: write 3h for hours or 3m for minutes\.$/);
  });
});

describe("expiry: a batch's schedules", () => {
  const at = new Date("2025-03-04T21:00:00.000Z");

  it("one schedule per expiry time and chunk of ids, ids sorted; never and unknown need none", () => {
    const members: ScheduleMember[] = [
      ...Array.from({ length: 250 }, (_, n) => ({ instanceId: id(250 - n), expiresAt: at })),
      { instanceId: id(900), expiresAt: new Date("2025-03-05T21:00:00.400Z") },
      { instanceId: id(901), expiresAt: NEVER },
      { instanceId: id(902) },
    ];
    const plan = planBatchSchedules("k3f9x2ab", members);
    expect(plan.map((p) => p.instanceIds.length)).to.deep.equal([IDS_PER_SCHEDULE, IDS_PER_SCHEDULE, 50, 1]);
    expect(plan[0]!.instanceIds[0]).to.equal(id(1));
    for (const p of plan) expect(p.instanceIds).to.deep.equal([...p.instanceIds].sort());
    for (const p of plan) {
      expect(p.name).to.match(/^k3f9x2ab-\d{8}T\d{6}-[0-9a-f]{8}$/);
      expect(p.name.length).to.be.at.most(64);
      expect(terminateInput(p.instanceIds).length).to.be.below(MAX_INPUT_CHARS);
    }
    expect(plan[3]!.at, "whole seconds").to.deep.equal(new Date("2025-03-05T21:00:00.000Z"));
    expect(plan[0]!.name).to.contain("-20250304T210000-");
  });

  it("names follow the content: the same machines give the same names, one machine less another name", () => {
    const members = Array.from({ length: 5 }, (_, n) => ({ instanceId: id(n + 1), expiresAt: at }));
    const a = planBatchSchedules("b1", members);
    expect(planBatchSchedules("b1", [...members].reverse())).to.deep.equal(a);
    expect(planBatchSchedules("b1", members.slice(1))[0]!.name).to.not.equal(a[0]!.name);
    expect(planBatchSchedules("b1", members.map((m) => ({ ...m, expiresAt: new Date(at.getTime() + 3_600_000) })))[0]!.name).to.not.equal(a[0]!.name);
  });

  it("members are the live machines, with their expiry", () => {
    const m = membersOf([
      { instanceId: id(1), state: "running", tags: { [TAG.expiresAt]: at.toISOString() } },
      { instanceId: id(2), state: "stopped", tags: { [TAG.expiresAt]: at.toISOString() } },
      { instanceId: id(3), state: "shutting-down", tags: { [TAG.expiresAt]: at.toISOString() } },
      { instanceId: id(4), state: "terminated", tags: {} },
    ]);
    expect(m).to.deep.equal([
      { instanceId: id(1), expiresAt: at },
      { instanceId: id(2), expiresAt: at },
    ]);
  });

  it("the at() expression is UTC to the second, and the simulator reads it back (other zones too)", () => {
    expect(atExpression(at)).to.equal("at(2025-03-04T21:00:00)");
    expect(parseAt(atExpression(at), "UTC")).to.equal(at.getTime());
    expect(parseAt("at(2025-07-01T12:00:00)", "Europe/Berlin")).to.equal(Date.parse("2025-07-01T10:00:00Z"));
    expect(parseAt("at(2025-01-01T12:00:00)", "Europe/Berlin")).to.equal(Date.parse("2025-01-01T11:00:00Z"));
    expect(parseAt("rate(5 minutes)", "UTC")).to.equal(undefined);
    expect(() => parseAt("at(2025-02-30T12:00:00)", "UTC")).to.throw(/Invalid Schedule Expression/);
    expect(() => parseAt("at(2025-02-01T12:00:00)", "Mars/Olympus")).to.throw(/Invalid ScheduleExpressionTimezone/);
  });
});
