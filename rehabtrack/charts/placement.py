"""Where a label goes so it covers no data: candidate boxes tried against everything already drawn.

Works in the plot's pixels (x right, y down), so a label is judged by what a reader sees at the
chart's real size; the chart places its labels again whenever its size or range changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SAMPLE_PX = 3.0  # a line is tested every few pixels along its length


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def inside(self, width: float, height: float) -> bool:
        return self.left >= 0 and self.top >= 0 and self.right <= width and self.bottom <= height

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )


class Obstacles:
    """Points (with a radius) and polylines in pixels that a label must not cover; only those inside
    ``area`` (where the labels may go) are kept."""

    def __init__(self, area: Box | None = None) -> None:
        self.area = area
        self._xs: list[np.ndarray] = []
        self._ys: list[np.ndarray] = []
        self._pads: list[float] = []
        self.boxes: list[Box] = []

    def add_points(self, xs: np.ndarray, ys: np.ndarray, radius: float) -> None:
        keep = np.isfinite(xs) & np.isfinite(ys)
        if self.area is not None:
            a = self.area
            keep &= (xs >= a.left - radius) & (xs <= a.right + radius)
            keep &= (ys >= a.top - radius) & (ys <= a.bottom + radius)
        self._xs.append(np.asarray(xs, dtype=float)[keep])
        self._ys.append(np.asarray(ys, dtype=float)[keep])
        self._pads.append(radius)

    def add_line(
        self, xs: np.ndarray, ys: np.ndarray, width: float, connect: Sequence[int] | np.ndarray | None = None
    ) -> None:
        """A polyline; ``connect[i]`` 0 leaves out the segment from point i to i + 1 (a missed week)."""
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        if len(xs) < 2:
            self.add_points(xs, ys, width / 2)
            return
        joined = np.ones(len(xs) - 1, dtype=bool) if connect is None else np.asarray(connect[:-1]) != 0
        if self.area is not None:  # a segment wholly above, below or beside the area cannot be covered
            a, pad = self.area, width / 2
            above = (ys[:-1] < a.top - pad) & (ys[1:] < a.top - pad)
            below = (ys[:-1] > a.bottom + pad) & (ys[1:] > a.bottom + pad)
            beside = ((xs[:-1] < a.left - pad) & (xs[1:] < a.left - pad)) | (
                (xs[:-1] > a.right + pad) & (xs[1:] > a.right + pad)
            )
            joined = joined & ~(above | below | beside)
        x0, y0, x1, y1 = xs[:-1][joined], ys[:-1][joined], xs[1:][joined], ys[1:][joined]
        lengths = np.hypot(x1 - x0, y1 - y0)
        steps = np.ceil(lengths / SAMPLE_PX)
        counts = np.where(np.isnan(steps), 0.0, steps).astype(int) + 1  # samples a segment
        if counts.size == 0:
            return
        # Every segment's samples at once: segment number and position 0..1 along it, per sample.
        segment = np.repeat(np.arange(len(counts)), counts)
        first = np.cumsum(counts) - counts
        t = (np.arange(len(segment)) - first[segment]) / np.maximum(counts - 1, 1)[segment]
        self.add_points(x0[segment] + (x1 - x0)[segment] * t, y0[segment] + (y1 - y0)[segment] * t, width / 2)

    def hits(self, box: Box) -> int:
        """How many obstacle samples (and placed boxes) ``box`` covers."""
        return int(self.hits_each([box])[0])

    def hits_each(self, boxes: Sequence[Box]) -> np.ndarray:
        """``hits`` of every box in ``boxes``, worked out together (one array operation, not one per box)."""
        xs = np.concatenate([*self._xs, np.zeros(0)])
        ys = np.concatenate([*self._ys, np.zeros(0)])
        pads = np.concatenate(
            [np.full(len(a), pad) for a, pad in zip(self._xs, self._pads, strict=True)] + [np.zeros(0)]
        )
        left, right, top, bottom = (
            np.array([getattr(b, side) for b in boxes], dtype=float)[:, None]
            for side in ("left", "right", "top", "bottom")
        )
        inside = (xs >= left - pads) & (xs <= right + pads) & (ys >= top - pads) & (ys <= bottom + pads)
        placed = np.array(
            [sum(1 for other in self.boxes if b.overlaps(other)) for b in boxes], dtype=np.int64
        )
        return np.count_nonzero(inside, axis=1) + placed * 1000


def best_box(candidates: Sequence[Box], obstacles: Obstacles, width: float, height: float) -> int:
    """The index of the first candidate inside the plot that covers nothing, else the one covering least."""
    outside = np.array([0 if box.inside(width, height) else 10**6 for box in candidates], dtype=np.int64)
    hits = obstacles.hits_each(candidates) + outside
    return int(np.argmin(hits))  # the first of the least: a box covering nothing if there is one
