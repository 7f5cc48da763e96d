// An EC2 error answer: the code and message EC2 uses, and the HTTP status it comes with.
export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "SimError";
  }

  static invalidParameterValue(message: string): SimError {
    return new SimError("InvalidParameterValue", message);
  }

  static combination(message: string): SimError {
    return new SimError("InvalidParameterCombination", message);
  }

  static dryRun(): SimError {
    return new SimError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 400);
  }

  static unauthorized(): SimError {
    return new SimError(
      "UnauthorizedOperation",
      "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/workshop is not authorized to perform this action.",
      403,
    );
  }

  static throttled(): SimError {
    return new SimError("RequestLimitExceeded", "Request limit exceeded.", 503);
  }
}
