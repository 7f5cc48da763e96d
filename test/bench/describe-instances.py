# The baseline of the benchmark's `instances list` start-up figure: a minimal boto3 script that
# makes one DescribeInstances (a workshop's instances, by its tag) against the same endpoint.
# Run by test/bench/run.ts with Debian's python3-boto3: python3 describe-instances.py <workshop>
import os
import sys

if os.environ.get("RECORD_USAGE_FILE"):
    # CPU time and peak memory at exit, as test/fixtures/record-usage.mjs records them for Node.
    import atexit
    import json
    import resource

    def record():
        u = resource.getrusage(resource.RUSAGE_SELF)
        with open(os.environ["RECORD_USAGE_FILE"], "w") as f:
            json.dump({"maxRssKiB": u.ru_maxrss, "cpuMs": (u.ru_utime + u.ru_stime) * 1000}, f)

    atexit.register(record)

import boto3

ec2 = boto3.client(
    "ec2",
    endpoint_url=os.environ["AWS_ENDPOINT_URL_EC2"],  # older boto3 does not read the variable itself
    region_name=os.environ["AWS_REGION"],
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)
answer = ec2.describe_instances(Filters=[{"Name": "tag:Workshop", "Values": [sys.argv[1]]}])
print(sum(len(r["Instances"]) for r in answer["Reservations"]), "instances")
