"""The S3 test server and its cuttable proxy behave as the fault-injection tests assume."""
import pytest


def test_smoke(s3_server, s3_bucket):
    s3 = s3_server.boto3_client("s3")
    s3.put_object(Bucket=s3_bucket, Key="a/b", Body=b"x")
    assert s3_server.list_keys(s3_bucket) == ["a/b"]
    p = s3_server.proxy()
    c = s3_server.boto3_client("s3", endpoint=p.endpoint)
    assert c.get_object(Bucket=s3_bucket, Key="a/b")["Body"].read() == b"x"
    p.cut()

    with pytest.raises(Exception):
        c.get_object(Bucket=s3_bucket, Key="a/b")
    p.restore()
    assert c.get_object(Bucket=s3_bucket, Key="a/b")["Body"].read() == b"x"
