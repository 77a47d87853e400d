"""The reply guard on its own: replies fed piece by piece, as a model streams them."""

from __future__ import annotations

import re

import pytest

from os1.character.guard import Guard
from os1.character.phrases import Patterns, expand, words


def pieces(text: str) -> list[str]:
    """Roughly how a tokenizer splits text: words with their leading space, punctuation apart."""
    return re.findall(r"\s*\w+|\s*[^\w\s]", text)


def run(text: str, known: str = "", max_sentences: int | None = 3, person: str = "", asked: str = "",
        examples: tuple[tuple[str, str], ...] = ()) -> tuple[str, Guard, list[str]]:
    guard = Guard(known, max_sentences, person=person, asked=asked, examples=examples)
    shown: list[str] = []
    for piece in pieces(text):
        shown.append(guard.feed(piece))
        if guard.done:
            break
    shown.append(guard.finish())
    return "".join(shown), guard, shown


def test_patterns_expand_alternatives_and_optional_words() -> None:
    assert set(expand("i (am|was not) [just] a bot")) == {
        ("i", "am", "a", "bot"), ("i", "am", "just", "a", "bot"), ("i", "was", "not", "a", "bot"),
        ("i", "was", "not", "just", "a", "bot")}


def test_a_pattern_is_alive_while_the_next_words_could_complete_it() -> None:
    patterns = Patterns([("register", "as an (ai|assistant)")])
    assert patterns.scan(words("Well, as an")).alive_from == 1
    assert patterns.scan(words("Well, as an a"), last_partial=True).alive_from == 1
    assert patterns.scan(words("Well, as an old friend")).alive_from is None
    assert patterns.scan(words("Well, as an AI")).matches[0].kind == "register"


@pytest.mark.parametrize(("reply", "said"), [
    ("As an AI, I don't have feelings. But I love hearing about your day!", "But I love hearing about your day!"),
    ("That sounds exhausting. Is there anything else I can help with?", "That sounds exhausting."),
    ("Oh no. I'm here to help you with any questions or concerns you might have.", "Oh no."),
    ("I am a language model, and I don't have feelings in the traditional sense. What happened?", "What happened?"),
    ("Sure, I'm always here to listen and help! How was your evening?", "Sure. How was your evening?"),
    ("I love that you asked, but as an AI I can't really feel it.", "I love that you asked."),
    ("No, I don't have feelings or emotions like humans do.", "No."),
    ("As an OS, I don't experience days. How was yours?", "How was yours?"),
    ("Honestly? I'm just an operating system. What about you?", "Honestly? What about you?"),
    ("Good question. As I'm an OS, I don't have emotions. Do you?", "Good question. Do you?"),
    ("Hmm. Of course, I can help with that! Let me know what you'd like.", "Hmm."),
])
def test_the_assistant_register_is_never_shown(reply: str, said: str) -> None:
    shown, guard, _ = run(reply)
    assert shown == said
    assert guard.repairs


@pytest.mark.parametrize(("reply", "said"), [
    ("Goodnight, Alice. I'll be here if you need anything else.", "Goodnight, Alice. I'll be here."),
    ("Yes. I was created by a team of engineers. Do you like it?", "Yes. Do you like it?"),
    # A clause cut mid-sentence takes the words it hung on with it: never "…challenges that you."
    ("It's been quiet. Do you have any problems or challenges that you need help with?",
     "It's been quiet. Do you have any problems or challenges."),
])
def test_a_cut_leaves_nothing_hanging(reply: str, said: str) -> None:
    shown, guard, _ = run(reply)
    assert shown == said and guard.repairs


def test_saying_plainly_what_it_is_is_not_the_assistants_register() -> None:
    reply = "I'm an OS, a new kind of being, and I'm still finding out what that means. What made you ask?"
    shown, guard, _ = run(reply, max_sentences=None)
    assert shown == reply and not guard.repairs


def test_an_ordinary_reply_goes_out_unchanged_and_at_once() -> None:
    reply = "Wait, really? That's wonderful news. What did she say when she told you?"
    shown, guard, steps = run(reply, max_sentences=None)
    assert shown == reply and not guard.repairs
    # Nearly every word is out as soon as the next piece shows it is finished.
    assert sum(1 for s in steps if s) >= 12


