<?php
// an injected script that runs hidden JavaScript (written for the tests, never run)
if (!isset($_COOKIE['__v'])) {
    echo '<script type="text/javascript">eval(String.fromCharCode(97,108,101,114,116,40,49,41))</script>';
}
