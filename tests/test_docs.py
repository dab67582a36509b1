import subprocess
import sys
from pathlib import Path

from leaklint import docs
from leaklint.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent


def test_committed_docs_match_generated() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "leaklint.docs", "--check", str(ROOT / "docs" / "rules")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr


def test_check_detects_drift(tmp_path: Path) -> None:
    assert docs.main([str(tmp_path)]) == 0
    assert docs.main(["--check", str(tmp_path)]) == 0
    page = tmp_path / f"{all_rules()[0].code}.md"
    page.write_text(page.read_text() + "edited\n")
    assert docs.main(["--check", str(tmp_path)]) == 1
    (tmp_path / "LL999.md").write_text("old rule\n")
    assert docs.main([str(tmp_path)]) == 0
    assert not (tmp_path / "LL999.md").exists()


def test_every_page_has_mechanism_and_cases() -> None:
    for rule in all_rules():
        page = docs.render_rule(rule)
        assert "## Why is this bad?" in page and "## Example" in page and "## Not reported" in page
        assert rule.message.split("{")[0].strip() in page
