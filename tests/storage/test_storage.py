"""One behaviour suite over every storage backend: local directory and S3 (moto's server, real HTTP)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import boto3
import pytest

from plugin_api.storage import LocalStorage, ObjectNotFound, Storage, build_storage, merchant_key
from plugin_api.storage.s3 import S3Storage
from tests.helpers import upload
from tests.images import make_jpeg


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1; boto3 talks real HTTP to it."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


S3_CREDS = {
    "FACET_S3_REGION": "us-east-1",
    "FACET_S3_ACCESS_KEY_ID": "test",
    "FACET_S3_SECRET_ACCESS_KEY": "test",
}


@pytest.fixture
def bucket(s3_endpoint: str, request: pytest.FixtureRequest) -> str:
    name = "facet-" + request.node.name.lower().replace("_", "-").replace("[", "-").replace("]", "")[:40]
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "store")
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = request.getfixturevalue("bucket")
    return build_storage(
        {"FACET_S3_BUCKET": bucket, "FACET_S3_ENDPOINT_URL": endpoint, "FACET_S3_PREFIX": "env1", **S3_CREDS}
    )


def test_put_get_exists_delete(storage: Storage):
    assert isinstance(storage, Storage)
    key = merchant_key("abc123", "uploads", "one.jpg")
    assert not storage.exists(key)
    storage.put(key, b"first", "image/jpeg")
    storage.put(key, b"second", "image/jpeg")  # overwrite
    assert storage.get(key) == b"second"
    assert storage.exists(key)
    storage.delete(key)
    storage.delete(key)  # deleting twice is fine
    assert not storage.exists(key)
    with pytest.raises(ObjectNotFound):
        storage.get(key)


def test_list_and_delete_prefix_stay_within_one_merchant(storage: Storage):
    for merchant in ("m1", "m2"):
        for name in ("a.jpg", "b.png"):
            storage.put(merchant_key(merchant, "uploads", name), merchant.encode())
    assert storage.list("merchants/m1/") == ["merchants/m1/uploads/a.jpg", "merchants/m1/uploads/b.png"]
    assert storage.delete_prefix("merchants/m1/") == 2
    assert storage.list() == ["merchants/m2/uploads/a.jpg", "merchants/m2/uploads/b.png"]


@pytest.mark.parametrize("bad", ["../etc", "a/b", "", ".."])
def test_keys_refuse_path_tricks(bad: str):
    with pytest.raises(ValueError):
        merchant_key("m1", bad)
    with pytest.raises(ValueError):
        LocalStorage("/tmp/x").put("merchants/../../etc/passwd", b"")


def test_uploads_go_to_s3_when_configured(app_factory, merchant_factory, widget_headers, s3_endpoint, bucket):
    app = app_factory(FACET_S3_BUCKET=bucket, FACET_S3_ENDPOINT_URL=s3_endpoint, **S3_CREDS)
    storage = app.extensions["facet.storage"]
    assert isinstance(storage, S3Storage)
    merchant = merchant_factory(app, settings={"keep_uploads_days": 1})
    response = upload(app.test_client(), widget_headers(merchant), make_jpeg())
    assert response.status_code == 200, response.json
    keys = storage.list()
    assert keys == [f"merchants/{merchant.public_id}/uploads/{response.json['id']}.jpg"]
    assert storage.get(keys[0])[:3] == b"\xff\xd8\xff"


def test_an_s3_delete_that_refuses_some_objects_is_an_error():
    """S3's DeleteObjects answers 200 and lists, per object, what it refused (AccessDenied under a bucket
    policy, an object under legal hold): counting those as deleted would leave shoppers' photos behind."""
    from plugin_api.storage import StorageError
    from tests.fakes.server import FakeServer, Response

    keys = ["env1/merchants/m1/uploads/a.jpg", "env1/merchants/m1/uploads/b.jpg"]
    listing = "".join(f"<Contents><Key>{k}</Key><Size>5</Size></Contents>" for k in keys)
    server = FakeServer()
    server.route(
        "GET",
        "/facet",
        lambda _r, _m: Response(
            200,
            f'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>facet</Name>'
            f"<KeyCount>2</KeyCount><IsTruncated>false</IsTruncated>{listing}</ListBucketResult>".encode(),
            {"Content-Type": "application/xml"},
        ),
    )
    refused = f"<Error><Key>{keys[1]}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
    server.route(
        "POST",
        "/facet",
        lambda _r, _m: Response(
            200,
            f'<?xml version="1.0" encoding="UTF-8"?><DeleteResult>{refused}</DeleteResult>'.encode(),
            {"Content-Type": "application/xml"},
        ),
    )
    server.start()
    try:
        storage = build_storage(
            {
                "FACET_S3_BUCKET": "facet",
                "FACET_S3_ENDPOINT_URL": server.url,
                "FACET_S3_PREFIX": "env1",
                **S3_CREDS,
            }
        )
        with pytest.raises(StorageError, match="cannot delete 1 objects .*b.jpg: AccessDenied"):
            storage.delete_prefix("merchants/m1/")
    finally:
        server.stop()