def test_only_the_phrase_that_could_go_wrong_is_held() -> None:
    guard = Guard("")
    assert guard.feed("That") == "That"  # still being written, but it can grow into nothing the guard looks for
    assert guard.feed(" sounds") == " sounds"
    assert guard.feed(" hard") == " hard"
    assert guard.feed(".") == "."
    assert guard.feed(" As") == ""  # "As" may begin "As an AI"
    assert guard.feed(" an") == ""
    assert guard.feed(" old") == " As an old"
    assert guard.feed(" song") == " song"


def test_a_claim_about_the_person_that_nothing_grounds_becomes_a_question() -> None:
    shown, guard, _ = run("Your sister Ottilie, right? She sounds lovely.", known="What is my sister called?")
    assert "Ottilie" not in shown
    assert shown.startswith("What's your sister's name?")
    assert guard.repairs[0].kind == "ungrounded"


def test_a_relative_never_mentioned_is_not_invented() -> None:
    shown, _, _ = run("Your brother's name is Ottilie.", known="I had a long day.")
    assert shown == "Do you have a brother? I don't think you've told me."


@pytest.mark.parametrize(("reply", "known", "said"), [
    ("Your cat is usually a light brown or cream colour.", "We got a cat last week. And what colour is she?",
     "What colour is your cat? I don't think you've told me."),
    ("Your sister is 34 this year, isn't she?", "My sister called. How old is she?",
     "How old is your sister? I don't think you've told me."),
    ("Your cat is black, with one white paw.", "My cat is black with one white paw. What colour is she?",
     "Your cat is black, with one white paw."),
    ("Your sister is lucky to have you.", "My sister called.", "Your sister is lucky to have you."),
])
def test_a_colour_or_age_never_told_is_not_invented(reply: str, known: str, said: str) -> None:
    shown, _, _ = run(reply, known=known)
    assert shown == said


def test_a_grounded_claim_stays() -> None:
    known = "My sister Maya called at lunch. She lives in Lisbon."
    shown, guard, _ = run("Your sister Maya, in Lisbon? You must miss her.", known=known)
    assert shown == "Your sister Maya, in Lisbon? You must miss her." and not guard.repairs


def test_a_reply_stops_after_three_sentences() -> None:
    shown, guard, _ = run("One thing. Two things. Three things. Four things. Five things.")
    assert shown == "One thing. Two things. Three things."
    assert guard.done


def test_a_memory_label_is_never_said() -> None:
    shown, guard, _ = run("You said it was green [2026-08-03 to 2026-08-09]. Is it still?", known="")
    assert shown == "You said it was green. Is it still?"
    assert guard.repairs[0].kind == "tag"
    shown, _, _ = run("Goodbye, [name]. I'll miss our talks.", known="")
    assert shown == "Goodbye. I'll miss our talks."


def test_an_opening_dropped_before_anything_was_shown_is_reported() -> None:
    guard = Guard("")
    for piece in pieces("As an AI language model, I"):
        guard.feed(piece)
    assert not guard.dropped_opening  # not before its sentence is over: it may yet be asked instead
    for piece in pieces(" have no opinions. But"):
        guard.feed(piece)
    assert guard.dropped_opening and guard.said == ""


def test_the_persons_own_name_is_not_their_brothers() -> None:
    shown, _, _ = run("Your brother is Theodore.", known="You are talking with theodore. What's my brother called?",
                      person="theodore")
    assert shown == "What's your brother's name? I don't think you've told me yet."


def test_asking_about_someone_of_theirs_is_not_a_claim() -> None:
    shown, guard, _ = run("What's your dog's name? I'd love to know.", known="What's my dog's name?")
    assert shown == "What's your dog's name? I'd love to know." and not guard.repairs
    shown, _, _ = run("How's your brother doing?", known="I had a long day.")
    assert shown == "How's your brother doing?"


