"""How common each word is in everyday language, which the lists alone cannot tell.

A word's weight in the index is how rare it is across the lists: "Gimbatov" and "Smirnov" are
each on a handful of entries and weigh alike. But millions of people are called Smirnov and a
handful Gimbatov, and "Victoria" or "Citadel" name thousands of bodies where "Peykasa" names
one: agreement on an everyday word says far less about identity. wordfreq's word frequencies
(web, news, subtitles and books, frozen in 2021) measure that; the lists' own rarity cannot.

The frequencies are read once per index build, for the index's own words only, and kept in the
index: screening never loads them.
"""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Iterator, Sequence
from pathlib import Path

import msgpack
import numpy as np
import numpy.typing as npt

# The languages whose everyday words and names matter most on the lists people screen against:
# English carries most transliterated names (news writes "Smirnov" and "Hosseini" in English).
LANGUAGES = ("en",)


def everyday_zipf(tokens: Sequence[str]) -> npt.NDArray[np.float32]:
    """Each token's Zipf frequency, its highest in `LANGUAGES`.

    Zipf is log10 of uses per billion words, 0 when unseen: about 1 for a name in the news now
    and then, 3 for "Sergey", 4.4 for "Victoria", 7 for "the".
    """
    wanted = {token: k for k, token in enumerate(tokens)}
    keys = frozenset(wanted)
    out = np.zeros(len(tokens), dtype=np.float32)
    for language in LANGUAGES:
        for bucket, words in enumerate(_buckets(_wordlist(language))):
            zipf = 9.0 - bucket / 100  # bucket k holds words used 10^(-k/100) of the time
            # The bucket's words the index has, found in C (`intersection` walks the bucket
            # only), not by a dictionary lookup per word of the list's 300,000 in Python.
            for word in keys.intersection(words):
                k = wanted[word]
                if zipf > out[k]:
                    out[k] = zipf
    return out


def _wordlist(language: str) -> Path:
    """The large frequency list of `language` that wordfreq ships, found without importing it.

    Importing it loads its tokenisers (regex, langcodes, ftfy): 10 MiB more at every index
    build's peak for two functions this module does not need.
    """
    spec = importlib.util.find_spec("wordfreq")
    places = spec.submodule_search_locations if spec else None
    if not places:
        raise RuntimeError("wordfreq is not installed: reinstall trustdesk's dependencies")
    path = Path(next(iter(places))) / "data" / f"large_{language}.msgpack.gz"
    if not path.is_file():
        raise RuntimeError(f"wordfreq has no large word list for {language!r} ({path})")
    return path


def _buckets(path: Path) -> Iterator[list[str]]:
    """The words of a wordfreq list, a centibel of frequency at a time, the commonest first.

    The list's format (`wordfreq.read_cBpack`) is one msgpack array, a header and then a bucket
    per centibel; read a bucket at a time, it never holds all of a language's 300,000 words at
    once, which would add 25 MiB to every index build's peak.
    """
    with gzip.open(path, "rb") as fh:
        unpacker = msgpack.Unpacker(fh, raw=False)
        count = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB":
            raise ValueError(f"{path}: not a wordfreq frequency list")
        for _ in range(count - 1):
            yield unpacker.unpack()
