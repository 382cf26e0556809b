"""The plugin ZIP passes the upload rules of plugins.qgis.org.

The rules are those of the site's validator (QGIS-Django ``qgis-app/plugins/validator.py``): ZIP at
most 25 MB, one top folder named like ``[A-Za-z][A-Za-z0-9-_]+``, no ``..``/absolute paths, no
``.pyc``, no ``__MACOSX``/``.git``/``__pycache__`` folders, an intact archive, ``__init__.py``,
``metadata.txt`` with a ``[general]`` section holding name, description, version,
qgisMinimumVersion, author (no '/'), email, about, tracker and repository, valid (non placeholder)
URLs and a ``LICENSE`` file.  Ours on top: a real contact address (no no-reply), a changelog entry for
the version, the version from the git tag, no development scripts.  ``make zip`` needs only Python and
git: the test runs ``scripts/make_zip.py`` with a bare ``python3 -I`` (no venv, no QGIS).
"""

import configparser
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import make_zip  # noqa: E402

if not (shutil.which("git") and os.path.exists(os.path.join(ROOT, ".git"))):
    # the version matrix runs on a copy of the tree without git: the ZIP is built and checked by `make test`
    pytest.skip("make zip needs a git checkout", allow_module_level=True)


def _python():
    return shutil.which("python3") or sys.executable


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory):
    target = str(tmp_path_factory.mktemp("zip") / "pmiek_werkbank.zip")
    # -I: isolated, no PYTHONPATH/venv site-packages: plain Python and git are enough
    subprocess.run([_python(), "-I", os.path.join(ROOT, "scripts", "make_zip.py"), target], check=True,
                   env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")})
    return target


def test_zip_passes_the_plugin_site_rules(built_zip):
    general = make_zip.check_zip(built_zip)
    assert general["name"] == "pMIEK Werkbank"
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["hasProcessingProvider"] == "yes"
    assert os.path.getsize(built_zip) < make_zip.MAX_SIZE
    with zipfile.ZipFile(built_zip) as z:
        names = z.namelist()
        license_text = z.read("pmiek_werkbank/LICENSE").decode("utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in license_text and "Version 2" in license_text
    for required in ("__init__.py", "plugin.py", "metadata.txt", "provider/provider.py", "werkbank/storage.py",
                     "templates/projectfiche.html.j2", "resources/icons/pmiek.svg"):
        assert "pmiek_werkbank/" + required in names
    for n in names:
        assert not n.startswith(("pmiek_werkbank/tests/", "pmiek_werkbank/scripts/", "pmiek_werkbank/bench/"))
        assert "__pycache__" not in n and not n.endswith((".pyc", ".pyo", ".so"))
        assert not (n.startswith("pmiek_werkbank/resources/") and n.endswith(".py")), n
    assert "pmiek_werkbank/resources/styles/generate_styles.py" not in names
    assert not any(n.endswith(("Makefile", "requirements.txt")) for n in names)


def test_metadata_license_matches_readme():
    cp = configparser.ConfigParser()
    cp.read(os.path.join(ROOT, "metadata.txt"), encoding="utf-8")
    assert cp["general"]["license"] == "GPL-2.0-or-later"
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        assert "GPL-2.0-or-later" in f.read()


def _metadata(**changes):
    with open(os.path.join(ROOT, "metadata.txt"), encoding="utf-8") as f:
        text = f.read()
    for key, value in changes.items():
        lines = [ln for ln in text.splitlines() if not ln.startswith(key + "=")]
        if value is not None:
            lines.insert(1, "{}={}".format(key, value))
        text = "\n".join(lines) + "\n"
    return text


@pytest.mark.parametrize("changes, message", [
    ({"email": "pmiek-werkbank@users.noreply.github.com"}, "contactadres"),
    ({"email": "iemand@example.com"}, "contactadres"),
    ({"email": None}, "mist: email"),
    ({"tracker": None}, "mist: tracker"),
    ({"about": None}, "mist: about"),
    ({"repository": "http://repo"}, "repository is geen geldige URL"),
    ({"homepage": "pmiek.nl"}, "homepage is geen geldige URL"),
    ({"author": "A/B"}, "author"),
    ({"version": "9.9.9"}, "changelog"),
    ({"experimental": "misschien"}, "experimental"),
])
def test_metadata_rules_refuse(changes, message):
    with pytest.raises(make_zip.ZipError, match=message):
        make_zip.check_metadata(_metadata(**changes))


def test_current_metadata_is_accepted():
    general = make_zip.check_metadata(_metadata())
    assert general["version"] in general["changelog"]


def _zip_with(tmp_path, extra):
    good = str(tmp_path / "good.zip")
    make_zip.main(good)
    bad = str(tmp_path / "bad.zip")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            if extra.get("drop") != item.filename:
                dst.writestr(item, src.read(item.filename))
        for name in extra.get("add", []):
            dst.writestr(name, b"x")
    return bad


@pytest.mark.parametrize("extra, message", [
    ({"add": ["pmiek_werkbank/export/__pycache__/fiches.cpython-311.pyc"]}, "gecompileerd|verboden"),
    ({"add": ["pmiek_werkbank/.git/config"]}, "verboden map"),
    ({"add": ["__MACOSX/x"]}, "verboden map"),
    ({"add": ["pmiek_werkbank/../evil.py"]}, "'\\.\\.'"),
    ({"add": ["other/x.py"]}, "precies één map"),
    ({"drop": "pmiek_werkbank/LICENSE"}, "LICENSE ontbreekt"),
    ({"drop": "pmiek_werkbank/__init__.py"}, "__init__.py ontbreekt"),
])
def test_zip_rules_refuse(tmp_path, extra, message):
    with pytest.raises(make_zip.ZipError, match=message):
        make_zip.check_zip(_zip_with(tmp_path, extra))


def test_version_comes_from_the_git_tag(tmp_path):
    """In a clone with tag v0.2.0 the ZIP says 0.2.0; a tag without changelog entry is refused."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", ROOT, str(clone)], check=True)
    git = ["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@t.nl"]
    # the clone has what is committed; the test copies the working metadata + LICENSE so it tests this tree
    for name in ("metadata.txt", "LICENSE"):
        shutil.copy(os.path.join(ROOT, name), clone / name)
    shutil.copy(os.path.join(ROOT, "scripts", "make_zip.py"), clone / "scripts" / "make_zip.py")
    subprocess.run(git + ["add", "metadata.txt", "LICENSE", "scripts/make_zip.py"], check=True)
    subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "t"], check=True)
    script = str(clone / "scripts" / "make_zip.py")
    subprocess.run(git + ["tag", "v0.2.0"], check=True)
    out = subprocess.run([_python(), "-I", script, str(tmp_path / "a.zip")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        assert "version=0.2.0" in z.read("pmiek_werkbank/metadata.txt").decode()
    subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "later"], check=True)
    subprocess.run(git + ["tag", "v7.7.7"], check=True)
    out = subprocess.run([_python(), "-I", script, str(tmp_path / "b.zip")], capture_output=True, text=True)
    assert out.returncode == 1 and "changelog" in out.stderr and "7.7.7" in out.stderr
    assert not (tmp_path / "b.zip").exists()
