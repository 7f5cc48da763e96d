import { expect } from "chai";
import { resolveTimeZone, timeFormatter } from "../../src/ui/time.js";

describe("launch-time format", () => {
  const launch = new Date("2027-01-11T13:05:00Z"); // a Monday

  it("formats like the original (`Mon, Jan 11 14:05`) in TZ when it is set", () => {
    const f = timeFormatter({ TZ: "Europe/Berlin" });
    expect(f.zone).to.deep.equal({ zone: "Europe/Berlin", source: "TZ" });
    expect(f.format(launch, new Date("2027-02-01T00:00:00Z"))).to.equal("Mon, Jan 11 14:05");
    expect(f.offset(launch)).to.equal("UTC+01:00");
    expect(f.offset(new Date("2027-07-01T12:00:00Z"))).to.equal("UTC+02:00");
    expect(f.zoneLabel(launch)).to.equal("Europe/Berlin (UTC+01:00)");
  });

  it("handles zones with half-hour offsets and date changes", () => {
    const f = timeFormatter({ TZ: "Asia/Kolkata" });
    expect(f.format(new Date("2027-01-11T20:00:00Z"), launch)).to.equal("Tue, Jan 12 01:30");
    const ny = timeFormatter({ TZ: ":America/New_York" });
    expect(ny.zone.zone).to.equal("America/New_York");
    expect(ny.format(launch, launch)).to.equal("Mon, Jan 11 08:05");
  });

  it("uses 24-hour time with a leading zero, and adds the year only when it differs", () => {
    const f = timeFormatter({ TZ: "UTC" });
    expect(f.format(new Date("2027-03-01T00:07:00Z"), new Date("2027-03-02T00:00:00Z"))).to.equal("Mon, Mar 1 00:07");
    expect(f.format(new Date("2026-12-31T23:59:00Z"), new Date("2027-01-01T00:01:00Z"))).to.equal("Thu, Dec 31 2026 23:59");
    expect(f.zoneLabel()).to.equal("UTC");
  });

  it("without TZ uses the system zone", () => {
    const system = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(resolveTimeZone({})).to.deep.equal({ zone: system, source: "system" });
    expect(resolveTimeZone({ TZ: "" }).zone).to.equal(system);
  });

  it("an unusable TZ falls back to UTC and says which value was ignored", () => {
    const z = resolveTimeZone({ TZ: "Mars/Olympus_Mons" });
    expect(z).to.deep.equal({ zone: "UTC", source: "UTC", ignoredTz: "Mars/Olympus_Mons" });
    expect(timeFormatter({ TZ: "Mars/Olympus_Mons" }).format(launch, launch)).to.equal("Mon, Jan 11 13:05");
  });

  it("shows nothing for a missing or invalid date", () => {
    const f = timeFormatter({ TZ: "UTC" });
    expect(f.format(undefined)).to.equal("");
    expect(f.format(new Date(Number.NaN))).to.equal("");
  });
});
