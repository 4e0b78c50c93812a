"""Where one message holds two questions, and where it does not."""

from __future__ import annotations

import pytest

from bot.core.splitting import split_questions


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "can I friend a parent on fb? and what about posting sports day pics on my insta",
            ["can I friend a parent on fb?", "what about posting sports day pics on my insta"],
        ),
        (
            "can i dm a pupil. also, what about tagging staff in posts",
            ["can i dm a pupil.", "what about tagging staff in posts"],
        ),
        (
            "can I post class photos on my insta and also can I follow parents back",
            ["can I post class photos on my insta", "can I follow parents back"],
        ),
        (
            "Can I post the match photos. Who do I hand the account to when I leave?",
            ["Can I post the match photos.", "Who do I hand the account to when I leave?"],
        ),
        (
            "can I friend a parent? another thing: when is the next inset day",
            ["can I friend a parent?", "when is the next inset day"],
        ),
        (
            "how fast do we reply to comments on the school page and how many people must run it",
            ["how fast do we reply to comments on the school page", "how many people must run it"],
        ),
        (
            "two things: can I join a campaign group, and can I tweet about the election?",
            ["can I join a campaign group", "can I tweet about the election?"],
        ),
        (
            "q1 who decides if a post broke the rules q2 do i have to cooperate",
            ["who decides if a post broke the rules", "do i have to cooperate"],
        ),
        (
            "1) can I friend a parent 2) can I post pics of my class",
            ["can I friend a parent", "can I post pics of my class"],
        ),
        (
            "if a teacher bullies me online how do I report it - and what if it's a parent?",
            ["if a teacher bullies me online how do I report it", "what if it's a parent?"],
        ),
        (
            "can I post photos of the match. Also can I tag the parents in them?",
            ["can I post photos of the match.", "can I tag the parents in them?"],
        ),
        (
            "can I add parents on fb; who approves a new account",
            ["can I add parents on fb", "who approves a new account"],
        ),
        (
            "can I add parents on fb\nwho approves a new account",
            ["can I add parents on fb", "who approves a new account"],
        ),
        (
            "can I put the match video on my insta; if not, where does it go?",
            ["can I put the match video on my insta", "if not, where does it go?"],
        ),
        (
            "a parent emailed me, what should I do - and while I'm asking, can I dm pupils?",
            ["a parent emailed me, what should I do", "can I dm pupils?"],
        ),
        (
            "who checks the school page + do we have to reply to every comment",
            ["who checks the school page", "do we have to reply to every comment"],
        ),
        (
            "rules on logos for the PE account; also do we need a disclaimer",
            ["rules on logos for the PE account", "do we need a disclaimer"],
        ),
        (
            "can I tweet about strikes and separately is it ok to like union posts",
            ["can I tweet about strikes", "is it ok to like union posts"],
        ),
        # A turn to a new topic after a question asks about it, even as a plain statement.
        (
            "can I like the PTA's posts? ps a parent from my old school wants to add me",
            ["can I like the PTA's posts?", "a parent from my old school wants to add me"],
        ),
        (
            "do I have to reply to every comment?\nbtw my neighbour's kid is in my class",
            ["do I have to reply to every comment?", "my neighbour's kid is in my class"],
        ),
        (
            "who approves a new dept page? separate q - the old login is on a post-it",
            ["who approves a new dept page?", "the old login is on a post-it"],
        ),
        (
            "can I blog about teaching? 2nd q, my profile photo has the school crest",
            ["can I blog about teaching?", "my profile photo has the school crest"],
        ),
        (
            "can I post a photo of my tutor group. Also my bio says where I work",
            ["can I post a photo of my tutor group.", "my bio says where I work"],
        ),
        (
            "can I vlog at home? Plus she's a parent here, does that matter",
            ["can I vlog at home?", "she's a parent here, does that matter"],
        ),
        (
            "Quick one from the office: is there a deadline for replies, and does IT check our"
            " accounts?",
            [
                "Quick one from the office: is there a deadline for replies",
                "does IT check our accounts?",
            ],
        ),
        (
            "two q's - does this apply to governors, and who do i go to if a post worries me",
            ["does this apply to governors", "who do i go to if a post worries me"],
        ),
        (
            "Two quick ones - do the rules apply to my own accounts, and will my privacy settings"
            " protect me?",
            ["do the rules apply to my own accounts", "will my privacy settings protect me?"],
        ),
        # Announced questions: every piece after a boundary is one, whoever asks it.
        (
            "my colleague has two questions - can she block a parent on her own insta, and"
            " should she delete rude comments on the school page",
            [
                "my colleague has two questions - can she block a parent on her own insta",
                "should she delete rude comments on the school page",
            ],
        ),
        (
            "quick q x2 - if a reporter messages the school page who replies, and can we name"
            " pupils in captions",
            [
                "if a reporter messages the school page who replies",
                "can we name pupils in captions",
            ],
        ),
        (
            "Morning. Two points please: (a) whether I may use film music in a lesson video,"
            " and (b) whether the policy covers podcasts",
            [
                "Morning. Two points please: (a) whether I may use film music in a lesson video",
                "whether the policy covers podcasts",
            ],
        ),
        (
            "Head of year here - 1) can my tutors post class photos on their own pages, 2) who"
            " checks the year group account",
            [
                "Head of year here - 1) can my tutors post class photos on their own pages",
                "who checks the year group account",
            ],
        ),
        # A question after a sentence of setting is still one of its own.
        (
            "Office manager here. What does the IT team do under this policy, and what do"
            " governors have to do?",
            [
                "Office manager here. What does the IT team do under this policy",
                "what do governors have to do?",
            ],
        ),
        (
            "If I get this wrong, what could happen to me - and who decides if it was wrong?",
            ["If I get this wrong, what could happen to me", "who decides if it was wrong?"],
        ),
        (
            "what goes in the proposal for a new account, and once it's live how often do we"
            " check it",
            [
                "what goes in the proposal for a new account",
                "once it's live how often do we check it",
            ],
        ),
        (
            "can I tag colleagues in my photos also can kids in the background be left in",
            ["can I tag colleagues in my photos", "can kids in the background be left in"],
        ),
        # Two questions typed in a row with nothing between them.
        (
            "can I give the netball squad my number for fixtures can I text them the times",
            ["can I give the netball squad my number for fixtures", "can I text them the times"],
        ),
        (
            "does the school keep the login for the chess club page what if a parent asks for"
            " a photo to come down",
            [
                "does the school keep the login for the chess club page",
                "what if a parent asks for a photo to come down",
            ],
        ),
        (
            # A question after its setting and a comma is a question, not the next one's setting.
            "For the new chess club page, does the proposal need to say who it's for, and what"
            " happens once we hand it in?",
            [
                "For the new chess club page, does the proposal need to say who it's for",
                "what happens once we hand it in?",
            ],
        ),
        (
            "do I have to write a business case for a club page and can SLT turn it down",
            ["do I have to write a business case for a club page", "can SLT turn it down"],
        ),
    ],
)
def test_clear_boundaries_split(text: str, parts: list[str]) -> None:
    assert split_questions(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "can I post photos of the match, or only the school account can?",
        "if a parent sends me a friend request on facebook, can I accept it?",
        "Can I friend a parent? Thanks!",
        "my colleague posts about work on facebook. she names pupils.",
        "I'm a TA and my niece is in my class. Can I follow her mum on Instagram?",
        "is it ok to post sports day pics? the parents gave consent.",
        "if a parent comments and does not get a reply, what happens?",
        "when and how should I reply to a parent's comment?",
        "a parent sent me a request and I accepted it, was that ok?",
        "can I share a post by the PTA & tag the school?",
        "can we ban someone who keeps posting rude comments on are school page?",
        "what are the rules on tagging colleagues in photos?",
        # Narrative before the question, however it reads, is its setting.
        "a pupil messaged me, sweet message it was, isn't it. Can I answer it on there?",
        "the old admin left and never passed anything on. What happens to the account now?",
        "she also sent me a friend request last week. Is it ok to accept?",
        # A question asked inside another is not a second one.
        "how many photos of the kids can I post on the page",
        "is it ok for me to post pictures of my class that the parents can see",
        "do you know if we can put the names of kids on the page",
        "what do I do if a parent I follow can see my posts about work",
    ],
)
def test_one_question_stays_whole(text: str) -> None:
    assert split_questions(text) == [text]
