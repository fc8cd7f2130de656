"""A request declaring a body over the upload limit is refused with a 413 before the body is read."""

import json
import socket
from urllib.parse import urlparse

import pytest
from django.test import Client

LIMIT = 20 * 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_declaring(path, length):
    return Client().generic(
        "POST",
        path,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


@pytest.mark.django_db
def test_an_api_upload_over_the_limit_gets_a_413_in_the_error_shape_without_being_read(settings):
    settings.FILE_UPLOAD_MAX_BYTES = LIMIT
    response = post_declaring("/api/v1/plans/2021/households/import/", 100 * 1024 * 1024)
    assert response.status_code == 413
    body = json.loads(response.content)
    assert body["code"] == "file_too_large" and "100.0 MB" in body["detail"] and "20 MB" in body["detail"]


@pytest.mark.django_db
def test_a_page_upload_over_the_limit_gets_a_chinese_413_page(settings):
    settings.FILE_UPLOAD_MAX_BYTES = LIMIT
    response = post_declaring("/admin/counties/county/import/", 100 * 1024 * 1024)
    assert response.status_code == 413 and response["Content-Type"].startswith("text/html")
    assert "上传内容过大" in response.content.decode()


@pytest.mark.django_db
def test_a_request_just_within_the_limit_and_its_multipart_allowance_is_let_through(settings, users, api):
    settings.FILE_UPLOAD_MAX_BYTES = 1000
    from tests.households.helpers import post_import, row, workbook

    content = workbook([row(1)])
    settings.FILE_UPLOAD_MAX_BYTES = len(content)
    response = post_import(api(users["clerk"]), content)
    assert response.status_code == 201, response.content


def test_the_live_server_answers_413_before_the_client_has_sent_the_body(live_server):
    address = urlparse(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(
            b"POST /api/v1/plans/2021/households/import/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 104857600\r\n\r\n--x\r\n"
        )
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
