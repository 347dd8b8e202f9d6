"""Stages registered by name, and the Pipeline that runs them in order.

A stage is a small class in the spirit of datatrove's ``PipelineStep`` and spaCy's
registered components: a ``name``, a frozen config dataclass, the optional dependencies it needs
(a missing one raises :class:`ImportError` with the pip hint), the Document fields it ``reads``
and ``writes``, and ``__call__(doc) -> doc``. A pipeline checks when it is built that every
stage's reads are written by an earlier stage (or are the Document's own ``id``, ``original``,
``text``), and each stage checks its config (:meth:`Stage.check`): a missing data file fails
there, not on every document. The pipeline's :meth:`Pipeline.describe` is stored in every
Document it produces.
"""

from __future__ import annotations

import copy
import importlib
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, is_dataclass, replace
from typing import Any, ClassVar, TypeVar

from .document import Document
from .io import to_document
from .runtime import ForkedAfterEmbeddingError
from .versions import __version__, package_version

__all__ = [
    "DOCUMENT_INPUTS",
    "Pipeline",
    "PipelineError",
    "Stage",
    "get_stage",
    "package_version",
    "register_stage",
    "registered_stages",
]

DEFAULT_ORDER: tuple[str, ...] = ("clean", "detect", "repair", "align")
"""Order of the built-in stages in :meth:`Pipeline.default`."""

_BUILTIN_MODULES: tuple[str, ...] = (
    "corpusnorm.clean",
    "corpusnorm.detect",
    "corpusnorm.repair",
    "corpusnorm.align",
)

DOCUMENT_INPUTS: frozenset[str] = frozenset({"id", "original", "text"})
"""Document fields every stage may read: set when the Document is made."""

_REGISTRY: dict[str, type[Stage]] = {}

S = TypeVar("S", bound="type[Stage]")


@dataclass(frozen=True)
class NoConfig:
    """Config of a stage that takes no options."""


class PipelineError(ValueError):
    """A pipeline that cannot run: a stage reads a field no earlier stage writes."""


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


class Stage:
    """Base class of pipeline stages.

    Subclasses set ``name``, ``config_class`` (a frozen dataclass), ``reads``/``writes`` and
    implement ``__call__``. They hold only their config (so they pickle for worker processes);
    heavy models are loaded lazily and cached at module level.
    """

    name: ClassVar[str] = ""
    config_class: ClassVar[type] = NoConfig
    requires: ClassVar[dict[str, str]] = {}
    """Import name -> pip requirement, checked when the stage is built."""
    reads: ClassVar[tuple[str, ...]] = ("text",)
    """Document fields the stage needs (checked when a pipeline is built)."""
    reads_if_present: ClassVar[tuple[str, ...]] = ()
    """Document fields the stage uses when an earlier stage wrote them."""
    writes: ClassVar[tuple[str, ...]] = ()
    """Document fields the stage sets or changes."""

    def __init__(self, config: Any = None, **overrides: Any) -> None:
        self.check_requirements()
        if config is None:
            config = self.config_class()
        elif isinstance(config, Mapping):
            config = self.config_class(**config)
        if overrides:
            config = replace(config, **overrides)
        self.config = config
        self.check()

    def check(self) -> None:
        """Validate the config once, when the stage is built (raise ValueError/OSError/ImportError)."""

    @classmethod
    def check_requirements(cls) -> None:
        for module, requirement in cls.requires.items():
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise ImportError(f"stage {cls.name!r} needs {module!r}: pip install '{requirement}'") from exc

    def __call__(self, doc: Document) -> Document:  # pragma: no cover - abstract
        raise NotImplementedError

    def versions(self) -> dict[str, str]:
        """Versions of the code, models and data this stage uses."""
        return {}

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "config": _jsonable(self.config), "versions": self.versions()}

    def fields(self) -> dict[str, list[str]]:
        """What the stage reads and writes (for :meth:`Pipeline.fields`)."""
        return {"reads": list(self.reads), "reads_if_present": list(self.reads_if_present), "writes": list(self.writes)}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config!r})"


