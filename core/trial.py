"""Check before confirming: run the real service, then undo it.

A confirmation is asked only after the server has checked (issue 13): the first click runs the very
service the confirmed click will run, inside a transaction that is always rolled back, so every refusal
(validation, a newer version, a limit) shows before anything is saved, versioned or logged.
"""

from django.db import transaction


def rolled_back(action):
    """``action()``'s result, with everything it wrote undone; its exceptions propagate.

    Read what you need from the result inside ``action``: the rows it wrote are gone afterwards.
    """
    with transaction.atomic():
        result = action()
        transaction.set_rollback(True)
    return result
