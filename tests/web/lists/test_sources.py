import ast
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from trustdesk.web.lists import sources
from trustdesk.web.lists.sources import (
    SOURCES,
    Download,
    InvalidOverride,
    SourceInfo,
    UnknownSource,
    source_info,
    urls_with_overrides,
)

OFAC_ROLES = ("sdn", "add", "alt", "comments")
# the file roles of each downloadable source, as its parser names them
EXPECTED_ROLES = {
    "ofac-sdn": OFAC_ROLES,
    "ofac-cons": OFAC_ROLES,
    "un-sc": ("main",),
    "uk-sanctions": ("main",),
    "ofsi-conlist": ("main",),
    "eu-fsf": ("main",),
    "us-csl": ("main",),
    "bis-dpl": ("main",),
    "opensanctions": ("main",),
}
BUNDLED = ("ca-nro", "us-dod-1286", "aspi-unitracker")
DOWNLOADABLE = [SOURCES[key] for key in EXPECTED_ROLES]


def test_catalogue_holds_the_design_sources() -> None:
    assert set(SOURCES) == set(EXPECTED_ROLES) | set(BUNDLED)
    assert all(key == info.key for key, info in SOURCES.items())


@pytest.mark.parametrize("info", DOWNLOADABLE, ids=lambda info: info.key)
def test_every_download_is_an_https_url_with_a_plain_filename(info: SourceInfo) -> None:
    for download in info.downloads:
        parts = urlsplit(download.url)
        assert parts.scheme == "https", download.url
        assert parts.hostname
        assert download.filename == Path(download.filename).name
        assert not download.filename.startswith(".")


@pytest.mark.parametrize("info", DOWNLOADABLE, ids=lambda info: info.key)
def test_roles_and_filenames_are_unique_and_known(info: SourceInfo) -> None:
    roles = tuple(d.role for d in info.downloads)
    filenames = [d.filename for d in info.downloads]

    assert roles == EXPECTED_ROLES[info.key]
    assert len(set(filenames)) == len(filenames)


def test_ofac_sets_use_the_official_file_names() -> None:
    sdn = {d.role: d.filename for d in SOURCES["ofac-sdn"].downloads}
    cons = {d.role: d.filename for d in SOURCES["ofac-cons"].downloads}

    assert sdn == {
        "sdn": "sdn.csv",
        "add": "add.csv",
        "alt": "alt.csv",
        "comments": "sdn_comments.csv",
    }
    assert cons == {
        "sdn": "cons_prim.csv",
        "add": "cons_add.csv",
        "alt": "cons_alt.csv",
        "comments": "cons_comments.csv",
    }


@pytest.mark.parametrize("key", BUNDLED)
def test_research_security_lists_ship_with_the_package(key: str) -> None:
    info = SOURCES[key]

    assert info.kind == "research-security"
    assert info.downloads == ()
    assert "Ships with trustdesk" in info.notes


@pytest.mark.parametrize("info", SOURCES.values(), ids=lambda info: info.key)
def test_every_source_has_a_title_publisher_licence_and_https_homepage(info: SourceInfo) -> None:
    assert info.title
    assert info.publisher
    assert info.licence
    assert urlsplit(info.homepage).scheme == "https"


def test_ofsi_conlist_is_superseded_by_the_uk_sanctions_list() -> None:
    assert SOURCES["ofsi-conlist"].superseded_by == "uk-sanctions"
    assert SOURCES["ofsi-conlist"].downloads  # still importable
    assert all(info.superseded_by is None for key, info in SOURCES.items() if key != "ofsi-conlist")


def test_opensanctions_is_the_ftm_export_under_a_non_commercial_licence() -> None:
    info = SOURCES["opensanctions"]

    assert [d.filename for d in info.downloads] == ["entities.ftm.json"]
    assert info.licence.startswith("CC BY-NC 4.0")


def test_source_info_returns_catalogue_entries() -> None:
    assert source_info("un-sc") is SOURCES["un-sc"]


def test_custom_source() -> None:
    info = source_info("custom:abc")

    assert info.key == "custom:abc"
    assert info.kind == "custom"
    assert info.downloads == ()
    assert info.title == "Custom list abc"


@pytest.mark.parametrize("key", ["custom:", "custom:two words", "custom:a/b", "custom:" + "x" * 65])
def test_custom_source_needs_a_plain_name(key: str) -> None:
    with pytest.raises(UnknownSource, match="the name after 'custom:' must be 1 to 64 characters"):
        source_info(key)


def test_unknown_source_lists_the_known_keys() -> None:
    with pytest.raises(UnknownSource) as info:
        source_info("ofac")

    assert str(info.value) == (
        "unknown list source 'ofac': known sources are aspi-unitracker, bis-dpl, ca-nro, "
        "eu-fsf, ofac-cons, ofac-sdn, ofsi-conlist, opensanctions, uk-sanctions, un-sc, "
        "us-csl, us-dod-1286, or custom:<name>"
    )
    assert info.value.key == "ofac"


