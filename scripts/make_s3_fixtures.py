#!/usr/bin/env python3
"""Writes Tests/ObjectStoreTests/Fixtures/sigv4.json: Authorization headers that botocore's
S3SigV4Auth computes for fixed requests (the first, third and fourth are AWS's published S3
examples, whose signatures AWS's documentation prints), for SignatureV4's tests. Run by hand:

  python3 scripts/make_s3_fixtures.py      (botocore from PyPI)
"""
import datetime, hashlib, json, os
from unittest import mock
from urllib.parse import quote, urlsplit, parse_qsl

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ObjectStoreTests", "Fixtures", "sigv4.json")
access, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
# method, host, decoded path, decoded query pairs, extra headers, body, region, date
cases = [
    ("GET", "examplebucket.s3.amazonaws.com", "/test.txt", [], {"Range": "bytes=0-9"}, b"", "us-east-1", (2013, 5, 24)),
    ("PUT", "examplebucket.s3.amazonaws.com", "/test$file.text", [], {"x-amz-storage-class": "REDUCED_REDUNDANCY"},
     b"Welcome to Amazon S3.", "us-east-1", (2013, 5, 24)),
    ("GET", "examplebucket.s3.amazonaws.com", "/", [("lifecycle", "")], {}, b"", "us-east-1", (2013, 5, 24)),
    ("GET", "examplebucket.s3.amazonaws.com", "/", [("max-keys", "2"), ("prefix", "J")], {}, b"", "us-east-1", (2013, 5, 24)),
    ("PUT", "127.0.0.1:18333", "/maas/artifacts/ab cd/model weights+é.safetensors", [("partNumber", "3"), ("uploadId", "x/y=z")],
     {}, bytes(range(256)) * 4, "eu-central-1", (2026, 12, 6, 13, 5, 9)),
    ("GET", "127.0.0.1:18333", "/maas", [("list-type", "2"), ("prefix", "datasets/p 1/"), ("continuation-token", "a+b/c==")],
     {}, b"", "us-east-1", (2026, 1, 2, 3, 4, 5)),
]
rows = []
for method, host, path, query, headers, body, region, when in cases:
    url = f"https://{host}{quote(path, safe='/~')}"
    if query:
        url += "?" + "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" if v else quote(k, safe="~") for k, v in query)
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    with mock.patch("botocore.auth.get_current_datetime", return_value=datetime.datetime(*when)):
        S3SigV4Auth(Credentials(access, secret), "s3", region).add_auth(request)
    rows.append({"method": method, "host": host, "path": path, "query": [list(p) for p in query], "headers": [[k, v] for k, v in headers.items()],
                 "payload_sha256": hashlib.sha256(body).hexdigest(), "region": region,
                 "unix_time": int(datetime.datetime(*when, tzinfo=datetime.timezone.utc).timestamp()),
                 "x_amz_date": request.headers["X-Amz-Date"], "authorization": request.headers["Authorization"]})
os.makedirs(os.path.dirname(OUT), exist_ok=True)
json.dump({"access_key": access, "secret_key": secret, "cases": rows}, open(OUT, "w"), indent=1)
print(f"wrote {len(rows)} cases to {OUT}")
