"""Pages saved as "Web page, complete": the folder beside the page holds what it loads.

Every file under ``NAME_files/`` (or a localised ``NAME-Dateien/``...) beside a page
``NAME.html`` is a ``page-resource`` rejection naming the page; none is read, so a frame
two pages both embed never makes them copies of each other. The local walk, the Spark
engine's listing (local and Hadoop) and ``index add`` agree; ``--strict`` does not count
them.
"""

from __future__ import annotations

import json
import sqlite3
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from provenance.cli import app
from provenance.engines.listing import Read, list_local, list_remote
from provenance.inventory import build_inventory, page_resource_folders
from provenance.model import Rejection

runner = CliRunner()

# an advertisement frame both saved pages embed: long enough to be a shared passage
AD = ("Sponsored content. Discover the new riverside apartments at Millbrook Quay, with balconies over "
      "the water, a residents' gym and parking for every home. Viewings are open every weekend from ten "
      "until four, and buyers who reserve before the end of the month receive a free kitchen upgrade worth "
      "five thousand pounds. Call the sales office today or visit our show home beside the old mill.")
STORY_A = ("The county council voted on Tuesday to close the swing bridge over the canal for six weeks of "
           "repairs, after engineers found cracks in two of its supporting beams during a routine inspection.")
STORY_B = ("A primary school in the valley will open a new library wing in the spring, paid for by a bequest "
           "from a former headteacher who taught in the village for more than thirty years.")


def page(text: str, title: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p>"
            f'<iframe src="x_files/ad.html"></iframe></article></body></html>')


def save_page(folder: Path, name: str, text: str, *, suffix: str = "_files", ext: str = ".html") -> Path:
    """A page as a browser saves it complete: the page, and beside it its folder of resources
    (a stylesheet, a script, an image, the ad frame, and a frame of the frame)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}{ext}").write_text(page(text, name.title()), encoding="utf-8")
    saved = folder / f"{name}{suffix}"
    (saved / "inner_files").mkdir(parents=True)
    (saved / "style.css").write_text("body { font-family: serif; }\n")
    (saved / "app.js").write_text("window.track = function () {};\n")
    (saved / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (saved / "ad.html").write_text(f"<html><body><p>{AD}</p></body></html>", encoding="utf-8")
    (saved / "inner_files" / "embed.htm").write_text(f"<html><body><p>{AD}</p></body></html>", encoding="utf-8")
    return saved


RESOURCES = ["ad.html", "app.js", "inner_files/embed.htm", "logo.png", "style.css"]  # walk order


def accounted(inv) -> set[str]:
    return {d.path for d in inv.documents} | {r.path for r in inv.rejections}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    save_page(root / "a", "bridge", STORY_A)
    save_page(root / "b", "schule", STORY_B, suffix="-Dateien", ext=".htm")
    return root


def test_files_saved_with_a_page_are_page_resources_and_never_read(corpus: Path):
    inv = build_inventory(corpus)
    assert [d.label for d in inv.documents] == ["a/bridge.html", "b/schule.htm"]
    expected = [(f"a/bridge_files/{r}", "a/bridge.html") for r in RESOURCES] + \
               [(f"b/schule-Dateien/{r}", "b/schule.htm") for r in RESOURCES]
    assert [(r.path, r.code, r.record) for r in inv.rejections] == [(p, "page-resource", None) for p, _ in expected]
    for r, (_path, owner) in zip(inv.rejections, expected):
        assert r.reason.startswith(f"saved with the page {owner}: ") and "not read as an article" in r.reason
    assert inv.files_seen == len(accounted(inv)) == 12
    assert build_inventory(corpus) == inv  # deterministic


def test_a_folder_without_its_page_is_walked_as_usual(tmp_path: Path):
    root = tmp_path / "corpus"
    save_page(root, "story", STORY_A)
    (root / "story.html").unlink()  # the page is gone: its folder is an ordinary folder
    (root / "notes_files").mkdir()
    (root / "notes_files" / "n.txt").write_text(STORY_B)  # no notes.html beside it
    (root / "report.html").mkdir()  # a folder named like a page is not a page
    (root / "report_files").mkdir()
    (root / "report_files" / "r.txt").write_text(STORY_B + " Report.")
    inv = build_inventory(root)
    assert not any(r.code == "page-resource" for r in inv.rejections)
    assert [d.label for d in inv.documents] == ["notes_files/n.txt", "report_files/r.txt", "story_files/ad.html",
                                                "story_files/inner_files/embed.htm"]
    assert {r.path: r.code for r in inv.rejections} == {
        "story_files/app.js": "unsupported-format", "story_files/logo.png": "unsupported-format",
        "story_files/style.css": "unsupported-format"}
    assert inv.files_seen == len(accounted(inv))


def test_suffix_case_and_stem_case(tmp_path: Path):
    """The suffix in any case (Windows does not tell them apart); the page's name exactly."""
    root = tmp_path / "corpus"
    save_page(root, "Story", STORY_A, suffix="_FILES")
    (root / "story_files").mkdir()
    (root / "story_files" / "other.txt").write_text(STORY_B)  # "story" is not the page "Story"
    inv = build_inventory(root)
    assert {r.path for r in inv.rejections if r.code == "page-resource"} == {f"Story_FILES/{r}" for r in RESOURCES}
    assert [d.label for d in inv.documents] == ["Story.html", "story_files/other.txt"]