# -- overrides ---------------------------------------------------------------------------------


def test_no_overrides_keeps_the_official_urls() -> None:
    info = SOURCES["ofac-sdn"]

    assert urls_with_overrides(info, {}) == info.downloads
    assert (
        urls_with_overrides(info, {"un-sc": "https://mirror.example.org/un.xml"}) == info.downloads
    )


def test_source_override_replaces_a_single_file_url() -> None:
    token_url = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=mine"

    downloads = urls_with_overrides(SOURCES["eu-fsf"], {"eu-fsf": token_url})

    assert downloads == (Download("main", token_url, "xmlFullSanctionsList_1_1.xml"),)


def test_source_override_ending_in_slash_is_a_mirror_directory() -> None:
    downloads = urls_with_overrides(
        SOURCES["ofac-cons"], {"ofac-cons": "http://mirror.uni.example/ofac/"}
    )

    assert [d.url for d in downloads] == [
        "http://mirror.uni.example/ofac/cons_prim.csv",
        "http://mirror.uni.example/ofac/cons_add.csv",
        "http://mirror.uni.example/ofac/cons_alt.csv",
        "http://mirror.uni.example/ofac/cons_comments.csv",
    ]
    assert [d.role for d in downloads] == list(OFAC_ROLES)


def test_role_override_replaces_one_file_and_wins_over_the_source_override() -> None:
    info = SOURCES["ofac-sdn"]
    overrides = {
        "ofac-sdn": "https://mirror.example.org/ofac/",
        "ofac-sdn:alt": "https://other.example.org/alt-latest.csv",
    }

    downloads = {d.role: d.url for d in urls_with_overrides(info, overrides)}

    assert downloads == {
        "sdn": "https://mirror.example.org/ofac/sdn.csv",
        "add": "https://mirror.example.org/ofac/add.csv",
        "alt": "https://other.example.org/alt-latest.csv",
        "comments": "https://mirror.example.org/ofac/sdn_comments.csv",
    }


def test_role_override_alone_leaves_the_other_files_official() -> None:
    info = SOURCES["ofac-sdn"]

    downloads = urls_with_overrides(info, {"ofac-sdn:add": "https://mirror.example.org/add.csv"})

    assert [d.url for d in downloads] == [
        info.downloads[0].url,
        "https://mirror.example.org/add.csv",
        info.downloads[2].url,
        info.downloads[3].url,
    ]


@pytest.mark.parametrize(
    ("source", "overrides", "message"),
    [
        (
            "ofac-sdn",
            {"ofac-sdn": "https://mirror.example.org/sdn.csv"},
            "list URL override 'ofac-sdn': ofac-sdn has 4 files: give a mirror directory ending "
            "in '/', or override each file as ofac-sdn:<role>",
        ),
        (
            "ofac-sdn",
            {"ofac-sdn:aliases": "https://mirror.example.org/alt.csv"},
            "list URL override 'ofac-sdn:aliases': no such file role; roles of ofac-sdn are "
            "add, alt, comments, sdn",
        ),
        (
            "un-sc",
            {"un-sc": "ftp://mirror.example.org/un.xml"},
            "list URL override 'un-sc': must be an http:// or https:// address",
        ),
        (
            "un-sc",
            {"un-sc:main": "mirror.example.org/un.xml"},
            "list URL override 'un-sc:main': must be an http:// or https:// address",
        ),
        (
            "ca-nro",
            {"ca-nro": "https://mirror.example.org/nro.csv"},
            "list URL override 'ca-nro': this source has nothing to download",
        ),
    ],
)
def test_bad_overrides_are_refused(source: str, overrides: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidOverride) as info:
        urls_with_overrides(SOURCES[source], overrides)

    assert str(info.value) == message


def test_overrides_leave_the_catalogue_unchanged() -> None:
    before = SOURCES["un-sc"].downloads

    urls_with_overrides(SOURCES["un-sc"], {"un-sc": "https://mirror.example.org/un.xml"})

    assert SOURCES["un-sc"].downloads == before


# -- boundaries --------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["sources", "download"])
def test_modules_do_not_import_django(module: str) -> None:
    path = Path(sources.__file__).with_name(f"{module}.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }

    assert not {name for name in imported if name.split(".")[0] == "django"}
    assert not {name for name in imported if name.startswith("trustdesk.web.lists.models")}


def test_download_roles_match_the_parsers() -> None:
    try:
        from trustdesk.screening.parsers import all_formats

        formats = all_formats()
    except (ImportError, AttributeError) as exc:  # a parser module not written yet
        pytest.skip(f"list parsers not all present yet: {exc}")
    for info in DOWNLOADABLE:
        fits = [f for f in formats if f.accepts_source(info.key)]
        roles = {d.role for d in info.downloads}
        assert any(roles <= set(f.roles) and f.roles[0] in roles for f in fits), (
            f"{info.key}: no parser takes files in roles {sorted(roles)}"
        )
