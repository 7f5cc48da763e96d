// STS GetCallerIdentity (the awsQuery protocol, as STS speaks it).
import { el, node } from "../xml.js";

export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

export function getCallerIdentityXml(accountId: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<GetCallerIdentityResponse xmlns="${STS_XMLNS}">` +
    node(
      "GetCallerIdentityResult",
      el("Arn", `arn:aws:iam::${accountId}:user/workshop-instructor`),
      el("UserId", "AIDASIMULATOREXAMPLE1"),
      el("Account", accountId),
    ) +
    node("ResponseMetadata", el("RequestId", requestId)) +
    `</GetCallerIdentityResponse>`
  );
}

export function stsErrorXml(code: string, message: string, requestId: string, type: "Sender" | "Receiver"): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${STS_XMLNS}">` +
    node("Error", el("Type", type), el("Code", code), el("Message", message)) +
    el("RequestId", requestId) +
    `</ErrorResponse>`
  );
}