def test_a_hidden_page_leaves_its_folder_hidden(tmp_path: Path):
    root = tmp_path / "corpus"
    save_page(root, ".draft", STORY_A)
    inv = build_inventory(root)
    assert inv.documents == () and {r.code for r in inv.rejections} == {"unsupported-format"}
    assert all("hidden" in r.reason for r in inv.rejections) and inv.files_seen == 6


def test_links_in_a_saved_folder(tmp_path: Path):
    """A link there is reported as a link; followed, what it leads to is the page's too."""
    root = tmp_path / "corpus"
    saved = save_page(root, "story", STORY_A)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "widget.html").write_text(f"<html><body><p>{AD}</p></body></html>")
    (saved / "widget.html").symlink_to(tmp_path / "elsewhere" / "widget.html")
    (saved / "more").symlink_to(tmp_path / "elsewhere")
    codes = {r.path: r.code for r in build_inventory(root).rejections}
    assert codes["story_files/widget.html"] == codes["story_files/more"] == "symlink"
    followed = build_inventory(root, follow_symlinks=True)
    assert [d.label for d in followed.documents] == ["story.html"]
    linked = {r.path: r.code for r in followed.rejections if r.path.startswith(("story_files/w", "story_files/m"))}
    assert linked == {"story_files/more/widget.html": "page-resource", "story_files/widget.html": "page-resource"}


def test_every_listed_suffix_is_recognised_and_the_browsers_own_are_listed():
    text = resources.files("provenance").joinpath("data/saved-pages.toml").read_text(encoding="utf-8")
    suffixes = tomllib.loads(text)["folder_suffixes"]
    # Chromium's fixed name, and Firefox's, Internet Explorer's and Word's in some of their languages
    assert {"_files", ".files", "-Dateien", "_fichiers", "_archivos", "_arquivos", "_file", "_bestanden",
            "-filer"} <= set(suffixes)
    for suffix in suffixes:
        for page in ("p.html", "p.htm", "p.HTML"):
            entries = [(page, True), ("p" + suffix, False), ("q" + suffix, False), ("p" + suffix + "x", False)]
            assert page_resource_folders(entries) == {"p" + suffix: page}, (suffix, page)
        assert page_resource_folders([("p.txt", True), ("p" + suffix, False)]) == {}
        assert page_resource_folders([("p.html", False), ("p" + suffix, False)]) == {}  # a folder, not a page
    assert page_resource_folders([("p.htm", True), ("p.html", True), ("p_files", False)]) == {"p_files": "p.htm"}


