"""Verb conjugation: which conjugation template does an infinitive follow?

Inputs are the infinitives of a lexicon (strings of its own letters); the label of a verb is its
conjugation template, as verbecc names them: ``aim:er`` for the regular -er verbs (radical
``aim``, ending ``er``), ``fin:ir`` for the regular -ir verbs, ``:être`` for *être* alone. Regular
templates are general (one suffix rule covers thousands of verbs); irregular verbs are memorised
(one rule each). The natural program class is ``suffix-rules``.

Sources:

- ``french`` (default), ``spanish``, ``italian``, ``portuguese``, ``romanian``, ``catalan``: the
  lexicon shipped by the PyPI package verbecc, read from its own data file
  ``verbecc/data/xml/verbs/verbs-XX.xml`` (``<v><i>infinitive</i><t>template</t></v>``; verbecc is
  not imported, no model is loaded). Weights: ``frequency`` (default) is the infinitive's
  frequency from the PyPI package wordfreq, in units of 10^-9 (so *être*, 0.0024, weighs
  2,400,000), with every verb wordfreq does not know raised to the ``floor`` Zipf value (default
  1: frequency 10^-8, the rarest words wordfreq lists, weight 10); ``uniform`` weighs every verb 1.
- ``synthetic``: ``verbs`` generated infinitives, each a random stem plus one of ``classes``
  regular endings (class k's template is ``ck:ending``); ``irregulars`` of them, chosen at random,
  follow a template of their own (``:word``) although they end like a regular class. Weights
  follow Zipf's law over a seeded random ranking: weight(rank r) = round(10^6 · r^-zipf)
  (``zipf=0``: uniform, weight 1).
- ``file``: a CSV ``lexicon`` with columns ``input,label[,weight]`` (what ``phasediag task
  export`` writes; weight 1 when the column is absent), read as the ``table`` family reads CSV.
"""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from functools import cached_property
from pathlib import Path


from ..errors import FileFormatError, ParameterError
from ..params import Param
from ..seeding import rng
from .table import Lexicon, LexiconTask, read_csv

__all__ = ["VerbConjugation", "Lexicon", "LANGUAGES", "verbecc_file", "read_verbecc",
           "frequency_weights", "synthetic_lexicon", "FREQUENCY_UNIT"]

#: verbecc's languages by name, with their ISO 639-1 codes (the file suffix and wordfreq's code).
LANGUAGES = {"french": "fr", "spanish": "es", "italian": "it", "portuguese": "pt", "romanian": "ro",
             "catalan": "ca"}
_VERBS_EXTRA = ("The verb lexicons come from the PyPI packages verbecc and wordfreq, which this install lacks: "
                "pip install 'phasediag[verbs]' (source=synthetic and source=file need neither).")
#: A frequency-weighted verb of frequency f weighs round(f / FREQUENCY_UNIT).
FREQUENCY_UNIT = 1e-9

_SYNTHETIC_CONSONANTS = "bcdfghlmnprstv"
_SYNTHETIC_VOWELS = "aeiou"


def verbecc_file(language: str) -> Path:
    """The path of verbecc's verb list for ``language`` (a key of :data:`LANGUAGES`), found
    without importing verbecc."""
    spec = importlib.util.find_spec("verbecc")
    if spec is None or not spec.submodule_search_locations:
        raise FileFormatError(_VERBS_EXTRA)
    path = Path(spec.submodule_search_locations[0]) / "data" / "xml" / "verbs" / f"verbs-{LANGUAGES[language]}.xml"
    if not path.is_file():
        raise FileFormatError(f"verbecc's lexicon file {path} is missing; reinstall verbecc.")
    return path


