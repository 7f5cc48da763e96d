import { expect } from "chai";
import { partition } from "@aws-sdk/core/client";
import { allRegions, checkRegion, checkUsableRegion, findRegion, partitionOfArn, partitionOfRegion, partitions, regionChoices, suggestRegion } from "../../src/aws/regions.js";
import { InputError } from "../../src/errors.js";

describe("regions: the SDK's partition data", () => {
  it("has every partition's regions, with descriptions", () => {
    const ids = partitions().map((p) => p.id);
    expect(ids).to.include.members(["aws", "aws-cn", "aws-us-gov"]);
    expect(findRegion("us-east-1")).to.deep.equal({ name: "us-east-1", description: "US East (N. Virginia)", partition: "aws" });
    expect(findRegion("eu-west-1")?.description).to.equal("Europe (Ireland)");
    expect(findRegion("cn-north-1")?.partition).to.equal("aws-cn");
    expect(findRegion("us-gov-west-1")?.partition).to.equal("aws-us-gov");
    expect(allRegions().length).to.be.greaterThan(30);
  });

  it("leaves out the *-global pseudo regions", () => {
    expect(allRegions().filter((r) => r.name.endsWith("-global"))).to.deep.equal([]);
    expect(findRegion("aws-global")).to.equal(undefined);
  });

  it("knows each region's partition, also for regions newer than the list (by the partition's pattern)", () => {
    expect(partitionOfRegion("eu-central-1")).to.equal("aws");
    expect(partitionOfRegion("us-gov-east-1")).to.equal("aws-us-gov");
    // Not listed: the us-gov pattern must win over the broader "aws" one.
    expect(partitionOfRegion("us-gov-north-9")).to.equal("aws-us-gov");
    expect(partitionOfRegion("cn-south-7")).to.equal("aws-cn");
    expect(partitionOfRegion("xx")).to.equal(undefined);
    expect(partitionOfArn("arn:aws-cn:iam::123456789012:user/a")).to.equal("aws-cn");
    expect(partitionOfArn("arn:aws:sts::123456789012:assumed-role/r/s")).to.equal("aws");
    expect(partitionOfArn("nonsense")).to.equal(undefined);
  });

  it("offers the preferred partition's regions first, alphabetically", () => {
    const cn = regionChoices("cn-northwest-1");
    expect(cn.slice(0, 2).map((r) => r.name)).to.deep.equal(["cn-north-1", "cn-northwest-1"]);
    const std = regionChoices();
    expect(std[0]!.partition).to.equal("aws");
    expect(std.filter((r) => r.partition === "aws").map((r) => r.name)).to.deep.equal(
      [...std.filter((r) => r.partition === "aws").map((r) => r.name)].sort(),
    );
    expect(regionChoices("aws-us-gov")[0]!.partition).to.equal("aws-us-gov");
    expect(std).to.have.length(allRegions().length);
  });

  it("rejects an unknown region with one line and a suggestion (exit 2)", () => {
    let error: unknown;
    try {
      checkRegion("us-est-1");
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).exitCode).to.equal(2);
    expect((error as Error).message).to.equal(
      'Unknown AWS region "us-est-1" (--region): it is not a region the AWS SDK knows (a region newer than this release needs an update of ec2-workshop). Did you mean us-east-1 (US East (N. Virginia))?',
    );
    expect(() => checkRegion("mars-1", "AWS_REGION")).to.throw(InputError, /"mars-1" \(AWS_REGION\).*without it to choose from the list/);
    expect(checkRegion(" eu-west-2 ").name).to.equal("eu-west-2");
  });

  it("checks the region a client is made for: the SDK's regions against AWS, any plain name against an endpoint URL", () => {
    expect(checkUsableRegion("eu-west-1", "--region")).to.equal("eu-west-1");
    // Shaped like an AWS region but unknown to this release (a typo, or a region newer than its SDK).
    expect(() => checkUsableRegion("eu-west-9", "AWS_REGION")).to.throw(InputError, /^Unknown AWS region "eu-west-9" \(AWS_REGION\): .*newer than this release needs an update.*Did you mean eu-west-1/);
    expect(() => checkUsableRegion("mars-1", 'aws:region of workshop "hb"')).to.throw(InputError, /^Unknown AWS region "mars-1" \(aws:region of workshop "hb"\): it is not a region the AWS SDK knows\. Run/);
    // An EC2-compatible endpoint names its regions as it likes; the name only signs requests there.
    expect(checkUsableRegion("RegionOne", "--region", "http://cloud.example:8773")).to.equal("RegionOne");
    expect(checkUsableRegion("eu-west-9", "--region", "http://127.0.0.1:4566")).to.equal("eu-west-9");
    expect(() => checkUsableRegion("us east", "--region", "http://127.0.0.1:4566")).to.throw(InputError, /is not a region name/);
  });

  it("suggests only close names", () => {
    expect(suggestRegion("eu-wst-1")?.name).to.equal("eu-west-1");
    expect(suggestRegion("EU-WEST-1")?.name).to.equal("eu-west-1");
    expect(suggestRegion("antarctica")).to.equal(undefined);
  });

  it("agrees with the installed AWS SDK: partition() knows every region, in the same partition, with the same description", () => {
    for (const region of allRegions()) {
      const sdk = partition(region.name) as { name: string; description?: string };
      expect({ partition: sdk.name, description: sdk.description }, region.name).to.deep.equal({
        partition: region.partition,
        description: region.description,
      });
    }
  });

  it("misses no region the SDK knows next to the listed ones (else: `npm run regions`)", () => {
    // The SDK cannot list its regions, but it describes each one it knows: ask about every name
    // one step beyond the listed ones (eu-west-4 after eu-west-3, ...), as new regions are named.
    const listed = new Set(allRegions().map((r) => r.name));
    const highest = new Map<string, number>();
    for (const name of listed) {
      const m = /^(.*)-(\d+)$/.exec(name);
      if (m) highest.set(m[1]!, Math.max(highest.get(m[1]!) ?? 0, Number(m[2])));
    }
    const unlisted: string[] = [];
    for (const [stem, top] of highest) {
      for (let n = 1; n <= top + 3; n++) {
        const name = `${stem}-${n}`;
        if (!listed.has(name) && (partition(name) as { description?: string }).description !== undefined) unlisted.push(name);
      }
    }
    expect(unlisted, "regions the installed SDK knows that src/aws/regions-data.ts lacks").to.deep.equal([]);
  });
});