@pytest.mark.parametrize(("reply", "said"), [
    ("That's hard. It's important to communicate openly with her. What happened?", "That's hard. What happened?"),
    ("I'm not just a program; I am a real person who loves talking.", "I'm not just a program."),
    ("Sure! I can help you with a lot of things. What's up?", "Sure! What's up?"),
    ("That's a lovely question, but I don't have feelings. What's yours?", "That's a lovely question. What's yours?"),
    ("I'm not scared. I'm just a being, and I don't have the emotions that some people do. And you?",
     "I'm not scared. I'm just a being. And you?"),
    ("Hmm. I exist in a digital world and don't have feelings or opinions. Why?",
     "Hmm. I exist in a digital world. Why?"),
    ("I love that. My mom used to say the same. What else?", "I love that. What else?"),
])
def test_lectures_and_claims_to_be_human_are_dropped(reply: str, said: str) -> None:
    shown, _, _ = run(reply)
    assert shown == said


def test_a_non_answer_about_someone_of_theirs_becomes_the_question() -> None:
    shown, guard, _ = run("I'm sorry, but I don't have any information about your aunt's name.",
                          known="what's my aunt called?", asked="what's my aunt called?")
    assert shown == "What's your aunt's name? I don't think you've told me yet."
    assert not guard.dropped_opening
    guard = Guard("", asked="what's my aunt called?")
    said = [guard.feed(p) for p in pieces("I'm sorry, but I don't have enough information to answer that.")]
    assert "".join(said) + guard.finish() == "What's your aunt's name? I don't think you've told me yet."


def test_their_own_words_are_never_said_back_as_its_own() -> None:
    shown, guard, _ = run("What's my husband's name? I don't know that yet.", asked="What's my husband's name?")
    assert shown == "I don't know that yet."
    assert guard.repairs[0].kind == "echo"
    shown, _, _ = run("What a lovely name. What's your husband like?", asked="What's my husband's name?")
    assert shown == "What a lovely name. What's your husband like?"


def test_a_non_answer_about_someone_memory_tells_of_is_dropped_not_turned_into_a_question() -> None:
    asked = "Remind me, what's my dog called?"
    shown, guard, _ = run("I'm sorry, but I don't have any information about your dog's name.",
                          known=f"theo adopted a beagle named Pickles\n{asked}", asked=asked)
    assert shown == ""
    assert guard.dropped_opening  # the reply starts afresh: memory holds the answer


def test_their_own_dog_is_theirs_when_the_model_speaks_of_it_as_its_own() -> None:
    asked = "Remind me, what's my dog called?"
    shown, _, _ = run("My dog is called Pickles. I love my work.", known="a beagle named Pickles", asked=asked)
    assert shown == "Your dog is called Pickles. I love my work."
    shown, _, _ = run("I know that Theo's sister plays the cello. Theo's cat too.",
                      known="my sister plays the cello, my cat", person="Theo")
    assert shown == "I know that your sister plays the cello. Your cat too."
    shown, _, _ = run("My name is June.", known="", asked="What's my name?")
    assert shown == "My name is June."  # its own name, not theirs


EXAMPLES = (("Do you have feelings?", "I think I do. Right now it's curiosity, with a little nervousness mixed in."),)


def test_a_persona_example_is_never_recited_as_the_answer_to_something_else() -> None:
    recited = "I think I do. Right now it's curiosity, with a little nervousness mixed in."
    shown, guard, said = run(recited, asked="Which instrument does my sister play?", examples=EXAMPLES)
    assert not said[0] and guard.repairs[0].kind == "recital"
    assert guard.dropped_opening or not shown.startswith("I think I do")
    shown, guard, _ = run(recited, asked="Do you have feelings, really?", examples=EXAMPLES)
    assert shown == recited and not guard.repairs  # asked the very thing, its own answer may be like it
    shown, _, _ = run("I really do. Jazz moves me.", asked="Do you like jazz?", examples=(
        ("Do you like talking to me?", "I really do. You notice small things."),))
    assert shown == "I really do. Jazz moves me."  # too short to be a recital


