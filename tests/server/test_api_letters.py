"""The letters API on the real server: a person reads their letters with every version, proofreads one and
decides on each suggestion, fetches it written by hand; another person sees none of it."""

from __future__ import annotations

import httpx
from pypdf import PdfReader

from os1.letters import clients, service

SLIPS = "Dear Chris,\n\nI beleive the lake was the the best week of our year.\n\nRegards,\nLewman"


async def test_letters_proofread_and_handwritten_over_http(server, sign_in, tmp_path) -> None:
    base_url, hub, _ = server
    alice = await sign_in("alice")
    bob = await sign_in("bob")
    store = hub.runtime.store
    person = await store.user("alice")
    lewman = await clients.add(store, person, "Lewman", "Chris")
    await clients.tell(store, person, lewman, "They met at a dance in 1974.")
    letter = await service.add_written(store, person, SLIPS, "Lewman", "Chris", lewman)
    async with httpx.AsyncClient(base_url=base_url) as client:
        listed = (await client.get("/api/letters", headers=alice)).json()["letters"]
        assert [x["id"] for x in listed] == [letter.id] and listed[0]["title"] == "To Chris, from Lewman"
        known = (await client.get("/api/letters/clients", headers=alice)).json()["clients"]
        assert known[0]["name"] == "Lewman" and known[0]["notes"][0]["text"] == "They met at a dance in 1974."

        found = (await client.post(f"/api/letters/{letter.id}/proofread", headers=alice)).json()["suggestions"]
        by = {s["original"]: s for s in found}
        assert by["beleive"]["kind"] == "spelling" and by["beleive"]["replacement"] == "believe"
        assert {"the the", "Regards,"} <= by.keys()
        done = (await client.post(f"/api/letters/suggestions/{by['beleive']['id']}", json={"accept": True},
                                  headers=alice)).json()
        assert done["suggestion"]["status"] == "accepted" and done["letter"]["version"] == 2
        assert "I believe the lake" in done["letter"]["text"]
        kept = (await client.post(f"/api/letters/suggestions/{by['Regards,']['id']}", json={"accept": False},
                                  headers=alice)).json()
        assert kept["suggestion"]["status"] == "rejected" and "Regards," in kept["letter"]["text"]
        again = await client.post(f"/api/letters/suggestions/{by['Regards,']['id']}", json={"accept": True},
                                  headers=alice)
        assert again.status_code == 409

        whole = (await client.get(f"/api/letters/{letter.id}", headers=alice)).json()
        assert [v["number"] for v in whole["versions"]] == [1, 2] and whole["versions"][0]["text"] == SLIPS
        assert {s["status"] for s in whole["suggestions"]} == {"open", "accepted", "rejected"}

        pdf = await client.get(f"/api/letters/{letter.id}/handwritten", params={"hand": "dkg"}, headers=alice)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        (tmp_path / "l.pdf").write_bytes(pdf.content)
        assert "I believe the lake" in " ".join(PdfReader(str(tmp_path / "l.pdf")).pages[0].extract_text().split())
        png = await client.get(f"/api/letters/{letter.id}/handwritten", params={"format": "png"}, headers=alice)
        assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
        assert (await client.get(f"/api/letters/{letter.id}/handwritten", params={"hand": "quill"},
                                 headers=alice)).status_code == 400

        assert (await client.get("/api/letters", headers=bob)).json()["letters"] == []
        assert (await client.get("/api/letters/clients", headers=bob)).json()["clients"] == []
        assert (await client.get(f"/api/letters/{letter.id}", headers=bob)).status_code == 404
        theirs = await client.post(f"/api/letters/suggestions/{by['the the']['id']}", json={"accept": True},
                                   headers=bob)
        assert theirs.status_code == 404
