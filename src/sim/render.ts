// XML for instances and reservations, with the element names the SDK's EC2 model reads
// (e.g. instancesSet/item, instanceState, tagSet, ipAddress for PublicIpAddress).
import { STATE_CODE, type StateName } from "./lifecycle.js";
import type { Reservation, SimInstance, World } from "./world.js";
import { el, isoTime, node, set, tagSet } from "./xml.js";

export function instanceState(name: string, state: StateName): string {
  return node(name, el("code", STATE_CODE[state]), el("name", state));
}

function privateDns(world: World, ip: string): string {
  const suffix = world.region === "us-east-1" ? "ec2.internal" : `${world.region}.compute.internal`;
  return `ip-${ip.replace(/\./g, "-")}.${suffix}`;
}

function publicDns(world: World, ip: string): string {
  const suffix = world.region === "us-east-1" ? "compute-1.amazonaws.com" : `${world.region}.compute.amazonaws.com`;
  return `ec2-${ip.replace(/\./g, "-")}.${suffix}`;
}

export function renderInstance(world: World, inst: SimInstance, now: number): string {
  // The XML changes only with the current transition and the tags: cache it on that key.
  const cur = world.state(inst, now);
  const key = `${inst.timeline.indexOf(cur)}/${inst.timeline.length}/${inst.tagsVersion}`;
  if (inst.xmlCache?.key === key) return inst.xmlCache.xml;
  const xml = renderInstanceUncached(world, inst, now);
  inst.xmlCache = { key, xml };
  return xml;
}

function renderInstanceUncached(world: World, inst: SimInstance, now: number): string {
  const cur = world.state(inst, now);
  const publicIp = world.publicIpOf(inst, now);
  const groups = set(
    "groupSet",
    inst.securityGroups.map((g) => el("groupId", g.id) + el("groupName", g.name)),
  );
  const eni = inst.subnet
    ? set("networkInterfaceSet", [
        el("networkInterfaceId", `eni-${inst.id.slice(2)}`) +
          el("subnetId", inst.subnet.id) +
          el("vpcId", inst.vpcId) +
          el("description", "") +
          el("ownerId", world.accountId) +
          el("status", cur.state === "terminated" ? "available" : "in-use") +
          el("macAddress", "0a:" + inst.id.slice(2, 12).match(/../g)!.join(":")) +
          el("privateIpAddress", inst.privateIp) +
          el("privateDnsName", privateDns(world, inst.privateIp)) +
          el("sourceDestCheck", true) +
          groups +
          node(
            "attachment",
            el("attachmentId", `eni-attach-${inst.id.slice(2)}`),
            el("deviceIndex", 0),
            el("networkCardIndex", 0),
            el("status", "attached"),
            el("attachTime", isoTime(inst.createdAt)),
            el("deleteOnTermination", true),
          ) +
          (publicIp
            ? node("association", el("publicIp", publicIp), el("publicDnsName", publicDns(world, publicIp)), el("ipOwnerId", "amazon"))
            : "") +
          set("privateIpAddressesSet", [
            el("privateIpAddress", inst.privateIp) +
              el("privateDnsName", privateDns(world, inst.privateIp)) +
              el("primary", true) +
              (publicIp
                ? node("association", el("publicIp", publicIp), el("publicDnsName", publicDns(world, publicIp)), el("ipOwnerId", "amazon"))
                : ""),
          ]) +
          set("ipv6AddressesSet", []) +
          el("interfaceType", "interface"),
      ])
    : set("networkInterfaceSet", []);
  const az = world.azByName(inst.az);
  return (
    el("instanceId", inst.id) +
    el("imageId", inst.imageId) +
    instanceState("instanceState", cur.state) +
    el("privateDnsName", privateDns(world, inst.privateIp)) +
    el("dnsName", publicIp ? publicDns(world, publicIp) : "") +
    el("reason", cur.transitionReason ?? "") +
    el("keyName", inst.keyName) +
    el("amiLaunchIndex", inst.amiLaunchIndex) +
    set("productCodes", []) +
    el("instanceType", inst.instanceType) +
    el("launchTime", isoTime(inst.launchTime)) +
    node(
      "placement",
      el("availabilityZoneId", az?.id),
      el("availabilityZone", inst.az),
      el("groupName", ""),
      el("tenancy", "default"),
    ) +
    node("monitoring", el("state", "disabled")) +
    el("subnetId", inst.subnet?.id) +
    el("vpcId", inst.vpcId) +
    el("privateIpAddress", inst.privateIp) +
    el("ipAddress", publicIp) +
    el("sourceDestCheck", true) +
    groups +
    (cur.reason ? node("stateReason", el("code", cur.reason.code), el("message", cur.reason.message)) : "") +
    el("architecture", "x86_64") +
    el("rootDeviceType", "ebs") +
    el("rootDeviceName", inst.volume.deviceName) +
    set("blockDeviceMapping", [
      el("deviceName", inst.volume.deviceName) +
        node(
          "ebs",
          el("volumeId", inst.volume.id),
          el("status", cur.state === "terminated" ? "detached" : "attached"),
          el("attachTime", isoTime(inst.createdAt)),
          el("deleteOnTermination", true),
        ),
    ]) +
    el("virtualizationType", "hvm") +
    el("clientToken", inst.clientToken ?? "") +
    (inst.tags.size ? tagSet(inst.tags) : "") +
    el("hypervisor", "xen") +
    eni +
    el("ebsOptimized", false) +
    el("enaSupport", true) +
    node(
      "metadataOptions",
      el("state", cur.state === "pending" ? "pending" : "applied"),
      el("httpTokens", inst.httpTokens),
      el("httpPutResponseHopLimit", 2),
      el("httpEndpoint", "enabled"),
    ) +
    el("platformDetails", "Linux/UNIX") +
    el("bootMode", "uefi-preferred")
  );
}

/** The body of a reservation (RunInstances answers with exactly this at its top level). */
export function renderReservationBody(world: World, r: Reservation, instances: readonly SimInstance[], now: number): string {
  return (
    el("reservationId", r.id) +
    el("ownerId", r.ownerId) +
    set(
      "groupSet",
      r.groups.map((g) => el("groupId", g.id) + el("groupName", g.name)),
    ) +
    set(
      "instancesSet",
      instances.map((i) => renderInstance(world, i, now)),
    )
  );
}
