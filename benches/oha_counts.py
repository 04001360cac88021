"""Outcome counts of an oha JSON report; used by benches/http_load.sh and reliability/soak.sh."""


def counts(report):
    """(2xx responses, other statuses, requests cut at the deadline, other errors, errors by kind).

    Requests still in flight at the deadline are cut by oha, not failed by the server, so they
    are counted apart from the errors.
    """
    codes = report.get("statusCodeDistribution") or {}
    errors = report.get("errorDistribution") or {}
    ok = sum(n for c, n in codes.items() if c.startswith("2"))
    non2xx = sum(n for c, n in codes.items() if not c.startswith("2"))
    cut = sum(n for e, n in errors.items() if "deadline" in e)
    return ok, non2xx, cut, sum(errors.values()) - cut, errors


def milliseconds(seconds):
    """A latency for a table; oha reports none when every request failed."""
    return "-" if seconds is None else f"{seconds * 1000:.2f}"