def register_stage(cls: S) -> S:
    """Class decorator: make a stage available by its ``name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls
    return cls


def _load_builtin_stages() -> None:
    for module in _BUILTIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # the stage exists but a dependency is missing: say so
                raise


def registered_stages() -> dict[str, type[Stage]]:
    """Name -> class of every registered stage (built-ins loaded on first call)."""
    _load_builtin_stages()
    return dict(_REGISTRY)


def get_stage(name: str) -> type[Stage]:
    stages = registered_stages()
    if name not in stages:
        raise KeyError(f"no stage named {name!r}; known: {', '.join(sorted(stages))}")
    return stages[name]


class Pipeline:
    """An ordered list of stages."""

    def __init__(self, stages: Iterable[Stage]) -> None:
        self.stages: list[Stage] = list(stages)
        _check_fields(self.stages)
        self.timings: dict[str, float] = {stage.name: 0.0 for stage in self.stages}
        self._description: dict[str, Any] | None = None

    @classmethod
    def from_names(cls, names: Iterable[str], **configs: Any) -> Pipeline:
        """Build stages by registered name; ``configs[name]`` is a dict or config object."""
        names = list(names)
        unknown = set(configs) - set(names)
        if unknown:
            raise KeyError(f"config given for stages not in the pipeline: {sorted(unknown)}")
        return cls(get_stage(name)(configs.get(name)) for name in names)

    @classmethod
    def default(cls, **overrides: Any) -> Pipeline:
        """The built-in stages in order; ``name=False`` drops one, ``name={...}`` configures it."""
        stages = registered_stages()
        unknown = set(overrides) - set(stages)
        if unknown:
            raise KeyError(f"unknown stages: {sorted(unknown)}")
        names = [n for n in DEFAULT_ORDER if n in stages and overrides.get(n, True) is not False]
        configs = {n: overrides[n] for n in names if n in overrides and overrides[n] is not True}
        return cls.from_names(names, **configs)

    def configure(self, name: str, **options: Any) -> Pipeline:
        """A copy with one stage's config changed."""
        stages = []
        for stage in self.stages:
            if stage.name == name:
                stage = type(stage)(stage.config, **options)
            stages.append(stage)
        if name not in self.names:
            raise KeyError(f"no stage {name!r} in this pipeline")
        return Pipeline(stages)

    @property
    def names(self) -> list[str]:
        return [stage.name for stage in self.stages]

    def describe(self) -> dict[str, Any]:
        """What runs, with its config and the versions of code, models and data (a fresh copy)."""
        if self._description is None:
            self._description = self._describe()
        return copy.deepcopy(self._description)

    def fields(self) -> dict[str, dict[str, list[str]]]:
        """Stage name -> what it reads and writes, in pipeline order."""
        return {stage.name: stage.fields() for stage in self.stages}

    def _describe(self) -> dict[str, Any]:
        return {
            "corpusnorm": __version__,
            "python_packages": {d: package_version(d) for d in ("ftfy", "regex")},
            "stages": [stage.describe() for stage in self.stages],
        }

    def __call__(
        self, doc: Document | str | bytes, *, on_stage: Callable[[str, float], None] | None = None
    ) -> Document:
        """Run every stage; a stage that raises is recorded on ``doc.warnings`` and skipped.

        ``doc`` may also be a str or bytes (decoded like :func:`corpusnorm.normalize` does)."""
        if not isinstance(doc, Document):
            doc = to_document(doc)
        doc.pipeline = self.describe()
        for stage in self.stages:
            started = time.perf_counter()
            try:
                doc = stage(doc)
            except ForkedAfterEmbeddingError:
                raise  # a broken process, not a bad document
            except Exception as exc:  # never crash mid-corpus: record and go on
                where = traceback.extract_tb(exc.__traceback__)[-1]
                doc.warnings.append(
                    f"stage-error: {stage.name}: {type(exc).__name__}: {exc} "
                    f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
                )
            elapsed = time.perf_counter() - started
            self.timings[stage.name] = self.timings.get(stage.name, 0.0) + elapsed
            if on_stage is not None:
                on_stage(stage.name, elapsed)
        return doc

    def __repr__(self) -> str:
        return f"Pipeline({self.names})"


def _check_fields(stages: list[Stage]) -> None:
    """Every stage's ``reads`` are the Document's own inputs or written by an earlier stage."""
    available = set(DOCUMENT_INPUTS)
    for stage in stages:
        missing = [f for f in stage.reads if f not in available]
        if missing:
            raise PipelineError(
                f"stage {stage.name!r} reads {', '.join(missing)}, which no earlier stage writes "
                f"(stages: {[s.name for s in stages]})"
            )
        available.update(stage.writes)
