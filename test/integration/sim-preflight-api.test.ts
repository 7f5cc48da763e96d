// The simulator's side of the preflight, through the real SDK clients: DescribeInstanceTypes,
// DescribeImages with architecture and block device mappings, offerings per AZ, Service Quotas and
// the Price List (JSON protocol, on the same port), and the faults that make them fail.
import {
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  type EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { expect } from "chai";
import { parseFaultSpec, startSimulator, WORKSHOP_AMI, type Simulator } from "../../src/sim/index.js";
import { instanceFilters, onDemandPrice, volumeFilters } from "../../src/preflight/prices.js";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, ec2For } from "../helpers/sim.js";

const failure = (p: Promise<unknown>): Promise<{ name: string; message: string }> =>
  p.then(
    () => ({ name: "no error", message: "" }),
    (e: Error) => e,
  );

describe("simulator: what the preflight asks (real SDK)", () => {
  let sim: Simulator;
  let ec2: EC2Client;
  let quotas: ServiceQuotasClient;
  let pricing: PricingClient;

  before(async () => {
    sim = await startSimulator({ seed: 5, throttling: "off" });
    const config = { endpoint: sim.endpoint, region: sim.region, credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY }, maxAttempts: 1 };
    ec2 = ec2For(sim, { maxAttempts: 1 });
    quotas = new ServiceQuotasClient(config);
    pricing = new PricingClient(config);
  });
  after(async () => {
    for (const c of [ec2, quotas, pricing]) c?.destroy();
    await sim?.close();
  });
  afterEach(() => sim.setFaults({ vcpuLimit: undefined, unauthorizedActions: [], unofferedTypes: [], deregisteredImages: [] }));

  it("DescribeInstanceTypes: vCPUs and architectures; an unknown type is InvalidInstanceType", async () => {
    const types = (await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["t3.micro", "t4g.small", "m5.2xlarge"] }))).InstanceTypes!;
    const byType = Object.fromEntries(types.map((t) => [t.InstanceType, [t.VCpuInfo?.DefaultVCpus, t.ProcessorInfo?.SupportedArchitectures, t.MemoryInfo?.SizeInMiB]]));
    expect(byType).to.deep.equal({ "t3.micro": [2, ["x86_64"], 1024], "t4g.small": [2, ["arm64"], 2048], "m5.2xlarge": [8, ["x86_64"], 32768] });
    expect((await failure(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["t3.micro", "t9.huge" as never] })))).name).to.equal("InvalidInstanceType");
    const paged = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5 }));
    expect(paged.InstanceTypes).to.have.length(5);
    expect(paged.NextToken).to.be.a("string");
  });

  it("DescribeImages: state, architecture and the root snapshot; a deregistered AMI says so and does not launch", async () => {
    sim.seedImage("ami-0aaaaaaaaaaaaaaa1", "big-arm-image", { architecture: "arm64", rootSnapshotGiB: 30 });
    const [img] = (await ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-0aaaaaaaaaaaaaaa1"] }))).Images!;
    expect(img).to.deep.include({ State: "available", Architecture: "arm64", RootDeviceName: "/dev/xvda" });
    expect(img!.BlockDeviceMappings?.[0]).to.deep.include({ DeviceName: "/dev/xvda" });
    expect(img!.BlockDeviceMappings?.[0]?.Ebs).to.deep.include({ VolumeSize: 30, SnapshotId: "snap-0aaaaaaaaaaaaaaa1" });

    sim.setFaults(parseFaultSpec(`deregistered=${WORKSHOP_AMI}`));
    const [gone] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [WORKSHOP_AMI] }))).Images!;
    expect(gone!.State).to.equal("deregistered");
    const available = (await ec2.send(new DescribeImagesCommand({ Owners: ["self"], Filters: [{ Name: "state", Values: ["available"] }] }))).Images!;
    expect(available.map((i) => i.ImageId)).to.not.include(WORKSHOP_AMI);
    const launch = (imageId: string, instanceType: string, size?: number) =>
      failure(
        ec2.send(
          new RunInstancesCommand({
            ImageId: imageId,
            InstanceType: instanceType as never,
            MinCount: 1,
            MaxCount: 1,
            DryRun: true,
            ...(size ? { BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: size } }] } : {}),
          }),
        ),
      );
    expect((await launch(WORKSHOP_AMI, "t3.micro")).name).to.equal("InvalidAMIID.Unavailable");
    expect((await launch("ami-0aaaaaaaaaaaaaaa1", "t3.micro")).message).to.contain("architecture 'x86_64' of the specified instance type does not match the architecture 'arm64'");
    expect((await launch("ami-0aaaaaaaaaaaaaaa1", "t4g.micro", 16)).name).to.equal("InvalidBlockDeviceMapping");
    expect((await launch("ami-0aaaaaaaaaaaaaaa1", "t4g.micro", 30)).name).to.equal("DryRunOperation");
  });

  it("DescribeInstanceTypeOfferings per AZ, with a type missing from one AZ", async () => {
    const offered = async (): Promise<string[]> =>
      (
        await ec2.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: ["t3.micro"] }] }))
      ).InstanceTypeOfferings!.map((o) => o.Location!).sort();
    expect(await offered()).to.deep.equal(["us-east-1a", "us-east-1b", "us-east-1c"], "AZ d offers no t3");
    sim.setFaults(parseFaultSpec("unoffered=us-east-1b:t3.micro"));
    expect(await offered()).to.deep.equal(["us-east-1a", "us-east-1c"]);
  });

  it("Service Quotas GetServiceQuota: the vcpu fault is the Standard quota; unknown codes and denials as AWS answers them", async () => {
    const get = (QuotaCode: string) => quotas.send(new GetServiceQuotaCommand({ ServiceCode: "ec2", QuotaCode }));
    expect((await get("L-1216C47A")).Quota).to.deep.include({ QuotaCode: "L-1216C47A", Value: 5000, Unit: "None" });
    sim.setFaults(parseFaultSpec("vcpu=32"));
    expect((await get("L-1216C47A")).Quota!.Value).to.equal(32);
    expect((await get("L-DB2E81BA")).Quota!.Value, "G and VT: a new account's 0").to.equal(0);
    expect((await failure(get("L-00000000"))).name).to.equal("NoSuchResourceException");
    sim.setFaults(parseFaultSpec("unauthorized=GetServiceQuota"));
    const denied = await failure(get("L-1216C47A"));
    expect(denied.name).to.equal("AccessDeniedException");
    expect(denied.message).to.contain("servicequotas:GetServiceQuota");
    const logged = sim.log.filter((e) => e.action === "GetServiceQuota").map((e) => `${e.params.QuotaCode}:${e.outcome}`);
    expect(logged).to.deep.equal(["L-1216C47A:ok", "L-1216C47A:ok", "L-DB2E81BA:ok", "L-00000000:NoSuchResourceException", "L-1216C47A:AccessDeniedException"]);
  });

  it("Price List GetProducts: real-shaped JSON strings; the filters single out one Linux price", async () => {
    const all = await pricing.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: [{ Type: "TERM_MATCH", Field: "instanceType", Value: "t3.micro" }, { Type: "TERM_MATCH", Field: "regionCode", Value: "us-east-1" }] }));
    expect(all.PriceList!.length, "Linux, Windows and a capacity-reservation row").to.equal(3);
    const linux = await pricing.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: instanceFilters("us-east-1", "t3.micro") }));
    expect(linux.PriceList).to.have.length(1);
    const doc = JSON.parse(String(linux.PriceList![0])) as { product: { attributes: Record<string, string> } };
    expect(doc.product.attributes).to.include({ instanceType: "t3.micro", operatingSystem: "Linux", usagetype: "BoxUsage:t3.micro" });
    expect(onDemandPrice(linux.PriceList!, "Hrs")).to.equal(0.0104);
    const gp3 = await pricing.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: volumeFilters("eu-west-1", "gp3") }));
    expect(onDemandPrice(gp3.PriceList!, "GB-Mo")).to.equal(0.088);
    const paged = await pricing.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", MaxResults: 2 }));
    expect(paged.PriceList).to.have.length(2);
    expect(paged.NextToken).to.be.a("string");
    sim.setFaults(parseFaultSpec("unauthorized=GetProducts"));
    expect((await failure(pricing.send(new GetProductsCommand({ ServiceCode: "AmazonEC2" })))).name).to.equal("AccessDeniedException");
  });

  it("the new faults parse, and reject nonsense", () => {
    expect(parseFaultSpec("unoffered=us-east-1b:t3.micro+us-east-1c:t3.micro,deregistered=ami-0123456789abcdef0")).to.deep.equal({
      unofferedTypes: ["us-east-1b:t3.micro", "us-east-1c:t3.micro"],
      deregisteredImages: ["ami-0123456789abcdef0"],
    });
    expect(() => parseFaultSpec("unoffered=t3.micro")).to.throw(RangeError, /AZ:TYPE/);
    expect(() => parseFaultSpec("deregistered=img-1")).to.throw(RangeError, /AMI ids/);
  });
});
