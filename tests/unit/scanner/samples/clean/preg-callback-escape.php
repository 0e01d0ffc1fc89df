<?php
// highlight the searched words in a posted comment
$q = preg_quote(trim($_GET['q'] ?? ''), '/');
echo preg_replace_callback('/' . $q . '/i', function ($m) {
    return '<mark>' . htmlspecialchars($m[0]) . '</mark>';
}, htmlspecialchars($_POST['comment'] ?? ''));
