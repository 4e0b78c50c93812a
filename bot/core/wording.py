"""What the bot says in its own words: help, declines, refusals, and the lines around quotes."""

from __future__ import annotations

HELP = (
    "I answer questions about the Trust's Social Media Policy, quoting the policy itself. "
    "Ask in your own words, for example:\n"
    "• can I accept a friend request from a parent?\n"
    "• someone left a nasty comment on our PE twitter, what now?\n"
    "• can I post photos from sports day on my own Instagram?\n"
    "To propose a new official academy account, say 'new account'; 'my cases' shows yours "
    "and anything waiting for you. Every button can be typed: 'confirm SMA-0001', "
    "'approve SMA-0001', 'reject SMA-0001 because …', 'request changes to SMA-0001: …', "
    "'remind SMA-0001', 'withdraw SMA-0001', 'continue Draft 3'.\n"
    "Running an academy account? 'log a comment on @handle: …' starts the reply clock, "
    "'my comments' shows the comments waiting for you, 'responded to comment #3' (the "
    "Responded button) marks one answered, and 'handover' hands it over when you leave "
    "('handover help' lists the handover commands).\n"
    "The annual policy reminder: 'I have read the policy'; headteachers and managers can say "
    "'send it to all staff' or 'I have reminded staff'.\n"
    "When I ask a yes/no question, type 'yes' or 'no' instead of tapping.\n"
    "If something suggests a child may be at risk, I will point you to your Designated "
    "Safeguarding Officer first."
)
GREETING = "Hello{name}! I'm policybot. Ask me anything about the Social Media Policy."
THANKS = "You're welcome. Ask again any time."
DECLINE_UNNOTED = (
    "Sorry, I can't find anything in the Social Media Policy that answers that, so I won't guess. "
    "The policy covers staff use of social media: personal accounts, academy accounts, contact "
    "with pupils and parents, images, and what happens when things go wrong. For anything else, "
    "ask your line manager or HR."
)
"""The decline where nothing is recorded (`policybot ask`)."""
DECLINE = f"{DECLINE_UNNOTED} I've noted the question so HR can see what staff need."
SECRET_REFUSED = (
    "That looks like {secret}, so I have not saved it anywhere. Never share credentials in "
    "chat: give them to the Trust IT Team directly{it}. Please send it again without it."
)
CREDENTIALS_REFUSED = (
    "I can't give out passwords, login details or codes, or say who has access to an account. "
    "Never share credentials in chat: the Trust IT Team looks after access, so ask them "
    "directly{it}."
)
POLICY_LINK_TEXT = "You can read the full Social Media Policy here: {url}"
WRITING_REFUSED = (
    "I can't write posts, captions or jokes: I answer questions about the Social Media Policy "
    "by quoting it. Ask me, for example, whether a post may show pupils' photos, or how soon "
    "comments on an academy account must be answered."
)
UNSURE = "I'm not sure which part of the policy you mean. Did you mean one of these?"
NOT_FOLLOWED = (
    "Sorry, I didn't follow that. Ask me about the Social Media Policy in your own words, or "
    "type 'help' to see what I can do."
)
PART = "You asked: “{question}”"
PART_DECLINED = (
    "Sorry, I can't find anything in the Social Media Policy that answers that part, so I won't "
    "guess. I've noted it so HR can see what staff need."
)
DID_YOU_MEAN = "Or did you mean: {title}?"
BESIDE_SAFEGUARDING = "On what you asked, the policy says:"
FEEDBACK_THANKS = {
    True: "Thanks, glad it helped.",
    False: "Thanks for telling me. HR reviews answers marked not helpful to improve them.",
}