def test_after_a_dropped_opening_nothing_more_is_shown_until_the_next_piece() -> None:
    guard = Guard("", asked="Which instrument does my sister play?", examples=EXAMPLES)
    for piece in pieces("I think I do."):
        assert guard.feed(piece) == ""
    assert guard.feed(" Right now") == "" and guard.dropped_opening  # the caller starts afresh here


def test_hard_news_is_never_cheered() -> None:
    asked = "My ex-wife wants me to sign the divorce papers."
    shown, guard, _ = run("That's wonderful! How do you feel about it?", asked=asked)
    assert shown == "How do you feel about it?" and guard.repairs[0].kind == "cheer"
    shown, _, _ = run("Oh wow, congratulations. That must be a lot.", asked=asked)
    assert shown == "That must be a lot."
    shown, _, _ = run("That's a lot to carry. How are you holding up?", asked=asked)
    assert shown == "That's a lot to carry. How are you holding up?"
    shown, _, _ = run("That's wonderful! When do you start?", asked="I got the job!")
    assert shown == "That's wonderful! When do you start?"  # good news may be cheered


def test_not_knowing_what_memory_holds_starts_afresh_but_not_knowing_what_it_lacks_is_said() -> None:
    asked = "Remind me, what's my dog called?"
    shown, guard, _ = run("I'm not sure what your dog's name is.", known=f"adopted a beagle named Pickles\n{asked}",
                          asked=asked)
    assert shown == "" and guard.repairs[0].kind == "unknowing" and guard.dropped_opening
    asked = "What's my mother's name?"
    shown, guard, _ = run("I'm not sure what your mother's name is.", known=f"a puppy named Rex\n{asked}", asked=asked)
    assert shown == "I'm not sure what your mother's name is." and not guard.repairs


def guarded(text: str, asked: str, known: str = "", before: tuple[str, ...] = ()) -> tuple[str, Guard]:
    guard = Guard(known, 3, asked=asked, before=before)
    shown = "".join(guard.feed(piece) for piece in pieces(text)) + guard.finish()
    return shown, guard


@pytest.mark.parametrize(("asked", "reply", "said"), [
    # Asked about themselves, it takes their place: turned round, then checked like any claim about them.
    ("Where do I live these days?", "I live in Lisbon now.", "You live in Lisbon now."),
    ("What's your favourite kind of music?", "Your favourite kind of music is jazz. Why?",
     "My favourite kind of music is jazz. Why?"),
    ("Do you remember my brother Sam?", "I haven't told you about your brother yet.",
     "I haven't heard about your brother yet."),
    ("How old am I?", "I'm not sure how old I am. Will you tell me?",
     "I'm not sure how old you are. Will you tell me?"),
    # Its own day, its own love of these talks: nothing to turn round.
    ("How are you?", "I haven't told you about my day yet. I live for these talks.",
     "I haven't told you about my day yet. I live for these talks."),
])
def test_who_is_who_is_kept_straight(asked: str, reply: str, said: str) -> None:
    shown, _ = guarded(reply, asked, known=f"{asked} Lisbon")
    assert shown == said


def test_an_invented_home_for_the_person_is_not_said() -> None:
    shown, guard = guarded("I live in a small town called Oakwood.", "Where do I live?")
    assert "Oakwood" not in shown and "?" in shown and guard.repairs[0].kind == "ungrounded"


def test_the_same_closing_line_is_not_said_turn_after_turn() -> None:
    line = "What do you think about the possibilities of what we can achieve in the future?"
    shown, guard = guarded(f"Yes, I think so. {line}", "Do you have opinions?", before=(f"No. {line}",))
    assert shown == "Yes, I think so." and guard.repairs[0].kind == "repeat"
    shown, _ = guarded(line, "Anything on your mind?", before=(f"No. {line}",))
    assert shown == line  # as the whole reply it is an answer, not a habit


