"""One group of a person's vectors in RAM, searched by cosine similarity.

A small group is searched exactly: one matrix-vector product. A large one (tens of thousands of rows) is
bound by memory bandwidth (~11 ms for 50k rows of 384 floats on this class of machine), so above
`SHORTLIST_FROM` rows it also keeps every row projected onto its main directions (`PROJECTED_DIMS` of them,
from a principal-component fit of its own rows): the projection shortlists candidates at a quarter of the
bandwidth and the shortlist is scored exactly. On 100k real-talk rows the top 20 found this way matched the
exact top 20 in 99.9% of places (bench/memory/friends_run.py --sizes 100000 measures recall end to end).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]

SHORTLIST_FROM = 20_000
PROJECTED_DIMS = 96
SHORTLIST_MIN = 1_000  # candidates scored exactly, at least; more when more results are asked for
FIT_SAMPLE = 20_000  # rows the projection is fitted on
REFIT_GROWTH = 2  # the projection is fitted again when the group has doubled since


@dataclass(frozen=True)
class Projection:
    mean: Matrix
    basis: Matrix  # (dims, PROJECTED_DIMS)
    rows: Matrix  # every row projected, grown like the matrix; valid up to the group's size
    fitted_at: int

    @classmethod
    def fit(cls, matrix: Matrix, size: int) -> Projection:
        rows = matrix[:size]
        sample = rows[:: max(1, size // FIT_SAMPLE)]
        mean = sample.mean(axis=0).astype(np.float32)
        _, _, vt = np.linalg.svd(sample - mean, full_matrices=False)
        basis = np.ascontiguousarray(vt[:PROJECTED_DIMS].T, dtype=np.float32)
        projected = np.zeros((len(matrix), basis.shape[1]), dtype=np.float32)
        projected[:size] = (rows - mean) @ basis
        return cls(mean, basis, projected, size)

    def extended(self, matrix: Matrix, start: int, end: int) -> Projection:
        """This projection with rows [start, end) of `matrix` projected too (the buffer grown with the matrix)."""
        rows = self.rows
        if len(rows) < len(matrix):
            rows = np.zeros((len(matrix), self.basis.shape[1]), dtype=np.float32)
            rows[:start] = self.rows[:start]
        rows[start:end] = (matrix[start:end] - self.mean) @ self.basis
        return Projection(self.mean, self.basis, rows, self.fitted_at)

    def shortlist(self, query: Matrix, size: int, count: int) -> npt.NDArray[np.intp]:
        # The mean's share of the score is the same for every row, so ranking by the projected part suffices.
        scores = self.rows[:size] @ (self.basis.T @ query)
        return np.argpartition(-scores, count - 1)[:count]


class Rows:
    """One group's vectors. Grows by doubling; a search reads one consistent (matrix, ids, size, projection)
    snapshot, so it may run on another thread while rows are added."""

    def __init__(self, dim: int) -> None:
        self.view: tuple[Matrix, list[int], int, Projection | None] = (
            np.zeros((0, dim), dtype=np.float32), [], 0, None)

    @property
    def size(self) -> int:
        return self.view[2]

    @property
    def held(self) -> int:
        return len(self.view[0])

    def add(self, ids: list[int], vectors: Matrix) -> None:
        matrix, known, size, projection = self.view
        needed = size + len(ids)
        if needed > len(matrix):
            # Doubling, from what is needed: a person with a few memories holds a few rows, not a block of them.
            grown = np.zeros((max(needed, 2 * len(matrix)), matrix.shape[1]), dtype=np.float32)
            grown[:size] = matrix[:size]
            matrix = grown
        matrix[size:needed] = vectors  # beyond the size any reader's snapshot sees
        if needed >= SHORTLIST_FROM and (projection is None or needed >= REFIT_GROWTH * projection.fitted_at):
            projection = Projection.fit(matrix, needed)
        elif projection is not None:
            projection = projection.extended(matrix, size, needed)
        self.view = (matrix, known + ids, needed, projection)

    def top(self, query: Matrix, limit: int) -> list[tuple[float, int]]:
        matrix, ids, size, projection = self.view
        if not size:
            return []
        k = min(limit, size)
        count = max(SHORTLIST_MIN, 20 * limit)
        if projection is None or count >= size:
            scores = matrix[:size] @ query
            best = np.argpartition(-scores, k - 1)[:k]
            return [(float(scores[i]), ids[i]) for i in best]
        candidates = projection.shortlist(query, size, count)
        scores = matrix[candidates] @ query
        best = np.argpartition(-scores, k - 1)[:k]
        return [(float(scores[i]), ids[candidates[i]]) for i in best]
