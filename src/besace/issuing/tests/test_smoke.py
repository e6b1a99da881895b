def test_it_serves_an_awarded_assertion_as_json_ld(
    client, award, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assertion = award("Someone@Example.org")
    response = client.get(f"/public/assertions/{assertion.public_id}", HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = response.json()
    assert document["id"] == assertion.public_url
    assert document["recipient"]["identity"] == assertion.identity_hash
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["someone@example.org"]
