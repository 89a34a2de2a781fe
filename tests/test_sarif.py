import json
import subprocess
import sys

from conftest import CLEAN, SPUN
from unspin.sarif import sarif_log

LEVELS = {"none", "note", "warning", "error"}


def check_region(region, text):
    """A SARIF 2.1.0 region (§3.30) in code points, consistent with the text it points into."""
    assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
    assert region["charOffset"] >= 0 and region["charLength"] >= 0
    piece = text[region["charOffset"]:region["charOffset"] + region["charLength"]]
    assert region["snippet"]["text"] == piece
    line = text.split("\n")[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == piece


def assert_valid_sarif(log, texts):
    """The structure SARIF 2.1.0 requires (sarif-schema-2.1.0.json), and what code-scanning services need."""
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"] and isinstance(driver["version"], str)
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in LEVELS
    assert run["columnKind"] in {"utf16CodeUnits", "unicodeCodePoints"}
    uris = [a["location"]["uri"] for a in run["artifacts"]]
    for result in run["results"]:
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in LEVELS
        (loc,) = result["locations"]
        art = loc["physicalLocation"]["artifactLocation"]
        assert uris[art["index"]] == art["uri"]
        text = texts[art["uri"]]
        check_region(loc["physicalLocation"]["region"], text)
        for fix in result.get("fixes", []):
            assert fix["description"]["text"]
            for change in fix["artifactChanges"]:
                assert change["artifactLocation"]["uri"] == art["uri"]
                for rep in change["replacements"]:
                    deleted = rep["deletedRegion"]
                    assert text[deleted["charOffset"]:deleted["charOffset"] + deleted["charLength"]] == \
                        loc["physicalLocation"]["region"]["snippet"]["text"]
                    assert isinstance(rep["insertedContent"]["text"], str)
    for inv in run["invocations"]:
        assert isinstance(inv["executionSuccessful"], bool)
        for note in inv["toolExecutionNotifications"]:
            assert note["message"]["text"] and note["level"] in LEVELS


def test_sarif_log_structure_positions_and_fixes(engine):
    text = "Heading\nÜber alles: " + SPUN + "\n"
    findings = engine.analyze(text)
    log = sarif_log([("docs/spun file.txt", text, findings, ""), ("gone.txt", None, [], "gone.txt: no such file")])
    assert_valid_sarif(log, {"docs/spun%20file.txt": text})
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert len(run["results"]) == len(findings) > 0
    helium = next(r for r in run["results"] if r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
                  == "helium")
    assert helium["ruleId"] == "spun-word" and "'he'" in helium["message"]["text"]
    assert helium["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "he"
    assert helium["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    (inv,) = run["invocations"]
    assert not inv["executionSuccessful"] and "no such file" in inv["toolExecutionNotifications"][0]["message"]["text"]


def test_check_format_sarif(tmp_path):
    spun, clean = tmp_path / "spun.txt", tmp_path / "clean.md"
    spun.write_text(SPUN + "\n", encoding="utf-8")
    clean.write_text(CLEAN + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "unspin.cli", "check", "--model", "trigram", "--format", "sarif",
                        str(spun), str(clean)], check=False, capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    log = json.loads(r.stdout)
    assert_valid_sarif(log, {spun.as_uri(): SPUN + "\n", clean.as_uri(): CLEAN + "\n"})
    run = log["runs"][0]
    assert [a["location"]["uri"] for a in run["artifacts"]] == [spun.as_uri(), clean.as_uri()]
    assert "spun-word" in {r["ruleId"] for r in run["results"]} <= {"spun-word", "phrase", "fingerprint"}
    assert run["invocations"][0]["executionSuccessful"]
