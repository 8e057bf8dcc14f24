"""Aging buckets: the company's edges, shared by the 360, the credit rating and the snapshot."""

from dataclasses import dataclass

DEFAULT_EDGES = (30, 60, 90, 120)
MAX_EDGES = 6  # a snapshot line stores at most MAX_EDGES + 1 buckets


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    low: int | None  # first day overdue in the bucket (None: not due)
    high: int | None  # last day overdue (None: open-ended)


def buckets(edges=DEFAULT_EDGES):
    """Bucket definitions from ascending edges: not due, 1-e1, e1+1-e2, ..., over eN."""
    edges = tuple(edges)
    if not edges or any(e <= 0 for e in edges) or list(edges) != sorted(set(edges)):
        raise ValueError(f"bucket edges must be positive and ascending: {edges!r}")
    result = [Bucket("not_due", "Not due", None, 0)]
    low = 1
    for edge in edges:
        result.append(Bucket(f"d{low}_{edge}", f"{low}-{edge}", low, edge))
        low = edge + 1
    result.append(Bucket(f"over_{edges[-1]}", f"Over {edges[-1]}", low, None))
    return result


def bucket_index(days_overdue, edges=DEFAULT_EDGES):
    """0 for not due, then 1..len(edges)+1."""
    if days_overdue <= 0:
        return 0
    for index, edge in enumerate(edges, start=1):
        if days_overdue <= edge:
            return index
    return len(edges) + 1


def parse_edges(text):
    """'30,60,90,120' -> (30, 60, 90, 120), validated."""
    try:
        edges = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError as exc:
        raise ValueError(f"bucket edges must be whole days separated by commas: {text!r}") from exc
    buckets(edges)
    return edges


def lower_bounds(edges=DEFAULT_EDGES):
    """First overdue day of each overdue bucket: (30, 60) -> [1, 31, 61].

    ``width_bucket(days, lower_bounds)`` in PostgreSQL then gives the same
    index as :func:`bucket_index` (0 for not due).
    """
    return [1] + [edge + 1 for edge in edges]
