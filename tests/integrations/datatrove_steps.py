"""A datatrove step for the tests: fails the first time it sees a given document (a crashed task)."""

from __future__ import annotations

from pathlib import Path

from datatrove.pipeline.base import PipelineStep


class FailOnce(PipelineStep):
    name = "fail once"
    type = "test"

    def __init__(self, doc_id: str, marker: str) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.marker = marker

    def run(self, data, rank: int = 0, world_size: int = 1):
        for document in data:
            if document.id == self.doc_id and not Path(self.marker).exists():
                Path(self.marker).write_text("failed once", encoding="utf-8")
                raise RuntimeError(f"task {rank} crashed on {document.id}")
            yield document
