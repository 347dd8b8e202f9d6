"""Glue for existing engines: :mod:`.datatrove` (a PipelineStep) and :mod:`.dask` (bags and sharded runs).

Each module imports its engine on import; install it with ``pip install 'corpusnorm[datatrove]'`` or
``pip install 'corpusnorm[dask]'``. See docs/scale.md.
"""
