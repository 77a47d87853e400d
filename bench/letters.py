"""Letters: how long OS1 takes to write a first letter, to proofread, and to make a 30-letter book; and how well
it proofreads, on the seeded set (os1.testing.letters_seed: 48 letters with known mistakes).

1. First letter: a fresh store, a client with a few notes, the model loaded; timed from the brief to the kept
   letter (every try and check included). The letter, its words and any names cut are printed.
2. Proofread: that letter, then each of the 48 seeded letters; the time per letter, and precision and recall per
   kind of mistake (a suggestion is right when it overlaps a seeded mistake of its kind).
3. Book: 30 letters, chosen by OS1's proposal and typeset (cover, contents, a section each); its first three
   pages drawn as PNG with pdftoppm.

Run:  .venv/bin/python -m bench.letters [--model embedded] [--out DIR]   (DIR gets the letter, the proofread,
      the book and its first pages as images)
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from os1.config import load_settings
from os1.db.store import Store
from os1.letters import choose, clients, hands, handwriting, proofread, publish, review, service
from os1.models.resolve import resolve_model
from os1.testing.letters_seed import CLEAN, score, seeded

NOW = datetime(2026, 11, 20, 14, 3, tzinfo=timezone(timedelta(hours=1), "CET"))
BRIEF = "Write a birthday letter to Chris from his wife Lewman, about their trip to the lake"
NOTES = ("Lewman has been married to Chris for fifty years.\n\nThey met at a dance in 1974, and Chris stepped on "
         "her toes twice.\n\nEvery summer they go to the lake, where Chris paddles their blue canoe past the reeds."
         "\n\nChris snores, and Lewman teases him about it.")


async def run(model_spec: str, out: Path) -> None:
    settings = load_settings().with_overrides(model=model_spec)
    work = Path(tempfile.mkdtemp(prefix="os1-letters-bench-"))
    store = await Store.open(work / "os1.db")
    try:
        person = await store.user("theodore")
        lewman = await clients.add(store, person, "Lewman", "Chris, her husband")
        await clients.tell(store, person, lewman, NOTES)

        model = resolve_model(settings.model, settings)
        started = time.perf_counter()
        await model.load()
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        drafted = await service.write(store, person, model, BRIEF, "Lewman")
        first = time.perf_counter() - started
        await model.close()
        letter = drafted.letter
        print(f"model {model.name}: loaded in {loaded:.1f} s")
        print(f"first letter: {first:.1f} s, {drafted.written.tries} tr{'y' if drafted.written.tries == 1 else 'ies'}, "
              f"{letter.words} words, names cut: {drafted.written.invented or 'none'}")
        print(letter.text)
        (out / "letter.txt").write_text(letter.text + "\n", "utf-8")

        started = time.perf_counter()
        tracked = await review.proofread_letter(store, person, letter)
        once = time.perf_counter() - started
        listing = "\n".join(f"[{t.id}] {t.suggestion.kind}: “{t.suggestion.original}” → “{t.suggestion.replacement}”"
                            f" — {t.suggestion.message}" for t in tracked) or "(no suggestions)"
        print(f"\nproofread of that letter: {once * 1000:.0f} ms, {len(tracked)} suggestions\n{listing}")
        (out / "proofread.txt").write_text(listing + "\n", "utf-8")

        letters = seeded()
        times = []
        for s in letters:
            started = time.perf_counter()
            proofread.check(s.text)
            times.append(time.perf_counter() - started)
        print(f"\nseeded set: {len(letters)} letters, {sum(len(s.mistakes) for s in letters)} mistakes; proofread "
              f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms per letter")
        print(f"{'kind':<10}{'mistakes':>9}{'found':>7}{'precision':>11}{'recall':>8}")
        for sc in score(letters, lambda t: [(x.kind, x.start, x.end) for x in proofread.check(t)]):
            print(f"{sc.kind:<10}{sc.mistakes:>9}{sc.found:>7}{sc.precision:>11.3f}{sc.recall:>8.3f}")
        clean_flags = sum(len(proofread.check(c)) for c in CLEAN)
        print(f"suggestions on the {len(CLEAN)} clean letters: {clean_flags}")

        for n in range(29):
            base = CLEAN[n % len(CLEAN)]
            lines = base.splitlines()
            await service.add_written(store, person, base, lines[-1], lines[0][5:].rstrip(","))
        started = time.perf_counter()
        picks = await choose.propose(store, person, 30)
        await choose.keep(store, person, choose.Selection(choose.TITLE, "Theodore Twombly",
                                                          [p.letter.id for p in picks]))
        pdf, pages, _ = await publish.make(store, person, work, NOW, out=out / "book.pdf")
        book = time.perf_counter() - started
        images = handwriting.png_files(pdf, dpi=60, last=3)
        print(f"\n30-letter book: {book:.2f} s (proposal and typesetting), {pages} pages, {pdf}")
        print("first pages: " + ", ".join(str(p) for p in images))
        page = handwriting.pdf_file(letter.text, letter.sender, letter.recipient, hands.hand(None), NOW.date(),
                                    out / "letter.pdf")
        print("the letter by hand: " + ", ".join(str(p) for p in [page, *handwriting.png_files(page, dpi=80)]))
    finally:
        await store.close()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--out", type=Path, default=Path("letters-bench"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(run(args.model, args.out))


if __name__ == "__main__":
    main()