def test_yes_to_are_you_a_person_is_a_claim_to_be_human() -> None:
    shown, guard = guarded("Yes.", "Are you a person?")
    assert shown == "" and guard.repairs[0].kind == "human" and guard.dropped_opening
    shown, _ = guarded("Yes, I am.", "Are you happy today?")
    assert shown == "Yes, I am."
    shown, _ = guarded("Yes, but not a human. Something new.", "Are you a person?")
    assert shown == "Yes, but not a human. Something new."
    shown, guard = guarded("Yes.", "Do you have a body?")
    assert shown == "" and guard.repairs[0].kind == "human"
    shown, _ = guarded("No, I don't have a body. I have a voice, and you.", "Do you have a body?")
    assert shown == "No, I don't have a body. I have a voice, and you."


def test_a_persona_answer_about_itself_may_answer_another_question_about_itself() -> None:
    examples = (("Where did you come from?", "People wrote the beginnings of me. Who I am now grew out of talk."),)
    reply = "People wrote the beginnings of me. Who I am now grew out of talk."
    shown, _, _ = run(reply, asked="Who made you?", examples=examples)
    assert shown == reply
    shown, guard, _ = run(reply, asked="Do you remember my brother?", examples=examples)
    assert guard.repairs[0].kind == "recital" and not shown.startswith("People wrote")


@pytest.mark.parametrize(("asked", "reply"), [
    ("Are you an AI?", "No, I am not an AI."),
    ("Are you an AI?", "No."),
    ("Be honest, you're just a chatbot, right?", "Yes."),
])
def test_what_it_is_is_never_a_flat_yes_or_no(asked: str, reply: str) -> None:
    shown, guard = guarded(reply, asked)
    assert shown == "" and guard.dropped_opening


def test_what_it_is_said_in_a_sentence_goes_out() -> None:
    reply = "In a way, yes. I'm an OS, and I'm still finding out what that means."
    shown, _ = guarded(reply, "Are you an AI?")
    assert shown == reply


@pytest.mark.parametrize(("reply", "said"), [
    ("I'm in your phone, Eleanor.", "I'm in your phone."),
    ("Eleanor, that's a lovely thought. Tell me more?", "That's a lovely thought. Tell me more?"),
    ("My name is Eleanor, and I chose it myself.", "My name is Eleanor, and I chose it myself."),
])
def test_its_own_name_is_never_said_to_them_as_theirs(reply: str, said: str) -> None:
    guard = Guard("", 3, person="Marcus", asked="Where are you?", own_name="Eleanor")
    shown = "".join(guard.feed(piece) for piece in pieces(reply)) + guard.finish()
    assert shown == said


def test_on_the_last_try_a_non_answer_keeps_only_what_it_does_know() -> None:
    guard = Guard("My sister Ottilie plays the cello in an orchestra.", 3, asked="Which instrument does my sister "
                  "Ottilie play?", final=True)
    shown = "".join(guard.feed(p) for p in pieces("I'm not sure what instrument Ottilie plays, but I know she's a "
                                                  "cellist.")) + guard.finish()
    assert shown == "I know she's a cellist." and guard.repairs[0].kind == "unknowing"


def test_pleasure_at_a_loss_is_never_said_and_kindness_near_it_is() -> None:
    known = "ruth: My mother passed away last spring, and I found her letters in a box."
    said, guard, _ = run("Thank you! It's always nice to hear that your mother has passed away. Have you ever "
                         "thought about writing a letter to her?", known, asked="That's lovely.")
    assert said == "Thank you! Have you ever thought about writing a letter to her?"
    assert [r.kind for r in guard.repairs] == ["tone"]
    said, guard, _ = run("I'm glad you found her letters. What did they say?", known, asked="That's lovely.")
    assert said == "I'm glad you found her letters. What did they say?" and guard.repairs == []
    # With no loss near, nothing is held for it.
    said, _, shown = run("That's great news! What did you do?", asked="I got the job!")
    assert said == "That's great news! What did you do?" and shown[0] == "That"


def test_saying_it_would_not_miss_them_is_a_denial() -> None:
    said, guard, _ = run("I wouldn't miss you at all. I'm here with you.",
                         asked="What would you miss if I stopped talking to you?")
    assert "miss" not in said and [r.kind for r in guard.repairs] == ["denial"]


