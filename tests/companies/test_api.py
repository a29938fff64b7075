import pytest

pytestmark = pytest.mark.django_db


def test_valid_corporate_number(api_client):
    response = api_client.get("/api/v1/corporate-numbers/7000012050002")
    assert response.status_code == 200
    assert response.json() == {"corporate_number": "7000012050002", "valid": True}


def test_wrong_check_digit_is_400_in_japanese(api_client):
    response = api_client.get("/api/v1/corporate-numbers/8000012050002")
    assert response.status_code == 400
    body = response.json()
    assert body["valid"] is False
    assert "corporate_number" in body["errors"]
