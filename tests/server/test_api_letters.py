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


LAKE = ("Dear Chris,\n\nHappy birthday, my love. Fifty years since that dance in 1974, when you stepped on my toes "
        "twice and I laughed so hard I forgot to be embarrassed.\n\nThis summer at the lake you paddled our blue "
        "canoe past the reeds, and I sat on the dock and watched the water close behind you. " * 3
        + "\n\nWith all my love,\nLewman")


async def test_a_desk_over_http_clients_a_letter_from_a_brief_its_revision_and_the_book(server, sign_in) -> None:
    base_url, hub, scripted = server
    alice, bob = await sign_in("alice"), await sign_in("bob")
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        made = await client.post("/api/letters/clients", headers=alice,
                                 json={"name": "Lewman", "writes_to": "Chris, her husband"})
        assert made.status_code == 201
        lewman = made.json()["id"]
        told = await client.post(f"/api/letters/clients/{lewman}/notes", headers=alice,
                                 json={"text": "They met at a dance in 1974. Every summer they take the blue canoe "
                                               "out on the lake."})
        notes = told.json()["notes"]
        assert " ".join(n["text"] for n in notes) == ("They met at a dance in 1974. Every summer they take the "
                                                      "blue canoe out on the lake.")
        assert (await client.get("/api/letters/clients", headers=bob)).json() == {"clients": []}
        assert (await client.post(f"/api/letters/clients/{lewman}/notes", headers=bob,
                                  json={"text": "x"})).status_code == 404

        scripted.enqueue(LAKE)
        written = await client.post("/api/letters", headers=alice, json={
            "brief": "A birthday letter to Chris from his wife Lewman, about the lake", "client": "Lewman"})
        assert written.status_code == 201, written.text
        letter = written.json()
        assert letter["text"].startswith("Dear Chris,") and letter["client_id"] == lewman and letter["version"] == 1
        assert "1974" in scripted.prompts[-1][-1]["content"] or any("1974" in m["content"]
                                                                     for m in scripted.prompts[-1])
        scripted.enqueue(LAKE.replace("Happy birthday, my love.", "Happy birthday, my darling."))
        revised = (await client.post(f"/api/letters/{letter['id']}/revise", headers=alice,
                                     json={"instruction": "warmer"})).json()
        assert revised["version"] == 2 and "my darling" in revised["text"]
        assert (await client.post("/api/letters", headers=alice, json={"brief": " "})).status_code == 422
        unclear = await client.post("/api/letters", headers=alice, json={"brief": "something nice"})
        assert unclear.status_code == 422 and "Who is the letter to?" in unclear.json()["error"]["message"]

        own = (await client.post("/api/letters/own", headers=alice, json={
            "text": "Dear Mum,\n\nThe lemons are ripe.\n\nLove,\nAlice", "sender": "Alice", "recipient": "Mum"})).json()
        book = (await client.get("/api/letters/book", headers=alice)).json()
        assert book["letters"] == [] and {p["id"] for p in book["proposal"]} == {letter["id"], own["id"]}
        assert all(p["reasons"] for p in book["proposal"])
        assert (await client.get("/api/letters/book/pdf", headers=alice)).status_code == 409  # nothing chosen
        chosen = await client.put("/api/letters/book", headers=alice, json={
            "title": "Letters From Your Life", "author": "Alice", "letter_ids": [own["id"], letter["id"]]})
        assert [x["id"] for x in chosen.json()["letters"]] == [own["id"], letter["id"]]
        assert (await client.put("/api/letters/book", headers=bob, json={
            "title": "Mine", "author": "Bob", "letter_ids": [own["id"]]})).status_code == 404
        pdf = await client.get("/api/letters/book/pdf", headers=alice)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

        gone = (await client.delete(f"/api/letters/clients/{lewman}", headers=alice)).json()
        assert gone == {"forgotten": lewman, "letters": 1}
        assert [x["id"] for x in (await client.get("/api/letters", headers=alice)).json()["letters"]] == [own["id"]]
