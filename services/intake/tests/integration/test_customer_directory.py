"""The customer directory's admin API on the real servers."""


async def test_contacts_are_created_listed_updated_and_deleted(intake, namespace):
    body = {"tenant_id": namespace, "contact_id": "c-1", "name": "Li", "phone": "+861062345678"}
    created = await intake.post("/customers", json=body)
    assert created.status_code == 201
    customer_id = created.json()["customer_id"]
    taken = await intake.post("/customers", json=body | {"phone": "+862087654321"})
    assert taken.status_code == 409
    updated = await intake.put(f"/customers/{customer_id}", json=body | {"name": "Li Wei"})
    assert updated.json()["name"] == "Li Wei"
    listed = (await intake.get(f"/tenants/{namespace}/customers")).json()
    assert [c["customer_id"] for c in listed] == [customer_id]
    assert (await intake.delete(f"/customers/{customer_id}")).status_code == 204
    assert (await intake.get(f"/customers/{customer_id}")).status_code == 404
    assert (await intake.post(f"/customers/{customer_id}/verify")).status_code == 404


async def test_a_contact_without_identity_is_a_422(intake, namespace):
    response = await intake.post("/customers", json={"tenant_id": namespace, "name": "Anon"})
    assert response.status_code == 422
    assert "contact_id, phone or email" in response.json()["detail"][0]["reason"]


async def test_the_list_pages_by_customer_id(intake, namespace):
    for i in range(3):
        await intake.post("/customers", json={"tenant_id": namespace, "email": f"u{i}@x.cn"})
    first = (await intake.get(f"/tenants/{namespace}/customers", params={"limit": 2})).json()
    rest = (
        await intake.get(
            f"/tenants/{namespace}/customers", params={"after": first[-1]["customer_id"]}
        )
    ).json()
    assert len(first) == 2
    assert len(rest) == 1
    assert rest[0]["customer_id"] > first[-1]["customer_id"]


async def test_accounts_are_put_read_and_deleted(intake, namespace):
    url = f"/tenants/{namespace}/accounts/acct-1"
    assert (await intake.put(url, json={"name": "Block 1"})).status_code == 200
    assert (await intake.get(url)).json()["name"] == "Block 1"
    assert (await intake.delete(url)).status_code == 204
    assert (await intake.get(url)).status_code == 404


async def test_one_phone_written_two_ways_is_one_customer(intake, namespace):
    first = {"tenant_id": namespace, "phone": "+8613900000000", "name": "Wang"}
    created = (await intake.post("/customers", json=first)).json()
    assert created["phone"] == "+8613900000000"
    imported = await intake.post(
        "/customers/import",
        json={"tenant_id": namespace, "contacts": [{"phone": "+86 139-0000-0000", "name": "W"}]},
    )
    assert imported.json() == {"accounts": 0, "contacts_created": 0, "contacts_updated": 1}
    listed = (await intake.get(f"/tenants/{namespace}/customers")).json()
    assert [(c["customer_id"], c["phone"]) for c in listed] == [
        (created["customer_id"], "+8613900000000")
    ]


async def test_a_directory_of_an_unknown_tenant_is_refused(intake):
    body = {"tenant_id": "never-provisioned", "email": "li@example.cn"}
    refused = await intake.post("/customers", json=body)
    assert refused.status_code == 422
    assert [d["field"] for d in refused.json()["detail"]] == ["tenant_id"]
    account = await intake.put("/tenants/never-provisioned/accounts/a-1", json={"name": "A"})
    assert account.status_code == 422