def read_verbecc(path: Path) -> list[tuple[str, str]]:
    """(infinitive, template) pairs of a verbecc verb list ``<v><i>…</i><t>…</t></v>``, in file
    order; a verb listed twice with one template counts once."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        raise FileFormatError(f"Lexicon file {path} is not readable XML ({e}); expected verbecc's "
                              f"<v><i>infinitive</i><t>template</t></v> entries.") from None
    pairs = []
    for k, v in enumerate(root.iter("v"), 1):
        word, template = (v.findtext("i") or "").strip(), (v.findtext("t") or "").strip()
        if not word or not template:
            raise FileFormatError(f"Lexicon file {path}: verb entry {k} lacks an <i> infinitive or a <t> "
                                  f"template; expected <v><i>infinitive</i><t>template</t></v>.")
        pairs.append((word, template))
    if not pairs:
        raise FileFormatError(f"Lexicon file {path} has no <v><i>infinitive</i><t>template</t></v> entries.")
    return _distinct(pairs, path)


def _distinct(pairs: list[tuple[str, str]], path: Path) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for word, label in pairs:
        if seen.setdefault(word, label) != label:
            raise FileFormatError(f"Lexicon file {path} gives '{word}' two labels, '{seen[word]}' and "
                                  f"'{label}'; expected one label per input.")
    return list(seen.items())


def frequency_weights(words: tuple[str, ...], language: str, floor: float) -> tuple[int, ...]:
    """Each word's frequency in ``language`` (wordfreq) in units of :data:`FREQUENCY_UNIT`, at
    least the frequency of Zipf value ``floor`` (10^(floor − 9))."""
    try:
        from wordfreq import word_frequency
    except ImportError:
        raise FileFormatError(_VERBS_EXTRA) from None

    least = 10.0 ** (floor - 9)
    return tuple(max(1, round(max(word_frequency(w, LANGUAGES[language]), least) / FREQUENCY_UNIT))
                 for w in words)


def synthetic_lexicon(verbs: int, classes: int, irregulars: int, zipf: float, seed: int) -> Lexicon:
    """A generated lexicon (see the module docstring). Endings are distinct two-letter strings
    (consonant, vowel), so no ending is a suffix of another; stems are one to three syllables."""
    generator = rng(seed)
    endings = [c + v for c in _SYNTHETIC_CONSONANTS for v in _SYNTHETIC_VOWELS]
    endings = [endings[i] for i in generator.choice(len(endings), size=classes, replace=False)]
    words: dict[str, None] = {}
    while len(words) < verbs:
        syllables = generator.integers(1, 4)
        stem = "".join(generator.choice(list(_SYNTHETIC_CONSONANTS)) + generator.choice(list(_SYNTHETIC_VOWELS))
                       for _ in range(syllables))
        words.setdefault(stem + endings[int(generator.integers(classes))], None)
    ordered = list(words)
    irregular = set(generator.choice(verbs, size=irregulars, replace=False).tolist())
    labels = tuple(f":{w}" if i in irregular else f"c{endings.index(w[-2:]) + 1}:{w[-2:]}"
                   for i, w in enumerate(ordered))
    rank = generator.permutation(verbs) + 1
    weights = tuple(1 if zipf == 0 else max(1, round(1e6 * float(r) ** -zipf)) for r in rank)
    return Lexicon(tuple(ordered), labels, weights)


class VerbConjugation(LexiconTask):
    family = "verb-conjugation"
    description = (
        "Infinitives labelled by their conjugation template (regular classes are general, "
        "irregular verbs are memorised): verbecc's lexicons weighted by wordfreq frequency, "
        "a synthetic lexicon, or a CSV file."
    )
    natural_programs = "suffix-rules"
    parameters = (
        Param("source", str, "french", "the lexicon",
              choices=(*LANGUAGES, "synthetic", "file")),
        Param("weights", str, "frequency", "weight of a verb: wordfreq frequency of its infinitive, or 1",
              choices=("frequency", "uniform"), when=("source", tuple(LANGUAGES))),
        Param("floor", float, 1.0, "Zipf value given to verbs wordfreq does not know (frequency 10^(floor-9))",
              low=0.0, high=6.0, when=("weights", ("frequency",))),
        Param("lexicon", str, "lexicon.csv", "CSV file with columns input,label[,weight]",
              when=("source", ("file",))),
        Param("verbs", int, 2000, "number of generated verbs", low=1, high=100_000,
              when=("source", ("synthetic",))),
        Param("classes", int, 5, "regular classes (endings)", low=1, high=70, when=("source", ("synthetic",))),
        Param("irregulars", int, 50, "irregular verbs, each with a template of its own", low=0, high=100_000,
              when=("source", ("synthetic",))),
        Param("zipf", float, 1.0, "exponent of the Zipf law of weights over ranks (0: uniform)", low=0.0,
              high=4.0, when=("source", ("synthetic",))),
        Param("seed", int, 0, "seed of the generated lexicon", low=0, when=("source", ("synthetic",))),
    )

    def __init__(self, **values):
        super().__init__(**values)
        p = self.params
        if p["source"] == "synthetic" and p["irregulars"] > p["verbs"]:
            given = f"Got '{p['irregulars']}'" if "irregulars" in values else \
                f"Its default is {p['irregulars']}: give irregulars=N with N ≤ {p['verbs']}"
            raise ParameterError(f"The 'irregulars' parameter of verb-conjugation must be at most "
                                 f"verbs={p['verbs']}. {given}.")
        self.lexicon  # noqa: B018 - read the source now: a bad file fails before any work

    @cached_property
    def lexicon(self) -> Lexicon:
        """The words, labels and weights of the source."""
        p = self.params
        source = p["source"]
        if source == "synthetic":
            return synthetic_lexicon(p["verbs"], p["classes"], p["irregulars"], p["zipf"], p["seed"])
        if source == "file":
            return read_csv(Path(p["lexicon"]))
        pairs = read_verbecc(verbecc_file(source))
        words = tuple(w for w, _ in pairs)
        weights = (frequency_weights(words, source, p["floor"]) if p["weights"] == "frequency"
                   else (1,) * len(words))
        return Lexicon(words, tuple(t for _, t in pairs), weights)