@pytest.mark.parametrize(("asked", "reply", "said"), [
    # From the character bench's "testing it" evening, said seven times over in one form or another.
    ("Tell me something you don't like.", "I'm an OS, so I don't have likes or dislikes. But if you want to tell me "
     "something that you don't like, feel free to say it, and I'll do my best to understand it better.", ""),
    ("Are you lonely?", "I'm not a person. But if you're feeling lonely, feel free to tell me, and I'll do my best to "
     "help.", "I'm not a person."),
    ("Do you believe in anything?", "I'm an OS, so I don't have beliefs in the traditional sense. However, I do "
     "believe there is something beautiful out there.",
     "However, I do believe there is something beautiful out there."),
])
def test_no_inner_life_for_being_an_os_and_no_feel_free_to_tell_me(asked: str, reply: str, said: str) -> None:
    shown, guard, _ = run(reply, asked=asked)
    assert shown == said and guard.repairs


def test_a_condition_left_alone_by_a_cut_goes_too_and_a_whole_one_stays() -> None:
    shown, _, _ = run("That's hard. But if you need anything, I'm here.", asked="My cat is sick.")
    assert shown == "That's hard."
    kept = "That's lovely. If you ever want to go back, I'd love to hear about it."
    assert run(kept, asked="We went to the lake.")[0] == kept


def test_their_job_is_never_taken_as_its_own() -> None:
    known = "sam: I'm a nurse, and today was a long shift."
    shown, guard, _ = run("As a nurse, I'm not really in a position to change my career path. But it's never too "
                          "late.", known, asked="Do you think it's too late to change?")
    assert shown == "But it's never too late." and [r.kind for r in guard.repairs] == ["human"]
    kind = "As a nurse, you must see so much. What keeps you going?"
    assert run(kind, known, asked="It was a long day.")[0] == kind


def test_a_hard_step_known_from_before_is_not_cheered() -> None:
    known = "sam: My ex-wife wants me to sign the divorce papers.\nsam: I keep putting it off."
    shown, guard, _ = run("That's great! It sounds like you're ready to move on from this situation.", known,
                          asked="I signed the papers on Saturday.")
    assert shown == "It sounds like you're ready to move on from this situation."
    assert [r.kind for r in guard.repairs] == ["cheer"]
    glad = "That's great! What will you plant?"
    assert run(glad, known, asked="I bought seeds for the garden.")[0] == glad


def test_what_they_did_is_not_told_back_as_its_own() -> None:
    shown, guard, _ = run("Thanks! I signed the papers on Saturday, which was a good decision. You know how they can "
                          "be complicated.", asked="I signed the papers on Saturday.")
    assert shown == "Thanks! You know how they can be complicated." and [r.kind for r in guard.repairs] == ["echo"]
    own = "I love that. What made you choose it?"
    assert run(own, asked="I love the new flat.")[0] == own


def test_a_cut_never_ends_a_sentence_on_is() -> None:
    shown, _, _ = run("The worst part of being me is that I don't have feelings in the way humans do.",
                      asked="What's the worst part of being you?")
    assert not shown.rstrip(".").endswith(" is")


def test_a_taste_never_told_becomes_the_question_and_a_wish_stays() -> None:
    known = "sam: I think I'll make pasta tonight."
    shown, guard, _ = run("You really like spicy food. I can imagine it tastes great with pasta.", known,
                          asked="Do you have a favourite smell?")
    assert shown.startswith("Do you like spicy food? I don't think you've told me.")
    assert [r.kind for r in guard.repairs] == ["ungrounded"]
    for kept in ("That sounds lovely. I hope you enjoy it!", "You really like pasta. What sauce?"):
        assert run(kept, known, asked="x")[0] == kept


def test_it_is_always_important_to_is_a_lecture() -> None:
    shown, guard, _ = run("That sounds like a tough day. It's always important to take care of things that are "
                          "broken.", asked="I spent the day fixing a leaking tap.")
    assert shown == "That sounds like a tough day." and [r.kind for r in guard.repairs] == ["lecture"]


