"""How the pages, exports and admin lists name a person."""


def person(user) -> str:
    """Who did something, as people know them: the account's name (市财政局, 盐湖区填报员), else its login.
    Reads only the user row, so lists stay within their query budgets."""
    if user is None:
        return "—"
    return (user.get_full_name() or "").strip() or user.get_username()
