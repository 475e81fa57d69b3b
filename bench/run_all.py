"""Run every benchmark with its default arguments (``make bench``)."""

from __future__ import annotations

from bench import commitments_scale


def main() -> None:
    commitments_scale.main([])


if __name__ == "__main__":
    main()