def test_pages_sharing_an_embedded_frame_are_not_copies_and_strict_does_not_count_them(corpus: Path,
                                                                                         tmp_path: Path):
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(corpus), "-q", "--strict", "-o", str(out)])
    assert result.exit_code == 0, result.output  # only files saved with their pages were rejected
    report = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(resources.files("provenance").joinpath("data/report.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(report)  # page-resource is a code of the report format
    assert [d["path"] for d in report["documents"]] == ["a/bridge.html", "b/schule.htm"]
    assert report["clusters"] == [] and all(d["derivation"] == "non_derived" for d in report["documents"])
    assert report["summary"]["rejections_by_code"] == {"page-resource": 10}
    inputs = report["run"]["inputs"]
    assert inputs["files_seen"] == 12 and inputs["rejected_files"] == 10 and inputs["files_with_documents"] == 2
    assert inputs["files_seen"] == inputs["files_with_documents"] + inputs["rejected_files"]

    (corpus / "empty.txt").write_bytes(b"")  # one real problem: --strict fails, counting it alone
    failed = runner.invoke(app, ["audit", str(corpus), "-q", "--strict", "-o", str(out)])
    assert failed.exit_code == 3 and "1 input problem(s)" in failed.output


def test_the_summary_lists_files_saved_with_a_page_after_the_problems(tmp_path: Path):
    root = tmp_path / "corpus"
    for i in range(5):  # 25 files saved with pages: more than the summary lists
        save_page(root, f"page{i}", f"{STORY_A} Page {i}.")
    (root / "table.csv").write_text("a,b\n1,2\n")
    out = tmp_path / "r.json"
    assert runner.invoke(app, ["audit", str(root), "-q", "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["summary", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.split("Rejected input:\n", 1)[1].splitlines()
    assert lines[0] == "  unsupported-format: 1" and lines[1].startswith("    table.csv: extension '.csv' is not")
    assert lines[2] == "  page-resource: 25" and lines[-1] == "    ... and 6 more (see the report)"


def test_index_add_reads_the_pages_only(corpus: Path, tmp_path: Path):
    index = tmp_path / "archive.db"
    result = runner.invoke(app, ["index", "add", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "2 added, 0 replaced, 0 unchanged, 0 removed; 10 rejected" in result.output
    db = sqlite3.connect(index)
    try:
        assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
    finally:
        db.close()


# --------------------------------------------------------------------------
# The Spark engine's listing: the same walk, the reads only planned
# --------------------------------------------------------------------------


def test_the_spark_listing_of_a_local_folder_agrees(corpus: Path):
    inv = build_inventory(corpus)
    listing = list_local(corpus, metadata=None, max_file_bytes=1 << 20, follow_symlinks=False)
    assert [e.rel for e in listing.entries if isinstance(e, Read)] == [d.path for d in inv.documents]
    assert [e for e in listing.entries if isinstance(e, Rejection)] == list(inv.rejections)
    assert listing.files_seen == inv.files_seen


class _FakeHadoop:
    """Just enough of Hadoop's FileSystem API, over a local folder, for ``list_remote``."""

    def __init__(self, root: Path):
        self.root = root
        outer = self

        class HPath:
            def __init__(self, uri):
                self.uri = str(uri)

            def getName(self):
                return self.uri.rstrip("/").rsplit("/", 1)[-1]

            def toString(self):
                return self.uri

            def getFileSystem(self, _conf):
                return outer

        class Status:
            def __init__(self, path: Path):
                self.path = path

            def getPath(self):
                return HPath(outer.uri(self.path))

            def isDirectory(self):
                return self.path.is_dir()

            def isFile(self):
                return self.path.is_file()

            def getLen(self):
                return self.path.stat().st_size

        self.HPath, self.Status = HPath, Status
        self._jvm = type("JVM", (), {})()
        self._jvm.org = type("Org", (), {})()
        self._jvm.org.apache = type("Apache", (), {})()
        self._jvm.org.apache.hadoop = type("Hadoop", (), {})()
        self._jvm.org.apache.hadoop.fs = type("Fs", (), {"Path": HPath})()
        self._jsc = type("JSC", (), {"hadoopConfiguration": lambda _self: None})()

    def uri(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        return "hdfs://cluster/corpus" + ("" if rel == "." else "/" + rel)

    def local(self, hpath) -> Path:
        rest = hpath.uri[len("hdfs://cluster/corpus"):].lstrip("/")
        return self.root / rest if rest else self.root

    def exists(self, hpath):
        return self.local(hpath).exists()

    def getFileStatus(self, hpath):
        return self.Status(self.local(hpath))

    def makeQualified(self, hpath):
        return hpath

    def listStatus(self, hpath):
        return [self.Status(p) for p in self.local(hpath).iterdir()]


def test_the_spark_listing_of_a_hadoop_folder_agrees(corpus: Path):
    inv = build_inventory(corpus)
    listing = list_remote(_FakeHadoop(corpus), "hdfs://cluster/corpus", metadata=None, max_file_bytes=1 << 20)
    assert [e.rel for e in listing.entries if isinstance(e, Read)] == [d.path for d in inv.documents]
    assert [e for e in listing.entries if isinstance(e, Rejection)] == list(inv.rejections)
    assert listing.files_seen == inv.files_seen


def test_rules_explain_says_when_a_file_is_in_a_saved_pages_folder(tmp_path: Path):
    saved = save_page(tmp_path / "archive", "story", STORY_A)
    inner = saved / "inner_files" / "embed.htm"
    result = runner.invoke(app, ["rules", "explain", str(inner)])
    assert result.exit_code == 0, result.output
    note = f"{inner}: note: in the folder of the saved page {tmp_path / 'archive' / 'story.html'}; an audit"
    assert note in result.stderr and "(page-resource)" in result.stderr
    assert "embed.htm (html," in result.stdout  # explained all the same: it was named
    # the page itself, and a file in a folder of that shape with no page beside it, get no note
    alone = tmp_path / "other" / "notes_files" / "frame.html"
    alone.parent.mkdir(parents=True)
    alone.write_text(f"<html><body><p>{AD}</p></body></html>", encoding="utf-8")
    for path in (tmp_path / "archive" / "story.html", alone):
        result = runner.invoke(app, ["rules", "explain", str(path)])
        assert result.exit_code == 0 and "note:" not in result.stderr, result.output