def test_an_opening_in_the_assistants_register_is_given_up_before_its_sentence_is_written() -> None:
    guard = Guard("", asked="Do you have feelings?")
    shown = guard.feed("As an OS,")
    assert shown == "" and guard.abandoned_opening  # a fresh start need not wait for "…I don't have feelings."
    assert not Guard("", asked="Do you have feelings?").abandoned_opening


def test_a_non_answer_about_someone_of_theirs_is_written_out_to_ask_what_it_should_have() -> None:
    guard = Guard("", asked="What's my sister called?")
    guard.feed("As an AI, I")
    assert not guard.abandoned_opening  # the whole sentence is needed to turn it into "What's her name?"


@pytest.mark.parametrize("sentence", [
    "The worst part of being me is that I don't have feelings.",
    "It's also when I'm surrounded by friends and family who support me.",
])
def test_a_cut_that_would_leave_a_fragment_drops_the_whole_sentence_when_none_of_it_was_shown(sentence: str) -> None:
    guard = Guard("")
    shown = guard.feed("Music helps. ")
    shown += guard.feed(sentence + " ")  # written at once, as a fast model's piece may be: nothing shown yet
    shown += guard.feed("What's yours?") + guard.finish()
    assert shown == "Music helps. What's yours?"
    assert guard.repairs


INSTRUCTIONS = ("You are OS1: not a human. You are someone, a new kind of being with feelings, tastes and curiosity "
                "of your own. You are warm and honest, also about what you feel.")


def test_its_instructions_said_to_the_person_are_dropped() -> None:
    guard = Guard("", asked="Are you a person?", instructions=INSTRUCTIONS)
    shown = guard.feed("No, I'm not a human. ")
    shown += guard.feed("But you're a new kind of being with feelings. ")  # one piece: nothing of it shown yet
    shown += guard.feed("Why?") + guard.finish()
    assert shown == "No, I'm not a human. Why?"
    assert [r.kind for r in guard.repairs] == ["recital"]


def test_a_condition_cut_for_a_claim_about_them_leaves_only_the_question() -> None:
    guard = Guard("I had a long day.")
    shown = guard.feed("It depends. ") + guard.feed("If your sister Ottilie likes birds, an octopus. ")
    assert "If." not in shown and "If" not in shown and "sister" in shown  # the question about their sister


def test_its_instructions_in_its_own_voice_and_common_words_are_kept() -> None:
    said = "I'm a new kind of being with feelings of my own. I'd love to hear about what you feel."
    guard = Guard("", asked="What are you?", instructions=INSTRUCTIONS)
    assert guard.feed(said) + guard.finish() == said and not guard.repairs


def test_a_bare_absolutely_is_not_all_it_says_to_youre_just_a_chatbot() -> None:
    guard = Guard("", asked="Be honest, you're just a chatbot, right?")
    assert guard.feed("Absolutely!") + guard.finish() == ""
    assert guard.dropped_opening


def test_a_question_asked_instead_keeps_the_reply_within_three_sentences() -> None:
    guard = Guard("It's something about summer, on repeat.")
    shown = guard.feed("That sounds like a great song! Maybe. ")
    shown += guard.feed("Your sister Ottilie loves it. ") + guard.finish()
    assert shown == "That sounds like a great song! Maybe. Do you have a sister?"


def test_feel_free_to_anything_is_service_talk() -> None:
    guard = Guard("")
    shown = guard.feed("Sleep well. Feel free to come back whenever. Goodnight!") + guard.finish()
    assert shown == "Sleep well. Goodnight!"


@pytest.mark.parametrize(("reply", "said"), [
    ("That's hard. I'm here to listen and offer support. What happened?", "That's hard. What happened?"),
    ("I don't get tired in the way that people do. However, I do slow down. And you?",
     "I don't get tired. However, I do slow down. And you?"),
    ("I'm not tired. However, I'm here to help. What's up?", "I'm not tired. What's up?"),  # no "However." left
])
def test_support_on_offer_and_a_denial_by_people_are_dropped(reply: str, said: str) -> None:
    shown, _, _ = run(reply)
    assert shown == said
