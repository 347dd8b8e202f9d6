"""Models and data loaded lazily, once per process, below the stages.

``lid`` (fastText lid.176, lingua, langdetect), ``wordfreq`` (the one wrapper of word frequencies),
``thesaurus`` (Moby, WordNet, lemminflect), ``ngram`` (the bigram language model), ``embed``
(sentence embedders), ``translate`` (optional machine translation) and ``data`` (the files in
``corpusnorm/data``). Nothing here is loaded when a module is imported.
"""
