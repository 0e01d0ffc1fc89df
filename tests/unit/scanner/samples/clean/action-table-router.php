<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A forum-style dispatcher: the request names an action, the script's own table of actions
// gives the file and the function (the request is only the key of the table).
function pick_action()
{
    global $sourcedir;
    $actions = array(
        'display' => array('display.php', 'show_index'),
        'view' => array('view.php', 'show_item', false),
        'register' => array('register.php', 'show_register'),
    );
    if (!isset($_REQUEST['action']) || !isset($actions[$_REQUEST['action']])) {
        require_once($sourcedir . '/display.php');
        return 'show_index';
    }
    require_once($sourcedir . '/' . $actions[$_REQUEST['action']][0]);
    return $actions[$_REQUEST['action']][1];
}
