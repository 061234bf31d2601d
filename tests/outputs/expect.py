"""What the demo site must contain; the lead flips these as each branch lands on main.

While a flag is False, a page or file that is not built yet is skipped with a note; anything
that *is* built is checked either way. Once True, its absence fails the suite.
"""

# Demo posts and pages (branch `content`): an article, a category, the join page.
DEMO_CONTENT_LANDED = True
# handbill_events (branch `events`): /events/, event pages, .ics calendars.
EVENTS_LANDED = True
# handbill_signup (branch `signup`): form.join-form on the join page.
SIGNUP_LANDED = True

# The join form, as the browser tests find it. join-form is the agreed class; hb-join is what
# handbill_signup renders today. Drop the second once the template carries join-form.
JOIN_FORM = "form.join-form, form.hb-join"
