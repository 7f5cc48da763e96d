import { expect } from "chai";
import { fillInstructions, handoutFromInstances, hasPlaceholders, type HandoutEntry } from "../../src/instances/handout.js";
import type { ListedInstance } from "../../src/instances/listing.js";
import { TAG } from "../../src/instances/tags.js";
import { cardsPerPage, chooseLayout, renderHandoutCards } from "../../src/ui/handout-cards.js";
import { handoutCsv, renderInstructions } from "../../src/ui/handout.js";
import { styleFor } from "../../src/ui/style.js";

const plain = styleFor(process.stdout, { NO_COLOR: "1" });
const seven: HandoutEntry = { seat: 7, name: "intro-07", instanceId: "i-0aaaaaaaaaaaaaaa7", publicIp: "203.0.113.7", privateIp: "10.0.0.7" };

function listed(id: string, seat: number | undefined, state: string, ok = true, launch = 1_000): ListedInstance {
  return {
    instanceId: id,
    name: "",
    state,
    launchTime: new Date(launch),
    publicIp: `203.0.113.${id.slice(-1)}`,
    ...(seat !== undefined ? { seat } : {}),
    ...(state === "running" ? { checks: ok ? { instance: "ok", system: "ok" } : { instance: "initializing", system: "ok" } } : {}),
    tags: seat !== undefined ? { [TAG.seats]: String(seat) } : {},
  };
}

describe("hand-out", () => {
  it("fills {address}, {seat} and {name} per seat and keeps every other text, braces included", () => {
    const text = "ssh student@{address}\nSeat {seat} = {name}; JSON stays: {\"a\": 1} {addr}";
    expect(hasPlaceholders(text)).to.equal(true);
    expect(hasPlaceholders("ssh student@<address>")).to.equal(false);
    expect(fillInstructions(text, seven)).to.equal("ssh student@203.0.113.7\nSeat 7 = intro-07; JSON stays: {\"a\": 1} {addr}");
    expect(fillInstructions("{address}", { ...seven, publicIp: undefined })).to.equal("10.0.0.7");
  });

  it("instructions without placeholders are shown once; with them, once per seat", () => {
    expect(renderInstructions("Password: on the whiteboard", [seven, { ...seven, seat: 8 }], plain)).to.equal(
      "Instructions for the attendees:\n  Password: on the whiteboard",
    );
    const per = renderInstructions("ssh student@{address}", [seven], plain);
    expect(per).to.equal("Instructions for the attendees, per seat:\n  Seat 7 (intro-07)\n    ssh student@203.0.113.7");
    expect(renderInstructions("", [seven], plain)).to.equal("");
  });

  it("CSV: a header, one row per seat, quoted where needed", () => {
    const csv = handoutCsv([seven], 'ssh student@{address}\nsay "hi", then go');
    expect(csv).to.equal(
      'seat,name,address,public_ip,private_ip,instance_id,availability_zone,instructions\n7,intro-07,203.0.113.7,203.0.113.7,10.0.0.7,i-0aaaaaaaaaaaaaaa7,,"ssh student@203.0.113.7\nsay ""hi"", then go"\n',
    );
  });

  it("from EC2: one entry per seat with a ready machine; the rest are named as not ready; no seat, no entry", () => {
    const h = handoutFromInstances(
      [
        listed("i-3", 3, "running"),
        listed("i-1", 1, "running"),
        listed("i-2", 2, "running", false),
        listed("i-4", 4, "stopped"),
        listed("i-5", undefined, "running"),
        listed("i-6", 1, "running", true, 2_000), // a later claim on seat 1: not handed out
        listed("i-7", 5, "terminated"),
      ],
      { workshop: "intro", maximum: 25 },
    );
    expect(h.entries.map((e) => [e.seat, e.instanceId, e.name])).to.deep.equal([
      [1, "i-1", "intro-01"],
      [3, "i-3", "intro-03"],
    ]);
    expect(h.notReady.map((n) => [n.seat, n.state, n.checks])).to.deep.equal([
      [2, "running", "initializing/ok"],
      [4, "stopped", undefined],
    ]);
  });

  it("cards: six a page for short instructions, bigger for long ones; text is escaped", async () => {
    expect(cardsPerPage(chooseLayout(["ssh student@1.2.3.4"]))).to.equal(6);
    expect(cardsPerPage(chooseLayout(["x\n".repeat(12)]))).to.equal(2);
    expect(cardsPerPage(chooseLayout(["x\n".repeat(40)]))).to.equal(1);
    const entries = Array.from({ length: 7 }, (_, i) => ({ ...seven, seat: i + 1 }));
    const html = await renderHandoutCards(entries, { workshop: "intro", instructions: "<b>{seat}</b> & more", qr: false });
    expect(html.match(/<section class="sheet">/g)).to.have.length(2);
    expect(html.match(/<article class="card"/g)).to.have.length(7);
    expect(html).to.contain("&lt;b&gt;7&lt;/b&gt; &amp; more");
    expect(html).to.not.contain("<svg");
    expect(html).to.contain("break-inside: avoid");
  });
});
