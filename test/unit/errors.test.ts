import { expect } from "chai";
import { describeError, exitCodeOf, InputError, UserError } from "../../src/errors.js";

/** An error shaped like the SDK's service exceptions (name + $metadata). */
function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe("errors: describeError gives one clear line", () => {
  it("prints a UserError's message as it is, with its exit code", () => {
    expect(describeError(new UserError("No workshop \"x\". Create one."))).to.equal('No workshop "x". Create one.');
    expect(exitCodeOf(new UserError("a"))).to.equal(1);
    expect(exitCodeOf(new UserError("a", 3))).to.equal(3);
    expect(exitCodeOf(new InputError("bad flag"))).to.equal(2);
    expect(new InputError("x")).to.be.instanceOf(UserError);
    expect(exitCodeOf(new Error("boom"))).to.equal(1);
    expect(exitCodeOf("string")).to.equal(1);
  });

  it("maps credential problems to what to do next", () => {
    expect(describeError(awsError("CredentialsProviderError", "Could not load credentials from any providers"))).to.match(
      /^No usable AWS credentials were found\. Run `ec2-workshop setup`/,
    );
    expect(describeError(awsError("InvalidClientTokenId", "The security token included in the request is invalid."))).to.match(
      /does not know this access key id/,
    );
    expect(describeError(awsError("SignatureDoesNotMatch", "..."))).to.match(/secret access key/);
    expect(describeError(awsError("ExpiredToken", "..."))).to.match(/expired.*aws sso login/);
    expect(describeError(awsError("AuthFailure", "..."))).to.match(/did not accept these credentials/);
    expect(describeError(awsError("RequestExpired", "..."))).to.match(/clock/);
  });

  it("keeps AWS's own sentence for permission errors, without the encoded authorization blob", () => {
    const e = awsError(
      "UnauthorizedOperation",
      "You are not authorized to perform this operation. User: arn:aws:iam::1:user/a is not authorized to perform: ec2:RunInstances. Encoded authorization failure message: AbCdEf0123456789",
    );
    const line = describeError(e);
    expect(line).to.match(/^Not allowed by your IAM policy: You are not authorized/);
    expect(line).to.contain("ec2:RunInstances.");
    expect(line).not.to.contain("AbCdEf0123456789");
    expect(line).not.to.contain("Encoded authorization");
    expect(describeError(awsError("AccessDenied", "User is not allowed"))).to.equal("Access denied: User is not allowed.");
  });

  it("explains throttling that outlasted the retries", () => {
    expect(describeError(awsError("RequestLimitExceeded", "Request limit exceeded.", 503))).to.match(/throttling.*Wait a minute/);
  });

  it("finds a network error code anywhere in the cause chain", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const outer = new Error("request failed", { cause: new Error("socket", { cause: inner }) });
    expect(describeError(outer)).to.equal(
      "Cannot reach the AWS endpoint (ECONNREFUSED). Check the network, --region and --endpoint-url, then retry.",
    );
    expect(describeError(Object.assign(new Error("getaddrinfo ENOTFOUND ec2.xx.amazonaws.com"), { code: "ENOTFOUND" }))).to.match(
      /\(ENOTFOUND\)/,
    );
  });

  it("names any other AWS service error with its code and message", () => {
    expect(describeError(awsError("InvalidAMIID.NotFound", "The image id '[ami-1]' does not exist"))).to.equal(
      "AWS error InvalidAMIID.NotFound: The image id '[ami-1]' does not exist.",
    );
  });

  it("reduces anything else to its first line, never a stack trace", () => {
    const e = new Error("first line\n    at somewhere (file.js:1:1)");
    expect(describeError(e)).to.equal("first line");
    expect(describeError("plain string")).to.equal("plain string");
    expect(describeError({ Code: "AuthFailure" })).to.match(/did not accept/);
    expect(describeError(undefined)).to.be.a("string");
    expect(describeError(new TypeError("x is not a function"))).to.equal("x is not a function");
  });
});
