"""Shared text rules below the stages: named patterns, edit builders, white space, boilerplate.

Modules here know :class:`~corpusnorm.document.Edit` and strings, nothing of any stage.
"""
